"""Python's connect_subproc driving a Go program that serves with
rpyc.ConnectStdPipes.

Usage: factory_stdio_parent.py PROGRAM [ARGS...]
Prints "add 5" and "bye" and exits 0 when the Go side answered.
"""
import sys

import rpyc


def main():
    conn = rpyc.connect_subproc(sys.argv[1:])
    print("add %d" % conn.root.add(2, 3), flush=True)
    conn.close()
    conn.proc.stdin.close()
    code = conn.proc.wait(timeout=20)
    print("bye" if code == 0 else "exit %d" % code, flush=True)


if __name__ == "__main__":
    main()
