"""A Python rpyc 6 server with bind_threads on, for our client.

Run with PYTHONPATH pointing at rpyc 6.0.1 (bind_threads exists only in
rpyc 6) and RPYC_BIND_THREADS=true, or with the config key set here.
Prints "listening on 127.0.0.1:PORT".

The service: add(a, b); thread() (the serving thread's id); call_back(fn,
n) calls fn(n) and returns what it returns (a callback on the thread that
waits); recurse(n, fn): fn(n-1) -> the client calls recurse again, n deep
each way; slow_add(a, b, secs).
"""
import sys
import threading
import time

import rpyc
from rpyc.utils.server import ThreadedServer


class BindService(rpyc.Service):
    def exposed_add(self, a, b):
        return a + b

    def exposed_thread(self):
        return threading.get_ident()

    def exposed_call_back(self, fn, n):
        return fn(n)

    def exposed_recurse(self, n, fn):
        if n <= 0:
            return 0
        return fn(n - 1) + 1

    def exposed_slow_add(self, a, b, secs):
        time.sleep(secs)
        return a + b

    def exposed_version(self):
        return rpyc.__version__


def main():
    assert rpyc.__version__.startswith("6."), rpyc.__version__
    srv = ThreadedServer(BindService, hostname="127.0.0.1", port=0,
                         protocol_config={"bind_threads": True, "sync_request_timeout": 60,
                                          "allow_public_attrs": True})
    srv._listen()
    print("listening on 127.0.0.1:%d" % srv.port)
    sys.stdout.flush()
    srv.start()


if __name__ == "__main__":
    main()
