"""Check every line of CONFORMANCE.md against a running conformance server.

Usage: conf_client.py HOST PORT

Prints one line per check, "ok NAME" or "FAIL NAME: DETAIL", then a summary
"N passed, M failed", and exits with status 1 if any check failed. A check
that raises an unexpected exception fails with that exception's repr; the
others still run. Run it through rpyc6_layout.py to check the 6.x layout.
"""
import gc
import hashlib
import math
import random
import sys
import threading
import time
import traceback

import rpyc
from rpyc.core import netref as _netref
from rpyc.core.async_ import AsyncResultTimeout
from rpyc.core.vinegar import GenericException

HOST = sys.argv[1]
PORT = int(sys.argv[2])

RESULTS = {"passed": 0, "failed": 0}
CHECKS = []


class CheckFailed(Exception):
    """Raised by expect(); its message is the FAIL detail."""


def check(fn):
    """Register a check; its name is the function name without 'check_'."""
    CHECKS.append(fn)
    return fn


def short(x, limit=300):
    s = repr(x)
    if len(s) > limit:
        s = s[:limit] + "...(%d chars)" % len(s)
    return s


def describe(e):
    """Name an exception by class (with rpyc's GenericException marked)
    and args; str() would repeat the whole remote traceback."""
    kind = type(e).__name__
    if isinstance(e, GenericException):
        kind += " (GenericException)"
    return "%s%s" % (kind, short(e.args, 240))


def one_line(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def expect(cond, detail):
    if not cond:
        raise CheckFailed(detail)


def expect_eq(got, want, what):
    if got != want or type(got) is not type(want):
        raise CheckFailed("%s: got %s (%s), want %s (%s)" % (
            what, short(got), type(got).__name__, short(want), type(want).__name__))


def expect_raises(cls, fn, *args, **kwargs):
    """Call fn and return the exception, which must be caught by
    `except cls` (so a class test, not a name test)."""
    try:
        res = fn(*args, **kwargs)
    except cls as e:
        return e
    except BaseException as e:  # noqa: B036 - report anything else
        raise CheckFailed("raised %s, want %s" % (describe(e), cls.__name__))
    raise CheckFailed("returned %s, want %s raised" % (short(res), cls.__name__))


def settled(fn, timeout=1.0):
    """Return fn() once two reads 50 ms apart agree (earlier releases,
    which travel asynchronously, have then been served)."""
    gc.collect()
    deadline = time.time() + timeout
    last = fn()
    while time.time() < deadline:
        time.sleep(0.05)
        now = fn()
        if now == last:
            return now
        last = now
    return last


def poll(fn, want, timeout=3.0):
    """Call fn until it returns want (DEL is asynchronous) or time runs
    out; return the last value."""
    deadline = time.time() + timeout
    while True:
        got = fn()
        if got == want or time.time() > deadline:
            return got
        gc.collect()
        time.sleep(0.02)


def connect():
    return rpyc.connect(HOST, PORT, config={"sync_request_timeout": 30})


conn = connect()
r = conn.root


def run(fn):
    name = fn.__name__[len("check_"):]
    try:
        fn()
    except CheckFailed as e:
        RESULTS["failed"] += 1
        print("FAIL %s: %s" % (name, one_line(str(e))))
    except BaseException as e:  # noqa: B036 - a check must not end the run
        RESULTS["failed"] += 1
        here = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__]
        where = "line %d: %s" % (here[-1].lineno, here[-1].line) if here else ""
        print("FAIL %s: unexpected %s [%s]" % (name, one_line(describe(e)), one_line(where)))
    else:
        RESULTS["passed"] += 1
        print("ok %s" % name)
    sys.stdout.flush()


# ---------------------------------------------------------------- values

@check
def check_add_small_ints():
    expect_eq(r.add(2, 3), 5, "add(2, 3)")
    expect_eq(r.add(-7, 3), -4, "add(-7, 3)")
    expect_eq(r.add(0, 0), 0, "add(0, 0)")


