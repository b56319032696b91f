"""Run Debian's rpyc_classic (rpyc.cli.rpyc_classic) on 127.0.0.1, free port.

Usage: classic_rpyc_classic.py [rpyc_classic options...]
The real command-line server is run unchanged; only its ThreadedServer's
start is wrapped to print "listening on 127.0.0.1:PORT" first, which the
Go test harness waits for.
"""
import sys

import rpyc.cli.rpyc_classic as cli
from rpyc.utils.server import ThreadedServer

_start = ThreadedServer.start


def start(self):
    self._listen()
    sys.stdout.write("listening on %s:%d\n" % (self.host, self.port))
    sys.stdout.flush()
    _start(self)


ThreadedServer.start = start
sys.argv = ["rpyc_classic", "--host", "127.0.0.1", "-p", "0", "-q"] + sys.argv[1:]
cli.main()
