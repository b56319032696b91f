"""Times Python's rpyc.classic.upload and download of one file.

Usage: classic_server_bench.py HOST PORT LOCALFILE REMOTEFILE
Prints "upload SECONDS" and "download SECONDS" (time inside Python, so
interpreter start-up is not counted), after checking the round trip.
"""
import hashlib
import os
import sys
import time

from rpyc.utils import classic

host, port, local, remote = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = classic.connect(host, port)
t0 = time.perf_counter()
classic.upload(conn, local, remote)
t1 = time.perf_counter()
classic.download(conn, remote, local + ".back")
t2 = time.perf_counter()
conn.close()
with open(local, "rb") as a, open(local + ".back", "rb") as b:
    if hashlib.sha256(a.read()).digest() != hashlib.sha256(b.read()).digest():
        raise SystemExit("round trip changed the file")
os.remove(local + ".back")
os.remove(remote)
print("upload", t1 - t0)
print("download", t2 - t1)
