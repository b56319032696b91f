"""A plain Python rpyc client of a Go server that traces with otelrpyc.

Usage: otel_client.py HOST PORT
Calls add, div (expecting ZeroDivisionError), a callback and ping, and
prints one line per check, then "all ok".
"""
import sys

import rpyc

conn = rpyc.connect(sys.argv[1], int(sys.argv[2]), config={"sync_request_timeout": 30})
r = conn.root
assert r.add(40, 2) == 42
print("add ok")
try:
    r.div(1, 0)
except ZeroDivisionError:
    print("div raised ZeroDivisionError")
else:
    raise SystemExit("div(1, 0) did not raise")
assert r.twice(lambda x: x * x, 3) == 81
print("callback ok")
conn.ping(b"are you there")
print("ping ok")
conn.close()
print("all ok")
