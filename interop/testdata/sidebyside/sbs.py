"""The side-by-side checks' small framework.

A check is a function of (conn, work) decorated with @check("name"):
conn is an rpyc.classic connection, work a fresh directory (a str) on
the server's machine for this check alone. A check passes when it
returns without raising; what it returns (if not None) is its value,
which the Go test compares between Python's server and ours, so return
only what must be equal on both (no pids, no times). Paths inside the
work directory are shown as <W> in values, so the two runs compare.

Checks are grouped by module in checks_*.py files of this directory;
runner.py imports them all.
"""
import traceback

CHECKS = []


def check(name):
    """Registers a check under a unique name ("module.what")."""
    def register(fn):
        if any(n == name for n, _ in CHECKS):
            raise ValueError("duplicate check name: " + name)
        CHECKS.append((name, fn))
        return fn
    return register


class CheckFailed(AssertionError):
    pass


def eq(got, want, what=""):
    """Fails unless got == want, saying both."""
    if got != want:
        raise CheckFailed("%sgot %r, want %r" % (what + ": " if what else "", got, want))
    return got


def ok(cond, what="condition"):
    if not cond:
        raise CheckFailed(what + " is false")


def msg(e):
    """str(e) of a remote exception without the remote traceback that
    rpyc appends."""
    return str(e).split("\n\n========= Remote Traceback")[0]


def raises(exc_types, fn, *args, **kwargs):
    """Calls fn and returns (class name, message) of the exception it
    raises, which must be one of exc_types; fails if it returns."""
    try:
        fn(*args, **kwargs)
    except exc_types as e:
        return (type(e).__name__, msg(e))
    raise CheckFailed("%s did not raise %s" % (getattr(fn, "__name__", fn), exc_types))


def describe(e):
    return "%s: %s" % (type(e).__name__, msg(e).strip()[:300])


def format_tb(e):
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))[-600:]
