"""Echo peer for the Go wire-layer interop tests (interop/wire_test.go).

Listens on 127.0.0.1 (a free port), prints "listening on 127.0.0.1:PORT",
serves exactly one connection and exits when the other side closes it.
The connection is wrapped in rpyc's own SocketStream and Channel, so frames
are read and written by Python's real framing and zlib code.

Every frame received is decoded by Python and encoded again, and the result
is sent back (Channel.send compresses it above 3000 bytes, as rpyc does):

  --mode brine     the body is one brine value: brine.load, then brine.dump
  --mode message   the body is one protocol message, in either layout:
                   first byte 0x12 (a brine 3-tuple) is the 5.x layout
                   brine((type, seq, payload)); first byte 1, 2 or 3 is the
                   6.x layout type byte + brine((seq, payload)), handled by
                   rpyc6_layout.Layout6 (the one installed in
                   rpyc.core.protocol when run through the runner).

Anything Python cannot decode, or a message type it does not know, ends the
process with a traceback on stderr. On a clean end it prints
"echoed N frames" and exits 0.
"""
import argparse
import socket
import sys

import rpyc.core.protocol as protocol
from rpyc.core import brine, consts
from rpyc.core.channel import Channel
from rpyc.core.stream import SocketStream

MESSAGE_TYPES = (consts.MSG_REQUEST, consts.MSG_REPLY, consts.MSG_EXCEPTION)


def layout6_codec():
    """The 6.x codec: the installed one if the runner patched protocol."""
    if getattr(protocol.brine, "rpyc6_layout", False):
        return protocol.brine, "installed"
    import rpyc6_layout  # lives next to this script

    return rpyc6_layout.Layout6(brine), "imported"


def echo_brine(data):
    return brine.dump(brine.load(data))


def make_echo_message():
    layout6, how = layout6_codec()
    sys.stderr.write("echo_peer: 6.x layout codec %s\n" % how)

    def check_type(msg_type):
        if type(msg_type) is not int or msg_type not in MESSAGE_TYPES:
            raise ValueError("unknown message type %r" % (msg_type,))

    def echo_message(data):
        if data[:1] == brine.TAG_TUP3:
            msg_type, seq, payload = brine.load(data)
            check_type(msg_type)
            return brine.dump((msg_type, seq, payload))
        if data[0] in MESSAGE_TYPES:
            msg_type, seq, payload = layout6.load(data)
            check_type(msg_type)
            return layout6.dump((msg_type, seq, payload))
        raise ValueError("first byte 0x%02x is neither layout" % data[0])

    return echo_message


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("brine", "message"), default="brine")
    args = parser.parse_args()
    echo = echo_brine if args.mode == "brine" else make_echo_message()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    host, port = listener.getsockname()
    print("listening on %s:%d" % (host, port), flush=True)
    sock, _ = listener.accept()
    listener.close()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    channel = Channel(SocketStream(sock))
    frames = 0
    try:
        while True:
            try:
                data = channel.recv()
            except EOFError:
                break
            channel.send(echo(data))
            frames += 1
    finally:
        channel.close()
    print("echoed %d frames" % frames, flush=True)


if __name__ == "__main__":
    main()