@check
def check_add_big_ints():
    expect_eq(r.add(2**70, 1), 2**70 + 1, "add(2**70, 1)")
    expect_eq(r.add(-2**100, 2**100), 0, "add(-2**100, 2**100)")
    expect_eq(r.add(2**200, 2**200), 2**201, "add(2**200, 2**200)")


@check
def check_add_int64_overflow():
    expect_eq(r.add(2**63 - 1, 1), 2**63, "add(2**63-1, 1)")
    expect_eq(r.add(-2**63, -1), -2**63 - 1, "add(-2**63, -1)")
    expect_eq(r.add(2**62, 2**62), 2**63, "add(2**62, 2**62)")
    expect_eq(r.add(2**63, -1), 2**63 - 1, "add(2**63, -1)")


@check
def check_add_floats():
    expect_eq(r.add(1.5, 2.25), 3.75, "add(1.5, 2.25)")
    expect_eq(r.add(0.1, 0.2), 0.1 + 0.2, "add(0.1, 0.2)")
    expect_eq(r.add(float("inf"), 1.0), float("inf"), "add(inf, 1.0)")


@check
def check_add_int_float_mix():
    expect_eq(r.add(1, 2.5), 3.5, "add(1, 2.5)")
    expect_eq(r.add(2.5, 1), 3.5, "add(2.5, 1)")
    expect_eq(r.add(2**70, 0.5), 2**70 + 0.5, "add(2**70, 0.5)")


ECHO_VALUES = [
    None, True, False, 0, 1, -1, -48, 159, 160, -49, 2**31 - 1, -2**31, 2**31,
    2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**100, -(10**60), 1.5, -0.0, 1e308,
    float("inf"), float("-inf"), 1 + 2j, -0.5j, "", "x", "h\u00e9llo w\u00f6rld \u65e5\u672c \U0001f600",
    "a\x00b", b"", b"\x00", b"\x00\xff" * 3, bytes(range(256)), (), (1,), (1, "a", (None, 2.5)),
    tuple(range(300)), ((((),),),), frozenset(), frozenset({1, 2, "x"}), slice(1, None, -1),
    slice(None), Ellipsis, NotImplemented, b"z" * 100000, "y" * 5000,
]


@check
def check_add_keywords():
    # CONFORMANCE.md names the parameters: r.add(a, b).
    expect_eq(r.add(1, b=2), 3, "add(1, b=2)")
    expect_eq(r.add(a=1, b=2), 3, "add(a=1, b=2)")
    expect_eq(r.add(b=2.5, a=1), 3.5, "add(b=2.5, a=1)")


@check
def check_add_type_error():
    # Not in the spec's table, but Python's + raises TypeError here.
    expect_raises(TypeError, r.add, 1, None)


@check
def check_echo_values():
    for v in ECHO_VALUES:
        got = r.echo(v)
        if type(got) is not type(v) or got != v:
            raise CheckFailed("echo(%s) returned %s (%s)" % (short(v, 80), short(got, 80), type(got).__name__))
        if isinstance(v, float) and math.copysign(1, got) != math.copysign(1, v):
            raise CheckFailed("echo(%r) lost the sign: %r" % (v, got))


@check
def check_echo_nan():
    got = r.echo(float("nan"))
    expect(type(got) is float and math.isnan(got), "echo(nan) returned %r" % (got,))


@check
def check_echo_local_function_is_same_object():
    def f():
        return 1
    expect(r.echo(f) is f, "r.echo(f) is not f")


@check
def check_echo_local_object_is_same_object():
    class Local(object):
        pass
    obj = Local()
    lst = [1, 2]
    expect(r.echo(obj) is obj, "r.echo(obj) is not obj")
    expect(r.echo(lst) is lst, "r.echo([1, 2]) is not the same list")
    got = r.echo((lst, 5))
    expect(type(got) is tuple and got[0] is lst and got[1] == 5,
           "r.echo((lst, 5)) returned %s" % short(got))


