"""A Python rpyc server that a reconnecting Go client loses and finds again.

Usage: reconnect_server.py NAME [PORT]
Serves ReconnectService (whoami answers NAME) on 127.0.0.1:PORT (0 or
absent: a free port) and prints "listening on 127.0.0.1:PORT". The tests
kill it with SIGKILL and start it again on the same port.
"""
import sys
import threading
import time

import rpyc
from rpyc.utils.server import ThreadedServer


class Counter(object):
    """An object the client holds by reference."""

    def __init__(self):
        self.n = 0

    def incr(self):
        self.n += 1
        return self.n


class ReconnectService(rpyc.Service):
    name = "?"

    def __init__(self):
        self._subs = []
        self._lock = threading.Lock()

    def exposed_whoami(self):
        return self.name

    def exposed_sleep(self, seconds):
        time.sleep(seconds)
        return seconds

    def exposed_new_counter(self):
        return Counter()

    def exposed_subscribe(self, fn):
        with self._lock:
            self._subs.append(fn)

    def exposed_fire(self, msg):
        with self._lock:
            subs = list(self._subs)
        n = 0
        for fn in subs:
            fn("%s: %s" % (self.name, msg))
            n += 1
        return n


def main():
    ReconnectService.name = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    server = ThreadedServer(ReconnectService, hostname="127.0.0.1", port=port,
                            protocol_config={"allow_public_attrs": True})
    server._listen()
    print("listening on 127.0.0.1:%d" % server.port, flush=True)
    server.start()


if __name__ == "__main__":
    main()
