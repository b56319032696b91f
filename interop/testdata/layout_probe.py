"""Prints which message layout rpyc.core.protocol uses, and the args.

Used by interop/peer_test.go to check the rpyc6_layout.py runner: run
directly it prints "layout 5.x", through the runner "layout 6.x".
"""
import sys

import rpyc.core.protocol as protocol
from rpyc.core import brine

if getattr(protocol.brine, "rpyc6_layout", False):
    import rpyc6_layout  # the runner's own module, not a second copy

    assert rpyc6_layout.installed()
    assert rpyc6_layout.__name__ == "__main__", rpyc6_layout.__name__
    packed = protocol.brine.dump((2, 7, "x"))
    assert packed == bytes([2]) + brine.dump((7, "x")), packed
    assert protocol.brine.load(packed) == (2, 7, "x")
    print("layout 6.x")
else:
    print("layout 5.x")
print("args %s" % " ".join(sys.argv[1:]))
