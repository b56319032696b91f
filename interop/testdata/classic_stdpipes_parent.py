"""Python parent of a Go classic client on stdio.

Usage: classic_stdpipes_parent.py GO_BINARY
Starts the Go program with Python's connect_subproc (ClassicService on
this side), serves it until it has left CHILD_SAYS in this side's
namespace, hangs up, and prints "child says: VALUE".
"""
import sys
import time

from rpyc.core.service import ClassicService
from rpyc.utils.factory import connect_subproc


def main():
    conn = connect_subproc([sys.argv[1]], ClassicService)
    ns = conn._local_root.namespace
    deadline = time.time() + 30
    while "CHILD_SAYS" not in ns and time.time() < deadline:
        conn.serve(1)
    said = ns.get("CHILD_SAYS")
    conn.close()
    conn.proc.wait(timeout=30)
    print("child says: %r" % (said,))
    print("child exit: %d" % conn.proc.returncode)


if __name__ == "__main__":
    main()
