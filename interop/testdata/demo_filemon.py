"""Client of the Go filemon and boilerplate demos: what rpyc's
demos/filemon/client.py and demos/boilerplate/rpyc_client.py do.

Usage: demo_filemon.py HOST PORT FACTORY FILENAME
FACTORY is FileMonitor (filemon) or MyService (boilerplate). Starts a
monitor on FILENAME with a callback, changes the file twice, stops the
monitor and prints what the callback saw.
"""
import os
import sys
import threading
import time

import rpyc

host, port, factory, filename = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
f = open(filename, "w")
conn = rpyc.connect(host, port)
bgsrv = rpyc.BgServingThread(conn)
events = []
changed = threading.Event()


def on_file_changed(oldstat, newstat):
    events.append((oldstat.st_size, newstat.st_size, str(newstat)))
    changed.set()


mon = getattr(conn.root, factory)(filename, on_file_changed, interval=0.1)
time.sleep(0.5)
for text in ("shmoop", "groop"):
    changed.clear()
    f.write(text)
    f.flush()
    if not changed.wait(10):
        print("no callback after writing %r" % text)
        sys.exit(1)
mon.stop()
bgsrv.stop()
conn.close()
sizes = sorted(set((o, n) for o, n, _ in events))
print("sizes", sizes)
print("str starts", events[-1][2].split("(")[0])
