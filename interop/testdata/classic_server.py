"""A ThreadedServer for the Go classic/by-value tests.

Usage: classic_server.py slave|plain [UNIX_SOCKET_PATH]
  slave   serves rpyc's SlaveService (what rpyc_classic serves)
  plain   serves DataService below with the default (strict) attribute
          policy, as a custom server would
Prints "listening on 127.0.0.1:PORT" (or "listening on PATH" for a Unix
socket).
"""
import sys

import rpyc
from rpyc.core import SlaveService
from rpyc.utils.server import ThreadedServer


class Custom(object):
    def __init__(self, n):
        self.n = n


class DataService(rpyc.Service):
    def exposed_biglist(self, n):
        return list(range(n))

    def exposed_bigdict(self, n):
        return {"k%d" % i: i for i in range(n)}

    def exposed_nested(self):
        return {"ints": [1, 2, 3], "tuple": (1, "a", [4, 5]), "set": {7, 8},
                "dict": {"x": [1.5, None, True]}, "empty": [], "obj": Custom(3)}

    def exposed_gen(self, n, fail):
        def g():
            for i in range(n):
                self.produced.append(i)
                yield i
            if fail:
                raise ValueError("generator failed after %d items" % n)
        self.produced = []
        return g()

    def exposed_produced(self):
        return tuple(self.produced)

    def exposed_pairs(self):
        return {(1, 2): "tuple key"}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "slave"
    service = SlaveService if mode == "slave" else DataService
    config = {"allow_pickle": mode == "slave"}
    if len(sys.argv) > 2:
        t = ThreadedServer(service, socket_path=sys.argv[2], protocol_config=config)
        t._listen()
        sys.stdout.write("listening on %s\n" % sys.argv[2])
    else:
        t = ThreadedServer(service, hostname="127.0.0.1", port=0, protocol_config=config)
        t._listen()
        sys.stdout.write("listening on 127.0.0.1:%d\n" % t.port)
    sys.stdout.flush()
    t.start()


if __name__ == "__main__":
    main()