@check
def check_concat():
    expect_eq(r.concat("a", "b", "c"), "abc", "concat('a', 'b', 'c')")
    expect_eq(r.concat(), "", "concat()")
    expect_eq(r.concat("x"), "x", "concat('x')")


@check
def check_concat_sep_keyword():
    expect_eq(r.concat("a", "b", "c", sep="-"), "a-b-c", "concat('a', 'b', 'c', sep='-')")
    expect_eq(r.concat("a", "b", sep=", "), "a, b", "concat('a', 'b', sep=', ')")
    expect_eq(r.concat(sep="-"), "", "concat(sep='-')")


@check
def check_concat_unknown_keyword():
    e = expect_raises(TypeError, r.concat, "a", "b", bogus=1)
    expect(type(e).__name__ == "TypeError", "class name %r" % type(e).__name__)


KINDS = [
    ("int", 1, "int64"), ("negative int", -5, "int64"), ("int 2**63-1", 2**63 - 1, "int64"),
    ("int -2**63", -2**63, "int64"), ("int 2**63", 2**63, "*big.Int"), ("int 2**70", 2**70, "*big.Int"),
    ("float", 1.5, "float64"), ("str", "s", "string"), ("empty str", "", "string"),
    ("bytes", b"x", "[]uint8"), ("empty bytes", b"", "[]uint8"), ("True", True, "bool"),
    ("False", False, "bool"), ("None", None, "<nil>"), ("complex", 1j, "complex128"),
    ("tuple", (1, 2), "brine.Tuple"), ("empty tuple", (), "brine.Tuple"),
    ("function", lambda: 1, "*rpyc.Netref"), ("list", [1, 2], "*rpyc.Netref"),
    ("dict", {"a": 1}, "*rpyc.Netref"), ("object", object(), "*rpyc.Netref"),
]


@check
def check_kinds():
    bad = []
    for what, v, want in KINDS:
        got = r.kinds(v)
        if got != want:
            bad.append("%s -> %r, want %r" % (what, got, want))
    expect(not bad, "; ".join(bad))


@check
def check_version_attribute():
    expect_eq(r.version, "1", "r.version")
    expect(not callable(r.version), "r.version is callable")


@check
def check_service_name():
    expect_eq(r.get_service_name(), "CONFORMANCE", "get_service_name()")


@check
def check_service_aliases():
    expect_eq(r.get_service_aliases(), ("CONFORMANCE", "CONF"), "get_service_aliases()")


@check
def check_blob():
    for n in (0, 1, 250, 251, 252, 2999, 3000, 3001, 100000, 1 << 20):
        got = r.blob(n)
        want = bytes(i % 251 for i in range(n))
        if type(got) is not bytes or got != want:
            raise CheckFailed("blob(%d): got %s of length %d" % (n, type(got).__name__, len(got)))


@check
def check_checksum():
    rnd = random.Random(1234)
    for data in (b"", b"abc", bytes(range(256)) * 13, bytes(rnd.getrandbits(8) for _ in range(200000))):
        got = r.checksum(data)
        expect_eq(got, hashlib.sha256(data).hexdigest(), "checksum(%d bytes)" % len(data))


# ---------------------------------------------------------------- errors

@check
def check_divide():
    expect_eq(r.divide(1, 4), 0.25, "divide(1, 4)")
    expect_eq(r.divide(7.5, 2.5), 3.0, "divide(7.5, 2.5)")
    expect_eq(r.divide(-1, 8), -0.125, "divide(-1, 8)")
    expect_eq(r.divide(6, 3), 2.0, "divide(6, 3)")


@check
def check_divide_by_zero():
    e = expect_raises(ZeroDivisionError, r.divide, 1, 0)
    expect(type(e).__name__ == "ZeroDivisionError", "class name %r" % type(e).__name__)
    expect_raises(ZeroDivisionError, r.divide, 1.5, 0.0)


FAIL_KINDS = [ValueError, KeyError, TypeError, RuntimeError, IndexError, AttributeError,
              NotImplementedError, PermissionError]


