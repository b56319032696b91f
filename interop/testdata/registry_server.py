"""Python rpyc's registry server, for the Go registry clients to use.

Usage: registry_server.py udp|tcp [--listing] [--pruning SECONDS] [--host ADDR]
Binds ADDR (default 127.0.0.1) on a free port and prints "listening on ADDR:PORT".
"""
import logging
import sys

from rpyc.utils.registry import TCPRegistryServer, UDPRegistryServer


def main():
    mode = sys.argv[1]
    listing = "--listing" in sys.argv
    pruning = None
    if "--pruning" in sys.argv:
        pruning = float(sys.argv[sys.argv.index("--pruning") + 1])
    host = "127.0.0.1"
    if "--host" in sys.argv:
        host = sys.argv[sys.argv.index("--host") + 1]
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    cls = UDPRegistryServer if mode == "udp" else TCPRegistryServer
    srv = cls(host=host, port=0, pruning_timeout=pruning, allow_listing=listing)
    print("listening on %s:%d" % (host, srv.port), flush=True)
    srv.start()


if __name__ == "__main__":
    main()
