"""A client that starts one long call, for shutdown and kill tests.

Usage: server_sleeper.py HOST PORT SECONDS

Connects, prints "ready", calls root.sleep(SECONDS) and prints
"slept RESULT", or "error TYPE: MESSAGE" if the call failed.
"""
import sys

import rpyc

host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
c = rpyc.connect(host, port, config={"sync_request_timeout": 60})
r = c.root
print("ready")
sys.stdout.flush()
try:
    print("slept %s" % r.sleep(secs))
except Exception as e:
    print("error %s: %s" % (type(e).__name__, e))
sys.stdout.flush()