def _fail_check(cls):
    def fn():
        msg = "boom %s \u00e9" % cls.__name__
        e = expect_raises(cls, r.fail, cls.__name__, msg)
        expect(type(e).__name__ == cls.__name__, "class name %r, want %r" % (type(e).__name__, cls.__name__))
        expect(not isinstance(e, GenericException), "a GenericException, want the builtin")
        # The builtin class itself, or rpyc's thin subclass of it that adds
        # the remote traceback to str(); nothing between them.
        expect(type(e) is cls or type(e).__bases__ == (cls,),
               "class %r has bases %r" % (type(e), type(e).__bases__))
        expect_eq(e.args, (msg,), "args")
        expect(msg in str(e), "str(e) lacks the message: %s" % short(str(e)))
    fn.__name__ = "check_fail_" + cls.__name__
    return fn


for _cls in FAIL_KINDS:
    check(_fail_check(_cls))


@check
def check_fail_connection_usable():
    for cls in FAIL_KINDS:
        try:
            r.fail(cls.__name__, "x")
        except cls:
            pass
    expect_eq(r.add(20, 22), 42, "add after fail()")


@check
def check_fail_custom():
    msg = "custom trouble 17"
    e = expect_raises(GenericException, r.fail_custom, msg)
    expect(not isinstance(e, (ValueError, RuntimeError, TypeError)), "also a builtin: %r" % (type(e).__mro__,))
    expect("conformance.CustomError" in type(e).__name__ or "conformance.CustomError" in repr(type(e)),
           "class %r does not name conformance.CustomError" % (type(e),))
    expect(getattr(e, "code", None) == 42, "code = %r, want 42" % (getattr(e, "code", None),))
    s = str(e)
    expect(msg in s, "str lacks the message: %s" % short(s))
    expect("Remote Traceback" in s, "str lacks the remote traceback banner: %s" % short(s))
    expect_eq(e.args, (msg,), "args")


@check
def check_panic_is_an_exception():
    other = connect()
    try:
        expect_eq(other.root.add(1, 1), 2, "second connection before the panic")
        try:
            res = r.panic("go panic 42")
        except EOFError as e:
            raise CheckFailed("the connection died: %r" % (e,))
        except Exception as e:
            expect("go panic 42" in str(e), "the exception does not carry the panic message: %s" % short(str(e)))
        else:
            raise CheckFailed("panic() returned %s" % short(res))
        expect_eq(r.add(2, 2), 4, "this connection after the panic")
        expect_eq(other.root.add(3, 3), 6, "second connection after the panic")
        fresh = connect()
        try:
            expect_eq(fresh.root.add(4, 4), 8, "a new connection after the panic")
        finally:
            fresh.close()
    finally:
        other.close()


@check
def check_no_such_method():
    expect_raises(AttributeError, lambda: r.no_such_method())
    expect_raises(AttributeError, getattr, r, "no_such_method")
    expect(not hasattr(r, "no_such_method"), "hasattr(r, 'no_such_method')")


@check
def check_secret_not_exposed():
    expect_raises(AttributeError, lambda: r.secret())
    expect_raises(AttributeError, getattr, r, "secret")
    expect_raises(AttributeError, getattr, r, "Secret")
    expect(not hasattr(r, "secret"), "hasattr(r, 'secret')")


@check
def check_setattr_denied():
    def set_version():
        r.version = "2"
    expect_raises(AttributeError, set_version)
    expect_eq(r.version, "1", "r.version after the denied setattr")

    def set_new():
        r.brand_new = 5
    expect_raises(AttributeError, set_new)


# ---------------------------------------------------------------- objects

@check
def check_counter_value():
    ctr = r.make_counter(7)
    expect(isinstance(ctr, _netref.BaseNetref), "make_counter returned %s, not a netref" % type(ctr))
    expect_eq(ctr.value, 7, "value")


