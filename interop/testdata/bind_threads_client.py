"""A Python rpyc 6 client with bind_threads on, against a server at
argv[1] (host:port) serving the conformance-style methods add, call_back,
recurse (see bind_threads_server.py for their meaning). Run with
PYTHONPATH at rpyc 6.0.1. Prints one line per check, "ok NAME" or
"FAIL NAME: why", and exits 1 on any failure.
"""
import sys
import threading

import rpyc

failed = []


def check(name, fn):
    try:
        fn()
        print("ok", name)
    except Exception as e:  # noqa: BLE001 - report every failure
        failed.append(name)
        print("FAIL %s: %r" % (name, e))
    sys.stdout.flush()


def main():
    print("ready")
    sys.stdout.flush()
    host, port = sys.argv[1].rsplit(":", 1)
    conn = rpyc.connect(host, int(port), config={"bind_threads": True, "sync_request_timeout": 30})
    assert conn._bind_threads
    root = conn.root

    def calls():
        assert root.add(1, 2) == 3
        for i in range(200):
            assert root.add(i, i) == 2 * i

    def callback():
        me = threading.get_ident()
        seen = []

        def fn(n):
            seen.append(threading.get_ident())
            return n * 10

        assert root.call_back(fn, 4) == 40
        # The server's callback ran on the thread that waited for it.
        assert seen == [me], (seen, me)

    def nested():
        def fn(n):
            return root.recurse(n, fn)

        assert root.recurse(50, fn) == 50

    def threads():
        errors = []

        def worker(k):
            try:
                me = threading.get_ident()

                def fn(n):
                    if threading.get_ident() != me:
                        raise AssertionError("callback on thread %d, want %d" % (threading.get_ident(), me))
                    return n + k

                for i in range(50):
                    assert root.add(i, k) == i + k
                    assert root.call_back(fn, i) == i + k
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        ts = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        assert not errors, errors

    def exception():
        try:
            root.add(1, "x")
        except TypeError:
            return
        raise AssertionError("no TypeError")

    check("calls", calls)
    check("callback on the waiting thread", callback)
    check("nested callbacks 50 deep", nested)
    check("8 threads with callbacks", threads)
    check("exception", exception)
    conn.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
