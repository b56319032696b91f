"""Python rpyc's own servers, for the server benchmarks to compare with.

Usage: server_py.py threaded|pool

Serves a service with add(a, b) and sleep(seconds) on a free loopback
port with ThreadedServer or ThreadPoolServer (20 threads, its default)
and prints "listening on 127.0.0.1:PORT".
"""
import logging
import sys
import time

import rpyc
from rpyc.utils.server import ThreadedServer, ThreadPoolServer


class BenchService(rpyc.Service):
    def exposed_add(self, a, b):
        return a + b

    def exposed_sleep(self, seconds):
        time.sleep(seconds)
        return seconds


def main():
    cls = {"threaded": ThreadedServer, "pool": ThreadPoolServer}[sys.argv[1]]
    logger = logging.getLogger("bench")
    logger.setLevel(logging.ERROR)
    srv = cls(BenchService, hostname="127.0.0.1", port=0, logger=logger,
              protocol_config={"sync_request_timeout": 60})
    srv._listen()  # listening before the ready line; start() skips it then
    print("listening on 127.0.0.1:%d" % srv.port)
    sys.stdout.flush()
    srv.start()


if __name__ == "__main__":
    main()