@check
def check_counter_increment():
    ctr = r.make_counter(10)
    expect_eq(ctr.increment(), 11, "increment()")
    expect_eq(ctr.value, 11, "value after increment()")
    expect_eq(ctr.increment(by=5), 16, "increment(by=5)")
    expect_eq(ctr.increment(5), 21, "increment(5)")
    expect_eq(ctr.increment(-21), 0, "increment(-21)")
    expect_eq(ctr.value, 0, "value")


@check
def check_counter_reset():
    ctr = r.make_counter(3)
    ctr.increment(100)
    expect_eq(ctr.reset(), None, "reset()")
    expect_eq(ctr.value, 3, "value after reset()")


@check
def check_counter_str_repr_dir():
    ctr = r.make_counter(12)
    expect_eq(str(ctr), "Counter(12)", "str(ctr)")
    ctr.increment()
    expect_eq(str(ctr), "Counter(13)", "str(ctr) after increment")
    expect("Counter" in repr(ctr), "repr(ctr) = %r" % (repr(ctr),))
    names = dir(ctr)
    for n in ("increment", "reset", "value"):
        expect(n in names, "dir(ctr) lacks %r: %s" % (n, short(names)))


@check
def check_counter_value_readonly():
    ctr = r.make_counter(1)

    def setv():
        ctr.value = 5
    expect_raises(AttributeError, setv)
    expect_eq(ctr.value, 1, "value after the denied setattr")


@check
def check_counters_independent():
    a = r.make_counter(0)
    b = r.make_counter(100)
    a.increment()
    expect_eq((a.value, b.value), (1, 100), "(a.value, b.value)")


@check
def check_live_counters_goes_down():
    base = settled(r.live_counters)
    expect(type(base) is int and base >= 0, "live_counters() = %r" % (base,))
    held = [r.make_counter(i) for i in range(5)]
    expect_eq(r.live_counters(), base + 5, "live_counters() with 5 more held")
    del held[:3]
    gc.collect()
    got = poll(r.live_counters, base + 2)
    expect_eq(got, base + 2, "live_counters() after dropping 3 of 5")
    del held
    gc.collect()
    got = poll(r.live_counters, base)
    expect_eq(got, base, "live_counters() after dropping all")


@check
def check_live_counters_shared_ref():
    # The same counter received twice is one netref; one HANDLE_DEL with
    # the right count releases it.
    base = settled(r.live_counters)
    ctr = r.make_counter(0)
    again = r.echo(ctr)
    expect(again is ctr, "echo(counter) is not the same netref")
    expect_eq(r.live_counters(), base + 1, "live_counters() holding one counter")
    del ctr, again
    gc.collect()
    expect_eq(poll(r.live_counters, base), base, "live_counters() after dropping it")


@check
def check_live_counters_released_on_close():
    base = settled(r.live_counters)
    other = connect()
    held = [other.root.make_counter(i) for i in range(4)]
    expect_eq(r.live_counters(), base + 4, "live_counters() with another connection holding 4")
    other.close()
    expect_eq(poll(r.live_counters, base), base, "live_counters() after that connection closed")
    del held


@check
def check_get_list_basics():
    lst = r.get_list(3)
    expect_eq(len(lst), 3, "len(l)")
    expect_eq(lst[0], 0, "l[0]")
    expect_eq(lst[2], 2, "l[2]")
    expect_eq(lst[-1], 2, "l[-1]")
    expect_eq(lst[-3], 0, "l[-3]")


@check
def check_get_list_str_iter_contains():
    lst = r.get_list(3)
    expect_eq(str(lst), "[0, 1, 2]", "str(l)")
    expect_eq(list(lst), [0, 1, 2], "list(l)")
    expect(1 in lst, "1 in l is False")
    expect(5 not in lst, "5 in l is True")
    expect_eq([x for x in lst], [0, 1, 2], "iteration")
    expect_eq(str(r.get_list(0)), "[]", "str(get_list(0))")


@check
def check_get_list_setitem_append():
    lst = r.get_list(3)
    lst[1] = 42
    expect_eq(lst[1], 42, "l[1] after l[1] = 42")
    lst.append(7)
    expect_eq(len(lst), 4, "len(l) after append")
    expect_eq(lst[-1], 7, "l[-1] after append")
    expect_eq(list(lst), [0, 42, 2, 7], "list(l)")


