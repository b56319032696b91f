"""N concurrent Python classic clients upload to the Go rpyc_classic at once.

Usage: classic_server_many.py HOST PORT WORKDIR N
Each client (a thread with its own connection) uploads its own 1 MiB
random file, downloads it back, and compares SHA-256 sums. Prints
"all ok N" when every client succeeded.
"""
import hashlib
import os
import sys
import threading

from rpyc.utils import classic

host, port, work, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
barrier = threading.Barrier(n)
errors = []


def client(i):
    try:
        data = os.urandom(1024 * 1024 + i)
        src = os.path.join(work, "src%d" % i)
        with open(src, "wb") as f:
            f.write(data)
        conn = classic.connect(host, port)
        barrier.wait(timeout=60)  # every client connected before any uploads
        remote = os.path.join(work, "remote%d" % i)
        classic.upload(conn, src, remote)
        classic.download(conn, remote, src + ".back")
        conn.close()
        with open(src + ".back", "rb") as f:
            got = f.read()
        if hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
            raise AssertionError("client %d: checksum differs" % i)
    except BaseException as e:  # noqa: B036 - reported below
        errors.append("client %d: %r" % (i, e))


threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if errors:
    raise SystemExit("\n".join(errors))
print("all ok", n)
