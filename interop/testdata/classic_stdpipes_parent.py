"""Python parent of a Go classic client on stdio.

Usage: classic_stdpipes_parent.py GO_BINARY [ARGS...]
Starts the Go program (with ARGS) and connects to it over its pipes, as
Python's connect_subproc does (ClassicService on this side), serves it
until it has left CHILD_SAYS in this side's namespace, hangs up, and
prints "child says: VALUE" and "child exit: STATUS". If connecting or
serving fails (the child hung up, or sent a message this side cannot
read), it prints "serving ended: ERROR" instead of the first line.
"""
import sys
import time
from subprocess import Popen, PIPE

from rpyc.core.service import ClassicService
from rpyc.utils.factory import connect_pipes


def main():
    # connect_subproc, spelt out so that the child can be reaped when
    # connecting fails.
    proc = Popen(sys.argv[1:], stdin=PIPE, stdout=PIPE)
    conn = None
    try:
        conn = connect_pipes(proc.stdout, proc.stdin, service=ClassicService)
        ns = conn._local_root.namespace
        deadline = time.time() + 30
        while "CHILD_SAYS" not in ns and time.time() < deadline:
            conn.serve(1)
        print("child says: %r" % (ns.get("CHILD_SAYS"),))
    except Exception as e:
        print("serving ended: %s: %s" % (type(e).__name__, e))
    try:
        if conn is not None:
            conn.close()
        else:
            proc.stdin.close()
            proc.stdout.close()
    except Exception:
        pass
    proc.wait(timeout=30)
    print("child exit: %d" % proc.returncode)


if __name__ == "__main__":
    main()
