"""A Python ThreadedServer that registers itself with a registry.

Usage: registry_pyserver.py udp|tcp REGISTRY_PORT [NAME]
Serves on 127.0.0.1 (free port) with auto_register=True and a registrar
that names 127.0.0.1 (never a broadcast); prints "listening on HOST:PORT".
"""
import logging
import sys

import rpyc
from rpyc.utils.registry import TCPRegistryClient, UDPRegistryClient
from rpyc.utils.server import ThreadedServer


def make_service(name):
    class PyRegService(rpyc.Service):
        ALIASES = [name, "PYALIAS"]

        def exposed_whoami(self):
            return "python:" + name

    return PyRegService


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    name = sys.argv[3] if len(sys.argv) > 3 else "PYREG"
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if mode == "udp":
        registrar = UDPRegistryClient(ip="127.0.0.1", port=port)
    else:
        registrar = TCPRegistryClient(ip="127.0.0.1", port=port)
    srv = ThreadedServer(make_service(name), hostname="127.0.0.1", port=0,
                         auto_register=True, registrar=registrar)
    print("listening on 127.0.0.1:%d" % srv.port, flush=True)
    srv.start()


if __name__ == "__main__":
    main()
