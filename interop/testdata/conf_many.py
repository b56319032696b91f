"""Many rpyc clients at once against the conformance server.

Usage: conf_many.py HOST PORT N

Opens N connections, one per thread (each fetches its root), prints
"ready" and waits for a line on stdin; then every thread makes a fixed mix
of calls on its own connection and closes it. Prints "calls C errors E"
(and one "error ..." line per failure, at most 20) and exits 1 if E > 0.
"""
import sys
import threading

import rpyc

HOST, PORT, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

conns = [None] * N
errors = []
calls = [0] * N
lock = threading.Lock()
connected = threading.Barrier(N + 1)
start = threading.Event()


def fail(k, what):
    with lock:
        errors.append("client %d: %s" % (k, what))


def client(k):
    try:
        c = rpyc.connect(HOST, PORT, config={"sync_request_timeout": 60})
        c.root  # GETROOT now, so the connection is fully set up
        conns[k] = c
    except Exception as e:
        fail(k, "connect: %r" % (e,))
    try:
        connected.wait(60)
    except threading.BrokenBarrierError:
        fail(k, "barrier broken")
        return
    start.wait(60)
    c = conns[k]
    if c is None:
        return
    try:
        r = c.root
        n = 0
        for i in range(5):
            if r.add(k, i) != k + i:
                fail(k, "add(%d, %d)" % (k, i))
            n += 1
        if r.echo(("client", k, b"\x00" * k)) != ("client", k, b"\x00" * k):
            fail(k, "echo")
        n += 1
        ctr = r.make_counter(k)
        if ctr.increment(by=2) != k + 2:
            fail(k, "counter increment")
        n += 2
        if r.concat("a", str(k), sep="-") != "a-%d" % k:
            fail(k, "concat")
        n += 1
        if r.call_me(lambda x: x * 3, k) != 3 * k:
            fail(k, "call_me")
        n += 1
        if r.connections() < 1:
            fail(k, "connections")
        n += 1
        del ctr
        calls[k] = n
    except Exception as e:
        fail(k, "calls: %s%r" % (type(e).__name__, e.args))
    finally:
        try:
            c.close()
        except Exception:
            pass


def main():
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(N)]
    for t in threads:
        t.start()
    try:
        connected.wait(60)
    except threading.BrokenBarrierError:
        print("error: not every client connected in time")
    print("ready")
    sys.stdout.flush()
    sys.stdin.readline()
    start.set()
    for t in threads:
        t.join(60)
    for e in errors[:20]:
        print("error %s" % e)
    print("calls %d errors %d" % (sum(calls), len(errors)))
    sys.stdout.flush()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
