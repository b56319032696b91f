"""Peer for the helper tests (interop/peer_test.go).

Prints "ready", then answers each line read from stdin with "got: LINE"
until stdin ends. With --child it first starts a long sleep in a child
process and prints "child PID", so the test can check that stopping the
peer also ends its process group.
"""
import subprocess
import sys


def main():
    if "--child" in sys.argv[1:]:
        child = subprocess.Popen(["sleep", "300"])
        print("child %d" % child.pid, flush=True)
    print("ready", flush=True)
    for line in sys.stdin:
        print("got: %s" % line.rstrip("\n"), flush=True)


if __name__ == "__main__":
    main()
