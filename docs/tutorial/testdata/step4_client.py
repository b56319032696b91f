"""Step 4's Python client (async), run by python_test.go against a Go
gate whose wait() returns once open() was called.

Usage: step4_client.py HOST PORT
"""
import sys

import rpyc

c = rpyc.connect(sys.argv[1], int(sys.argv[2]))
async_wait = rpyc.async_(c.root.wait)
res = async_wait()
print("ready:", res.ready)
c.root.open()
print(res.value, "ready:", res.ready)
c.close()
