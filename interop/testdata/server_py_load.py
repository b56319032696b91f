"""One load-generating client process for the pool benchmark.

Usage: server_py_load.py HOST PORT SECONDS

Connects, prints "ready", waits for a line on stdin, then calls
root.add(1, 2) in a loop for SECONDS and prints "calls N errors E".
"""
import sys
import time

import rpyc

host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
c = rpyc.connect(host, port, config={"sync_request_timeout": 60})
add = c.root.add
print("ready")
sys.stdout.flush()
sys.stdin.readline()
n = errors = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    try:
        if add(1, 2) != 3:
            errors += 1
    except Exception:
        errors += 1
    n += 1
print("calls %d errors %d" % (n, errors))
sys.stdout.flush()
c.close()
