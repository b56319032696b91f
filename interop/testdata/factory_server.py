"""A Python rpyc ThreadedServer for the Go connection-factory tests.

Usage:
    factory_server.py [--host 127.0.0.1|::1] [--unix PATH]
                      [--ssl CERT KEY] [--ca CAFILE]
                      [--mode threaded|stdio]

It counts the connections it has accepted (a probe in the wrong message
layout is a connection too), so a test can check how often a Go client
probed. Prints "listening on HOST:PORT" (or "listening on PATH" for a
Unix socket) when it accepts connections. In stdio mode it serves one
connection over its standard input and output, as rpyc's
connect_stdpipes does, and writes one line to standard error first.
"""
import sys
import threading

import rpyc
from rpyc.utils.server import ThreadedServer

_lock = threading.Lock()
_count = [0]


class QuotaError(Exception):
    """A custom exception class, named with its module by the Go side."""


class FactoryService(rpyc.Service):
    def on_connect(self, conn):
        with _lock:
            _count[0] += 1

    def exposed_add(self, a, b):
        return a + b

    def exposed_echo(self, x):
        return x

    def exposed_connections(self):
        with _lock:
            return _count[0]

    def exposed_fail(self, msg):
        raise ValueError(msg)

    def exposed_fail_custom(self, msg):
        raise QuotaError(msg)

    def exposed_credentials(self):
        return str(self._conn._config.get("credentials"))


def main(argv):
    host, unix, ssl, ca, mode = "127.0.0.1", None, None, None, "threaded"
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--host":
            host = argv[i + 1]; i += 2
        elif a == "--unix":
            unix = argv[i + 1]; i += 2
        elif a == "--ssl":
            ssl = (argv[i + 1], argv[i + 2]); i += 3
        elif a == "--ca":
            ca = argv[i + 1]; i += 2
        elif a == "--mode":
            mode = argv[i + 1]; i += 2
        else:
            sys.stderr.write("unknown argument %r\n" % a)
            return 2
    if mode == "stdio":
        sys.stderr.write("factory_server: serving on stdio\n")
        sys.stderr.flush()
        conn = rpyc.connect_stdpipes(service=FactoryService)
        try:
            conn.serve_all()
        except EOFError:
            pass
        return 0
    kwargs = {}
    if ssl is not None:
        from rpyc.utils.authenticators import SSLAuthenticator
        kwargs["authenticator"] = SSLAuthenticator(ssl[1], ssl[0], ca_certs=ca)
    if unix is not None:
        server = ThreadedServer(FactoryService, socket_path=unix, **kwargs)
        server._listen()
        print("listening on %s" % unix, flush=True)
    else:
        server = ThreadedServer(FactoryService, hostname=host, port=0,
                                ipv6=(":" in host), **kwargs)
        server._listen()
        if ":" in host:
            print("listening on [%s]:%d" % (host, server.port), flush=True)
        else:
            print("listening on %s:%d" % (host, server.port), flush=True)
    server.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
