"""re features Go's RE2 engine does not have: these pass on Python's
server only; ours raises re.error naming the construct (the harness
lists them as CPython-only)."""
import re

from sbs import check


def _unsupported(conn, pattern):
    try:
        return bool(conn.modules.re.search(pattern, "aab ab"))
    except re.error as e:
        raise AssertionError("re.error: " + str(e).split("\n\n")[0])


@check("re_cpython.backreference")
def _(conn, w):
    return _unsupported(conn, r"(a)\1")


@check("re_cpython.named_backreference")
def _(conn, w):
    return _unsupported(conn, r"(?P<x>a)(?P=x)")


@check("re_cpython.lookahead")
def _(conn, w):
    return _unsupported(conn, r"a(?=b)")


@check("re_cpython.negative_lookahead")
def _(conn, w):
    return _unsupported(conn, r"a(?!a)")


@check("re_cpython.lookbehind")
def _(conn, w):
    return _unsupported(conn, r"(?<=a)b")


@check("re_cpython.negative_lookbehind")
def _(conn, w):
    return _unsupported(conn, r"(?<!a)b")


@check("re_cpython.conditional")
def _(conn, w):
    return _unsupported(conn, r"(a)?(?(1)b|c)")


@check("re_cpython.atomic_group")
def _(conn, w):
    return _unsupported(conn, r"(?>a+)b")


@check("re_cpython.possessive")
def _(conn, w):
    return _unsupported(conn, r"a++b")


@check("re_cpython.unsupported_error_names_construct")
def _(conn, w):
    # On ours, the message names the construct; on Python's there is no
    # error (so this check passes only on ours).
    try:
        conn.modules.re.compile(r"(a)\1")
    except re.error as e:
        return "backreference" in str(e)
    raise AssertionError("compiled")
