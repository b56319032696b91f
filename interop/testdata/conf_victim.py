"""A client that gets killed in the middle of a call.

Usage: conf_victim.py HOST PORT

Connects, makes three counters and keeps them, prints "ready PORT" (its
own local port, so the test can find the connection in the server's log),
then calls r.sleep(5). The test kills it with SIGKILL during that call; if
it ever wakes up it prints "woke".
"""
import sys

import rpyc

c = rpyc.connect(sys.argv[1], int(sys.argv[2]))
r = c.root
held = [r.make_counter(i) for i in range(3)]
print("ready %d" % c._channel.stream.sock.getsockname()[1])
sys.stdout.flush()
r.sleep(5)
print("woke")
