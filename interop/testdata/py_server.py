"""A Python rpyc ThreadedServer for the Go client's interop tests.

Usage: py_server.py [--classic]
Prints "listening on 127.0.0.1:PORT" once it accepts connections.
"""
import sys
import threading

import rpyc
from rpyc.utils.server import ThreadedServer


class Thing(object):
    """A custom class, passed by reference."""

    def __init__(self, value):
        self.value = value

    def incr(self, by=1):
        self.value += by
        return self.value

    def __repr__(self):
        return "Thing(%r)" % (self.value,)


class CustomError(Exception):
    def __init__(self, msg, code):
        Exception.__init__(self, msg)
        self.code = code


class InteropService(rpyc.Service):
    """The service the Go client drives."""

    def on_connect(self, conn):
        self._conn = conn

    def exposed_echo(self, x):
        return x

    def exposed_add(self, a, b):
        return a + b

    def exposed_noop(self):
        return None

    def exposed_kwargs(self, *args, **kwargs):
        return (args, tuple(sorted(kwargs.items())))

    def exposed_type_name(self, x):
        return type(x).__name__

    def exposed_get_list(self, n=5):
        return list(range(n))

    def exposed_get_dict(self):
        return {"a": 1, "b": [2, 3], "c": "three"}

    def exposed_make_thing(self, value=0):
        return Thing(value)

    def exposed_get_iter(self, n):
        return iter(range(n))

    def exposed_gen(self, n):
        for i in range(n):
            yield i

    def exposed_fail(self, kind, msg):
        if kind == "OSError":
            raise FileNotFoundError(2, msg, "/no/such/file")
        if kind == "KeyError":
            raise KeyError(msg)
        import builtins
        raise getattr(builtins, kind)(msg)

    def exposed_fail_custom(self, msg):
        raise CustomError(msg, 42)

    def exposed_call_back(self, fn, n):
        total = 0
        for i in range(n):
            total += fn(i)
        return total

    def exposed_bounce(self, fn, n):
        # Mutual recursion: Go's fn calls bounce again with n-1.
        if n <= 0:
            return 0
        return 1 + fn(n - 1)

    def exposed_call_kw(self, fn, *args, **kwargs):
        return fn(*args, **kwargs)

    def exposed_table_size(self):
        return len(self._conn._local_objects._dict)

    def exposed_sleep(self, seconds):
        import time
        time.sleep(seconds)
        return seconds

    def exposed_blob(self, n):
        return bytes(i % 251 for i in range(n))

    def exposed_str_of(self, x):
        return str(x)


def main():
    classic = "--classic" in sys.argv
    if classic:
        from rpyc.core.service import SlaveService
        service = SlaveService
        config = {}
    else:
        service = InteropService
        config = {"allow_public_attrs": True}
    server = ThreadedServer(service, hostname="127.0.0.1", port=0,
                            protocol_config=config)
    server._listen()
    print("listening on 127.0.0.1:%d" % server.port, flush=True)
    server.start()


if __name__ == "__main__":
    main()
