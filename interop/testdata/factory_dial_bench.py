"""Connect + one call + close, N times, against a factory_server.py.

Usage: factory_dial_bench.py HOST PORT N
Prints "dials/s RATE".
"""
import sys
import time

import rpyc


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start = time.perf_counter()
    for _ in range(n):
        c = rpyc.connect(host, port)
        assert c.root.add(2, 3) == 5
        c.close()
    elapsed = time.perf_counter() - start
    print("dials/s %.1f" % (n / elapsed), flush=True)


if __name__ == "__main__":
    main()