@check
def check_get_list_eq():
    lst = r.get_list(3)
    expect(lst == lst, "l == l is False")


@check
def check_get_list_index_error():
    lst = r.get_list(3)
    for i in (3, -4, 100, -100):
        e = expect_raises(IndexError, lambda: lst[i])
        expect(type(e).__name__ == "IndexError", "l[%d]: class %r" % (i, type(e).__name__))

    def store():
        lst[3] = 1
    expect_raises(IndexError, store)


@check
def check_get_list_large():
    lst = r.get_list(1000)
    expect_eq(len(lst), 1000, "len(get_list(1000))")
    expect_eq(list(lst), list(range(1000)), "list(get_list(1000))")


@check
def check_get_dict_getitem():
    d = r.get_dict()
    expect_eq(d["a"], 1, "d['a']")
    expect_eq(d["c"], 3, "d['c']")
    e = expect_raises(KeyError, lambda: d["zz"])
    expect(type(e).__name__ == "KeyError", "class %r" % type(e).__name__)


@check
def check_get_dict_len_contains():
    d = r.get_dict()
    expect_eq(len(d), 3, "len(d)")
    expect("a" in d, "'a' in d is False")
    expect("zz" not in d, "'zz' in d is True")


@check
def check_get_dict_keys_items():
    d = r.get_dict()
    expect_eq(sorted(d.keys()), ["a", "b", "c"], "sorted(d.keys())")
    expect_eq(dict(d.items()), {"a": 1, "b": 2, "c": 3}, "dict(d.items())")


@check
def check_get_dict_setitem():
    d = r.get_dict()
    d["n"] = 9
    expect_eq(d["n"], 9, "d['n'] after d['n'] = 9")
    expect_eq(len(d), 4, "len(d) after setitem")


@check
def check_gen():
    expect_eq(list(r.gen(5)), [0, 1, 2, 3, 4], "list(r.gen(5))")
    expect_eq(list(r.gen(0)), [], "list(r.gen(0))")
    it = r.gen(3)
    expect_eq(next(it), 0, "next(it)")
    expect_eq(next(it), 1, "next(it)")
    expect_eq(next(it), 2, "next(it)")
    expect_raises(StopIteration, next, it)


@check
def check_gen_buffiter():
    got = list(rpyc.buffiter(r.gen(10000)))
    expect(got == list(range(10000)), "buffiter gave %d items, first %s" % (len(got), short(got[:5])))


@check
def check_call_me():
    expect_eq(r.call_me(lambda a, b: a + b, 1, 2), 3, "call_me(add, 1, 2)")
    expect_eq(r.call_me(lambda: "none"), "none", "call_me(f)")
    seen = []
    r.call_me(seen.append, "x")
    expect_eq(seen, ["x"], "the callback's side effect")


@check
def check_call_me_nested():
    # The callback calls back into the server while both requests pend.
    expect_eq(r.call_me(lambda x: r.add(x, 1), 41), 42, "call_me(lambda x: r.add(x, 1), 41)")
    expect_eq(r.call_me(lambda: r.call_me(lambda: 7)), 7, "doubly nested call_me")


@check
def check_call_me_callback_raises():
    def bad():
        raise ValueError("from the callback")
    e = expect_raises(ValueError, r.call_me, bad)
    expect("from the callback" in str(e), "str(e) = %s" % short(str(e)))
    expect_eq(r.add(1, 1), 2, "connection after the callback raised")


@check
def check_call_me_n():
    expect_eq(r.call_me_n(lambda i: i * 2, 10), 90, "call_me_n(i*2, 10)")
    expect_eq(r.call_me_n(lambda i: i * i, 100), sum(i * i for i in range(100)), "call_me_n(i*i, 100)")
    expect_eq(r.call_me_n(lambda i: 1, 0), 0, "call_me_n(f, 0)")


