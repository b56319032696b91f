"""Teach Debian's rpyc 5.3.0 to frame messages the way rpyc 6.x does.

The two versions agree on everything on the wire except how one protocol
message is packed into a channel frame:

    rpyc 5.x   brine.dump((msg_type, seq, payload))
    rpyc 6.x   one byte msg_type, then brine.dump((seq, payload))

rpyc.core.protocol reaches brine through its module-level name ``brine`` and
calls ``brine.dump`` / ``brine.load`` exactly once each for whole messages
(Connection._send and Connection._dispatch). Everything else it takes from
that name (dumpable, I4I4, ...) is about values, not messages. So pointing
that one name at an object that forwards every attribute to the real module
but packs and unpacks messages in the 6.x layout is enough; brine itself,
vinegar, netref and every other module keep the real brine.

Two ways to use it:

    # as a runner: the script runs as __main__ with the 6.x layout in force
    /usr/bin/python3 rpyc6_layout.py script.py [args...]

    # as a module, before any connection exists
    import rpyc6_layout
    rpyc6_layout.install()

``Layout6`` can also be used on its own (without install) to encode and
decode 6.x messages, which is what the interop echo peer does.
"""
import os
import runpy
import sys

import rpyc.core.protocol as _protocol
from rpyc.core import brine as _real_brine
from rpyc.core import consts as _consts

MESSAGE_TYPES = (_consts.MSG_REQUEST, _consts.MSG_REPLY, _consts.MSG_EXCEPTION)


class Layout6(object):
    """A stand-in for the brine module that speaks the 6.x message layout.

    Attribute lookups other than dump and load go to the real brine module,
    so protocol.py's other uses of the name keep working unchanged.
    """

    # Checked by install() and by peers; a marker attribute rather than an
    # isinstance test, because the runner and an importing script may hold
    # two different copies of this module.
    rpyc6_layout = True

    def __init__(self, real=_real_brine):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def dump(self, message):
        """Pack a (msg_type, seq, payload) triple as type byte + brine."""
        msg_type, seq, payload = message
        if type(msg_type) is not int or not 0 <= msg_type <= 255:
            raise ValueError("message type must fit in one byte: %r" % (msg_type,))
        return bytes((msg_type,)) + self._real.dump((seq, payload))

    def load(self, data):
        """Unpack type byte + brine (seq, payload) into a triple."""
        if not data:
            raise ValueError("empty message")
        seq, payload = self._real.load(data[1:])
        return data[0], seq, payload


def installed():
    """Report whether rpyc.core.protocol currently uses the 6.x layout."""
    return bool(getattr(_protocol.brine, "rpyc6_layout", False))


def install():
    """Switch rpyc.core.protocol to the 6.x layout (idempotent)."""
    if not installed():
        _protocol.brine = Layout6(_real_brine)


def uninstall():
    """Give rpyc.core.protocol its real brine module back."""
    _protocol.brine = _real_brine


def _run(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: %s SCRIPT [ARGS...]\n" % os.path.basename(argv[0]))
        return 2
    install()
    # Let "import rpyc6_layout" inside the script find this very module
    # instead of loading a second, uninstalled copy.
    sys.modules.setdefault("rpyc6_layout", sys.modules[__name__])
    script = os.path.abspath(argv[1])
    # Behave as if the script had been started directly: its own argv and
    # its own directory first on the import path.
    sys.argv = [script] + list(argv[2:])
    sys.path[0] = os.path.dirname(script)
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(_run(sys.argv))
