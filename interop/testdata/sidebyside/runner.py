"""Runs the side-by-side checks against one classic server.

Usage: runner.py HOST PORT WORKDIR [NAME_PREFIX...]
Prints one JSON object per check: {"name", "ok", "value", "error"},
then {"done": N}. Each check gets WORKDIR/<n> as its directory; values
have WORKDIR replaced by <W>. A check that runs longer than 30 s fails
as a timeout.
"""
import glob
import importlib
import json
import os
import signal
import sys

import rpyc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sbs  # noqa: E402


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout("check took longer than 30 s")


def normalize(v, work):
    text = repr(v)
    return text.replace(os.path.realpath(work), "<W>").replace(work, "<W>")


def main():
    host, port, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    prefixes = sys.argv[4:]
    for path in sorted(glob.glob(os.path.join(HERE, "checks_*.py"))):
        importlib.import_module(os.path.basename(path)[:-3])
    conn = rpyc.classic.connect(host, port)
    signal.signal(signal.SIGALRM, on_alarm)
    n = 0
    for i, (name, fn) in enumerate(sbs.CHECKS):
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        d = os.path.join(work, "c%03d" % i)
        os.makedirs(d, exist_ok=True)
        rec = {"name": name, "ok": False, "value": None, "error": None}
        signal.alarm(30)
        try:
            v = fn(conn, d)
            rec["ok"] = True
            if v is not None:
                rec["value"] = normalize(v, d)
        except BaseException as e:  # noqa: B036 - a check may raise anything
            if isinstance(e, KeyboardInterrupt):
                raise
            rec["error"] = normalize(sbs.describe(e), d)
            if os.environ.get("SBS_TRACEBACK"):
                rec["traceback"] = sbs.format_tb(e)
            if isinstance(e, (EOFError, Timeout)) or conn.closed:
                try:
                    conn.close()
                except Exception:
                    pass
                conn = rpyc.classic.connect(host, port)
        finally:
            signal.alarm(0)
        n += 1
        sys.stdout.write(json.dumps(rec) + "\n")
        sys.stdout.flush()
    sys.stdout.write(json.dumps({"done": n}) + "\n")


if __name__ == "__main__":
    main()
