"""Python's side of bench/classic: the same measurements with rpyc's own
client, against the same classic server, in the same run.

Usage: py_bench.py HOST:PORT LOCAL_50MIB_FILE REMOTE_DIR
Prints one JSON object: seconds for list(netref) and rpyc.classic.obtain of
the server's namespace["big"], and for rpyc.classic.upload/download of the
file.
"""
import json
import os
import sys
import time

import rpyc
from rpyc.utils import classic


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    local, remote_dir = sys.argv[2], sys.argv[3]
    conn = rpyc.classic.connect(host, int(port))
    conn.execute("big = list(range(100000))")  # each connection has its own namespace
    big = conn.eval("big")
    out = {}
    out["list_netref_s"] = timed(lambda: list(big))
    out["obtain_pickle_s"] = min(timed(lambda: classic.obtain(big)) for _ in range(3))
    assert len(classic.obtain(big)) == len(list(range(100000)))
    remote = os.path.join(remote_dir, "py_upload.bin")
    back = local + ".py_back"
    out["upload_s"] = timed(lambda: classic.upload(conn, local, remote))
    out["download_s"] = timed(lambda: classic.download(conn, remote, back))
    with open(local, "rb") as a, open(back, "rb") as b:
        assert a.read() == b.read()
    os.remove(back)
    os.remove(remote)
    conn.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