@check
def check_sleep():
    t0 = time.time()
    expect_eq(r.sleep(0.1), 0.1, "sleep(0.1)")
    expect(time.time() - t0 >= 0.09, "sleep(0.1) took only %.3fs" % (time.time() - t0))
    expect_eq(r.sleep(0.0), 0.0, "sleep(0.0)")


@check
def check_sleep_async():
    t0 = time.time()
    res = rpyc.async_(r.sleep)(0.5)
    took = time.time() - t0
    expect(took < 0.3, "async_(sleep)(0.5) took %.3fs to return" % took)
    expect(not res.ready, "result ready at once")
    expect_eq(res.value, 0.5, "AsyncResult.value")
    expect(time.time() - t0 >= 0.45, "value came after only %.3fs" % (time.time() - t0))
    expect_eq(r.add(1, 2), 3, "connection after async")


@check
def check_sleep_timed():
    res = rpyc.timed(r.sleep, 0.1)(1)
    t0 = time.time()
    expect_raises(AsyncResultTimeout, lambda: res.value)
    expect(time.time() - t0 < 0.5, "timeout took %.3fs" % (time.time() - t0))
    expect_eq(r.add(2, 3), 5, "connection right after the timeout")
    time.sleep(1.0)  # let the late reply arrive and be dropped
    expect_eq(r.add(3, 4), 7, "connection after the late reply")


@check
def check_connections():
    base = settled(r.connections)  # connections closed by earlier checks are gone
    expect(type(base) is int and base >= 1, "connections() = %r" % (base,))
    extra = [connect() for _ in range(3)]
    try:
        for c in extra:
            c.root  # a round trip: the server has surely taken the connection
        expect_eq(r.connections(), base + 3, "connections() with 3 more open")
        expect_eq(extra[0].root.connections(), base + 3, "connections() seen from another connection")
    finally:
        for c in extra:
            c.close()
    expect_eq(poll(r.connections, base), base, "connections() after closing them")


@check
def check_open_file_read():
    f = r.open_file()
    expect_eq(f.read(), b"line1\nline2\n", "read()")
    f.close()


@check
def check_open_file_readline():
    f = r.open_file()
    expect_eq(f.readline(), b"line1\n", "readline()")
    expect_eq(f.readline(), b"line2\n", "second readline()")
    expect_eq(f.readline(), b"", "readline() at the end")
    f.close()


@check
def check_open_file_readline_then_read():
    f = r.open_file()
    expect_eq(f.readline(), b"line1\n", "readline()")
    expect_eq(f.read(), b"line2\n", "read() after readline()")
    expect_eq(f.close(), None, "close()")


@check
def check_open_file_write_denied():
    f = r.open_file()
    expect_raises(AttributeError, lambda: f.write(b"x"))
    expect_raises(AttributeError, getattr, f, "write")
    f.close()


# ---------------------------------------------------------------- the rest

@check
def check_root_identity():
    expect(conn.root is r, "conn.root is not conn.root")


@check
def check_ping():
    conn.ping()
    conn.ping(data="hello \u00e9")


@check
def check_concurrent_threads():
    # Several threads share one connection; every reply reaches its caller.
    errors = []

    def worker(k):
        try:
            for i in range(20):
                got = r.add(k, i)
                if got != k + i:
                    errors.append("add(%d, %d) = %r" % (k, i, got))
        except Exception as e:
            errors.append(repr(e))
    threads = [threading.Thread(target=worker, args=(k * 1000,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    expect(not errors, "; ".join(errors[:5]))


def layout_name():
    try:
        import rpyc6_layout
    except ImportError:
        return "5.x"
    return "6.x" if rpyc6_layout.installed() else "5.x"


def main():
    print("# rpyc %s, %s message layout, server %s:%d" % (rpyc.__version__, layout_name(), HOST, PORT))
    for fn in CHECKS:
        run(fn)
    try:
        conn.close()
    except Exception:
        pass
    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
    sys.stdout.flush()
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
