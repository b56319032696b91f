"""Repeats the idioms of issue 18's data-losing race against a classic
server: each N times, counting failures and empty files.

Usage: classic_lifetime_idioms.py HOST PORT WORKDIR N
Prints one line per idiom: "<idiom> failures=F" (and "empty=E" for the
write idiom), then "done".
"""
import os
import sys

import rpyc

host, port, work, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
conn = rpyc.classic.connect(host, port)
b = conn.builtins
sp = conn.modules.subprocess
TEXT = "line1\nline2\n"

fails = {}
empty = 0
for i in range(n):
    p = os.path.join(work, "f%d" % i)
    try:
        b.open(p, "w").write(TEXT)
    except Exception as e:  # noqa: BLE001 - counted
        fails.setdefault("open_w_write", []).append(str(e)[:80])
    # The write is on disk when write() returns (our server does not
    # buffer); a later read through the server must see it.
    if b.open(p).read() == "":
        empty += 1
    idioms = {
        "open_read": lambda: b.open(p).read() == TEXT,
        "open_readline": lambda: b.open(p).readline() == "line1\n",
        "open_readlines": lambda: list(b.open(p).readlines()) == ["line1\n", "line2\n"],
        "for_line_in_open": lambda: [l for l in b.open(p)] == ["line1\n", "line2\n"],
        "for_line_in_open_rb": lambda: [l for l in b.open(p, "rb")] == [b"line1\n", b"line2\n"],
        "open_rb_read": lambda: b.open(p, "rb").read() == TEXT.encode(),
        "popen_stdout_read": lambda: sp.Popen(["cat", p], stdout=sp.PIPE).stdout.read() == TEXT.encode(),
    }
    for name, f in idioms.items():
        try:
            if not f():
                fails.setdefault(name, []).append("wrong result")
        except Exception as e:  # noqa: BLE001 - counted
            fails.setdefault(name, []).append(str(e).split("\n")[0][:80])
    fails.setdefault("open_w_write", fails.get("open_w_write", []))
    for name in idioms:
        fails.setdefault(name, fails.get(name, []))

for name in sorted(fails):
    print("%s failures=%d %s" % (name, len(fails[name]), "; ".join(sorted(set(fails[name])))[:200]))
print("open_w_write empty=%d" % empty)
print("done")
