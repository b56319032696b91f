"""Times 1,000-iteration loops sent with conn.execute, from Python's client.

Usage: classic_code_bench.py HOST PORT ROUNDS
Prints "loop SECONDS" and "loop_call SECONDS": the mean over ROUNDS of
one conn.execute of each loop (time inside Python, so interpreter
start-up is not counted), after checking the results; and "empty
SECONDS" for conn.execute("pass"), the round trip without the loop.
"""
import sys
import time

from rpyc.utils import classic

host, port, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conn = classic.connect(host, port)
loop = "s = 0\nfor i in range(1000):\n    s += i * i"
loop_call = "t = 0\nfor i in range(1000):\n    t += sq(i)"
conn.execute("def sq(x):\n    return x * x")
for name, code, var in (("loop", loop, "s"), ("loop_call", loop_call, "t")):
    conn.execute(code)  # warm up
    t0 = time.perf_counter()
    for _ in range(rounds):
        conn.execute(code)
    elapsed = (time.perf_counter() - t0) / rounds
    assert conn.eval(var) == sum(i * i for i in range(1000))
    print(name, elapsed)
t0 = time.perf_counter()
for _ in range(rounds):
    conn.execute("pass")
print("empty", (time.perf_counter() - t0) / rounds)
conn.close()
