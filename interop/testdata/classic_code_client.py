"""Python code sent with conn.execute and conn.eval, as lab scripts send it.

Usage: classic_code_client.py go|py HOST PORT WORKDIR

Runs every check below against a classic server (the Go rpyc_classic
or Python's own; the first argument says which, for the few checks
whose answer differs by design) and prints one line per check:
"ok NAME", "skip NAME: why" or "FAIL NAME: error", then "done".
WORKDIR is a directory both sides can use.
"""
import io
import os
import sys
import threading
import traceback

import rpyc
from rpyc.utils import classic

KIND, HOST, PORT, WORK = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = classic.connect(HOST, PORT)
ns = conn.namespace
checks = []


def check(fn):
    checks.append(fn)
    return fn


class Skip(Exception):
    pass


def expect_exc(cls, fn, *args):
    try:
        fn(*args)
    except cls as e:
        return e
    raise AssertionError("no %s" % cls.__name__)


@check
def imports():
    conn.execute("import sys; sys.path.insert(0, %r)" % WORK)
    assert conn.eval("sys.path[0]") == WORK
    conn.execute("import os\nimport os.path\nimport os.path as osp\nfrom os.path import join as pjoin, basename\n"
                 "from os import getcwd, sep\nimport subprocess as sp, sys as system")
    assert conn.eval("pjoin('a', 'b')") == "a/b"
    assert conn.eval("osp is os.path") is True
    assert conn.eval("basename('/x/y.txt')") == "y.txt"
    assert conn.eval("getcwd()") == conn.modules.os.getcwd()
    assert conn.eval("system is sys") is True
    conn.execute("def use_import():\n    import os as o2\n    from os import path\n    return o2.path.join('p', 'q'), path is o2.path")
    assert conn.eval("use_import()") == ("p/q", True)
    conn.execute("m = __import__('os.path')")
    assert conn.eval("m is os") is True
    e = expect_exc(ImportError, conn.execute, "import no_such_module_here")
    assert "no_such_module_here" in str(e)
    e = expect_exc(ImportError, conn.execute, "from os import no_such_name")
    assert "no_such_name" in str(e)


@check
def import_star():
    conn.execute("from os.path import *")
    assert conn.eval("join('x', 'y')") == "x/y"


@check
def modules_are_conn_modules():
    conn.execute("import os")
    assert conn.eval("os") == conn.modules.os
    assert conn.eval("os.getpid()") == conn.modules.os.getpid()


@check
def try_except_else_finally():
    conn.execute("""
log = []
def attempt(path):
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        log.append(('missing', e.errno, e.filename, e.strerror))
    except OSError as e:
        log.append(('oserror', type(e).__name__))
    else:
        log.append(('ok', st.st_size >= 0))
    finally:
        log.append('finally')
attempt(%r)
attempt(%r)
""" % (os.path.join(WORK, "nope"), WORK))
    log = classic.obtain(ns["log"])
    assert log == [("missing", 2, os.path.join(WORK, "nope"), "No such file or directory"), "finally",
                   ("ok", True), "finally"], log


@check
def exceptions_from_module_calls():
    conn.execute("""
caught = []
for fn, arg in [(open, %r), (os.listdir, %r), (os.rmdir, %r)]:
    try:
        fn(arg)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, OSError) as e:
        caught.append((type(e).__name__, e.errno, isinstance(e, OSError), str(e)))
""" % (os.path.join(WORK, "absent.txt"), os.path.join(WORK, "absent-dir"), os.path.join(WORK, "absent-dir")))
    caught = classic.obtain(ns["caught"])
    assert [c[0] for c in caught] == ["FileNotFoundError"] * 3, caught
    assert all(c[1] == 2 and c[2] for c in caught), caught
    assert caught[0][3] == "[Errno 2] No such file or directory: %r" % os.path.join(WORK, "absent.txt"), caught[0]


@check
def subprocess_errors():
    conn.execute("""
import subprocess
try:
    subprocess.run(['sh', '-c', 'exit 7'], check=True)
except Exception as e:
    sub_err = type(e).__name__
    sub_is_exc = isinstance(e, Exception)
out = subprocess.check_output(['echo', 'hello'], text=True)
""")
    assert conn.eval("sub_err") == "CalledProcessError"
    assert conn.eval("sub_is_exc") is True
    assert conn.eval("out") == "hello\n"


@check
def subprocess_error_attributes():
    if KIND == "go" and not conn.eval("hasattr(subprocess, 'CalledProcessError')"):
        raise Skip("this server's subprocess has no CalledProcessError attribute yet")
    conn.execute("""
try:
    subprocess.run(['sh', '-c', 'exit 5'], check=True, capture_output=True)
except subprocess.CalledProcessError as e:
    rc = e.returncode
    is_sub = isinstance(e, subprocess.SubprocessError)
""")
    assert conn.eval("rc") == 5
    assert conn.eval("is_sub") is True


@check
def exception_reaches_client():
    e = expect_exc(ValueError, conn.execute, "def inner():\n    raise ValueError('bad value', 3)\n\ninner()")
    assert e.args == ("bad value", 3), e.args
    text = str(e)
    assert 'File "<string>", line 4, in <module>' in text, text
    assert 'File "<string>", line 2, in inner' in text, text
    e = expect_exc(FileNotFoundError, conn.execute, "open(%r)" % os.path.join(WORK, "none.txt"))
    assert e.errno == 2 and e.filename == os.path.join(WORK, "none.txt"), (e.errno, e.filename)
    e = expect_exc(KeyError, conn.eval, "{}['k']")
    assert e.args == ("k",)
    e = expect_exc(ZeroDivisionError, conn.eval, "1 // 0")
    e = expect_exc(NameError, conn.eval, "undefined_thing")
    assert "undefined_thing" in str(e)
    assert conn.eval("40 + 2") == 42  # the connection lives on


@check
def custom_exception_class():
    conn.execute("""
class LabError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg, code)
        self.code = code
class DeviceError(LabError):
    pass
def fail():
    raise DeviceError('device offline', 17)
try:
    fail()
except LabError as e:
    lab = (type(e).__name__, e.code, e.args)
""")
    assert classic.obtain(ns["lab"]) == ("DeviceError", 17, ("device offline", 17))
    try:
        conn.execute("fail()")
    except Exception as e:
        # rpyc's client rebuilds an unknown class as a subclass of
        # GenericException named after it.
        assert any(c.__name__.endswith("DeviceError") for c in type(e).__mro__), type(e).__mro__
        assert e.args == ("device offline", 17), e.args
        assert e.code == 17
    else:
        raise AssertionError("no exception")


@check
def raise_forms():
    conn.execute("""
r = []
try:
    try:
        {}['x']
    except KeyError as e:
        raise RuntimeError('wrapped') from e
except RuntimeError as e:
    r.append((str(e), type(e.__cause__).__name__))
try:
    try:
        raise TypeError('t')
    except TypeError:
        raise
except TypeError as e:
    r.append(str(e))
try:
    assert 1 + 1 == 3, 'math'
except AssertionError as e:
    r.append(str(e))
""")
    assert classic.obtain(ns["r"]) == [("wrapped", "KeyError"), "t", "math"]


@check
def with_statement():
    path = os.path.join(WORK, "with.txt")
    conn.execute("""
with open(%r, 'w') as f:
    f.write('one\\ntwo\\n')
with open(%r) as f:
    lines = [l.strip() for l in f]
with open(%r) as f:
    first = f.readline()
    rest = f.read()
class Tracker:
    def __init__(self):
        self.events = []
    def __enter__(self):
        self.events.append('enter')
        return self
    def __exit__(self, et, ev, tb):
        self.events.append(('exit', et.__name__ if et else None))
        return et is ValueError
t = Tracker()
with t:
    raise ValueError('swallowed')
with t as same:
    same.events.append('body')
""" % (path, path, path))
    assert classic.obtain(ns["lines"]) == ["one", "two"]
    assert conn.eval("first") == "one\n" and conn.eval("rest") == "two\n"
    assert classic.obtain(ns["t"].events) == ["enter", ("exit", "ValueError"), "enter", "body", ("exit", None)]


@check
def classes():
    conn.execute("""
class Shape:
    count = 0
    def __init__(self, name):
        self.name = name
        Shape.count += 1
    def area(self):
        raise NotImplementedError
    def describe(self):
        return '%s with area %.1f' % (self.name, self.area())
    def __repr__(self):
        return '%s(%r)' % (type(self).__name__, self.name)
    def __str__(self):
        return self.name
    def __eq__(self, other):
        return type(self) is type(other) and self.name == other.name
    __hash__ = None
    @staticmethod
    def unit():
        return 'm'
    @classmethod
    def make(cls, *a):
        return cls(*a)
class Square(Shape):
    def __init__(self, side):
        super().__init__('square')
        self.side = side
    def area(self):
        return self.side ** 2
    @property
    def perimeter(self):
        return 4 * self.side
    @perimeter.setter
    def perimeter(self, p):
        self.side = p / 4
    def __len__(self):
        return 4
    def __getitem__(self, i):
        return [self.side] * 4
    def __iter__(self):
        return iter([self.side] * 4)
    def __call__(self, factor):
        return self.side * factor
    def __contains__(self, x):
        return x == self.side
sq = Square.make(3)
sq.perimeter = 20
""")
    sq = ns["sq"]
    assert sq.describe() == "square with area 25.0", sq.describe()
    assert sq.side == 5 and sq.perimeter == 20 and sq.name == "square"
    assert repr(sq) == "Square('square')" and str(sq) == "square"
    assert len(sq) == 4 and list(sq) == [5, 5, 5, 5] and 5 in sq and sq(2) == 10
    assert ns["Shape"].unit() == "m" and conn.eval("Shape.count") == 1
    sq.side = 2
    assert conn.eval("sq.area()") == 4
    sq2 = ns["Square"](7)
    assert sq2.area() == 49
    assert conn.eval("isinstance(sq, Shape) and issubclass(Square, Shape)") is True
    assert conn.eval("Square.__mro__[1].__name__") == "Shape"
    e = expect_exc(NotImplementedError, conn.eval, "Shape('x').area()")


@check
def scopes():
    conn.execute("""
counter = 0
def bump():
    global counter
    counter += 1
def make_acc():
    total = 0
    def add(n):
        nonlocal total
        total += n
        return total
    return add
acc = make_acc()
bump(); bump()
acc(5)
""")
    assert conn.eval("counter") == 2 and conn.eval("acc(1)") == 6


@check
def loops_and_del():
    conn.execute("""
out = []
n = 0
while True:
    n += 1
    if n % 2:
        continue
    if n > 8:
        break
    out.append(n)
else:
    out.append('no')
for i in range(3):
    pass
else:
    out.append('for-else')
d = {'a': 1, 'b': 2}
del d['a']
tmp = 1
del tmp
""")
    assert classic.obtain(ns["out"]) == [2, 4, 6, 8, "for-else"]
    assert classic.obtain(ns["d"]) == {"b": 2}
    assert "tmp" not in ns


@check
def expressions():
    conn.execute("""
name, value = 'volt', 3.14159
res = [
    f'{name!r:>10}|{value:.2f}|{value!s:>8}|{42:#06x}|{1234567:,}',
    2 ** 10, 2 ** 100, 7 // 2, -7 // 2, 7 % -3,
    [] is not None, (1 is 1) if False else 'skip',
    sorted({3, 1, 2} | {5}), {x % 3 for x in range(7)} == {0, 1, 2},
    1 < 2 < 3, 3 > 2 > 2,
    'abcdef'[1:4], 'abcdef'[::-2], [0, 1, 2, 3][-2:],
    '%s-%05.1f-%x' % ('a', 2.25, 255), '{0}/{name}'.format(1, name='n'),
    (lambda x, *a, k=1, **kw: (x, a, k, kw))(1, 2, k=3, z=4),
    'yes' if value > 3 else 'no',
]
first, *middle, last = range(5)
(a, b), c = (1, 2), 3
""")
    res = classic.obtain(ns["res"])
    assert res[0] == "    'volt'|3.14| 3.14159|0x002a|1,234,567", res[0]
    assert res[1:6] == [1024, 2 ** 100, 3, -4, -2]
    assert res[6:] == [True, "skip", [1, 2, 3, 5], True, True, False, "bcd", "fdb", [2, 3], "a-002.2-ff", "1/n",
                       (1, (2,), 3, {"z": 4}), "yes"], res[6:]
    assert (conn.eval("first"), classic.obtain(ns["middle"]), conn.eval("last")) == (0, [1, 2, 3], 4)
    assert conn.eval("(a, b, c)") == (1, 2, 3)


@check
def generators():
    conn.execute("""
def countdown(n):
    while n > 0:
        yield n
        n -= 1
def pipeline():
    yield from countdown(2)
    yield from (x * 10 for x in range(2))
gen_total = sum(countdown(4))
""")
    assert conn.eval("gen_total") == 10
    assert conn.eval("list(pipeline())") is not None
    assert classic.obtain(conn.eval("list(pipeline())")) == [2, 1, 0, 10]
    g = conn.eval("countdown(3)")
    assert list(g) == [3, 2, 1]
    assert [x for x in ns["countdown"](2)] == [2, 1]


@check
def builtins_in_code():
    conn.execute("""
words = ['pear', 'Apple', 'fig']
b = [
    len(words), sorted(words), sorted(words, key=str.lower), list(reversed(words)), min(words, key=len),
    max(3, 9, 4), sum(range(5)), any(w.startswith('f') for w in words), all(words),
    list(enumerate(words, 1)), list(zip(words, range(3))), list(map(len, words)), list(filter(None, [0, 1, '', 'x'])),
    isinstance(1, int), isinstance('s', (int, str)), issubclass(bool, int), type(3).__name__,
    int('12'), float('1.5'), str(10), bool(0), list('ab'), dict(a=1), tuple([1, 2]), set([1, 1]) == {1},
    repr('x'), hex(255), oct(8), bin(5), ord('a'), chr(98), abs(-2), round(2.567, 2), divmod(9, 4), pow(2, 5),
    hasattr(words, 'append'), getattr(words, 'count')('fig'), callable(len), hash('a') == hash('a'),
]
""")
    b = classic.obtain(ns["b"])
    assert b == [3, ["Apple", "fig", "pear"], ["Apple", "fig", "pear"], ["fig", "Apple", "pear"], "fig",
                 9, 10, True, True, [(1, "pear"), (2, "Apple"), (3, "fig")], [("pear", 0), ("Apple", 1), ("fig", 2)],
                 [4, 5, 3], [1, "x"], True, True, True, "int", 12, 1.5, "10", False, ["a", "b"], {"a": 1},
                 (1, 2), True, "'x'", "0xff", "0o10", "0b101", 97, "b", 2, 2.57, (2, 1), 32, True, 1, True, True], b


@check
def values_by_value_and_reference():
    assert conn.eval("1 + 1") == 2 and conn.eval("'s'") == "s" and conn.eval("None") is None
    assert conn.eval("2 ** 70") == 2 ** 70 and conn.eval("1.5") == 1.5 and conn.eval("b'by'") == b"by"
    assert conn.eval("(1, 'a', (2,))") == (1, "a", (2,))
    conn.execute("shared = [1, 2, 3]\ntable = {'k': 1}")
    lst = conn.eval("shared")
    assert isinstance(lst, rpyc.BaseNetref) and list(lst) == [1, 2, 3] and len(lst) == 3 and lst[0] == 1
    lst.append(4)
    assert conn.eval("len(shared)") == 4
    tbl = conn.eval("table")
    tbl["new"] = 2
    assert list(conn.eval("sorted(table)")) == ["k", "new"] and tbl["k"] == 1 and "new" in tbl
    assert classic.obtain(lst) == [1, 2, 3, 4]
    assert sorted(tbl.keys()) == ["k", "new"]
    tup = conn.eval("(shared, 1)")
    assert tup[1] == 1 and len(tup[0]) == 4


@check
def namespace_and_callbacks():
    conn.execute("def double(x):\n    return x * 2")
    assert ns["double"](21) == 42
    ns["y"] = 5
    assert conn.eval("double(y)") == 10
    calls = []
    ns["cb"] = lambda v: calls.append(v) or v * 3
    assert conn.eval("cb(7)") == 21 and calls == [7]
    client_list = [1]
    ns["client_list"] = client_list
    conn.execute("client_list.append(2)")
    assert client_list == [1, 2]
    assert "double" in ns and ns.get("nope", "dflt") == "dflt"
    assert "y" in list(ns.keys())


@check
def print_redirected():
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        with classic.redirected_stdio(conn):
            conn.execute("import sys\nprint('a', 1, sep='-', end='!\\n')\nprint('to err', file=sys.stderr)\n"
                         "for i in range(2):\n    print(i)")
    finally:
        sys.stdout, sys.stderr = saved
    assert out.getvalue() == "a-1!\n0\n1\n", repr(out.getvalue())
    assert err.getvalue() == "to err\n", repr(err.getvalue())


@check
def interact():
    script = io.StringIO("x = 20\nprint(x + 1)\nfor i in range(2):\n    print('loop', i)\n\nx * 2\n")
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = script, out, err
    try:
        classic.interact(conn)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    text = out.getvalue()
    for want in ("21\n", "loop 0\n", "loop 1\n", "40\n"):
        assert want in text, (want, text, err.getvalue())


@check
def teleport():
    def remote_add(a, b):
        return a + b
    if KIND == "py":
        f = classic.teleport_function(conn, remote_add)
        assert f(1, 2) == 3
        return
    e = expect_exc(ImportError, classic.teleport_function, conn, remote_add)
    assert "teleport_function needs CPython bytecode" in str(e) and "conn.execute" in str(e), str(e)


@check
def syntax_errors():
    e = expect_exc(SyntaxError, conn.execute, "x = = 1")
    assert e.lineno == 1, e.lineno
    assert str(e).startswith("invalid syntax"), str(e)
    e = expect_exc(SyntaxError, conn.execute, "def f(:\n  pass")
    e = expect_exc(SyntaxError, conn.eval, "x = 1")
    assert conn.eval("40 + 2") == 42
    if KIND == "go":
        e = expect_exc(SyntaxError, conn.execute, "async def f():\n    pass")
        assert "async def is not supported by this server" in str(e), str(e)


for fn in checks:
    name = fn.__name__
    try:
        fn()
    except Skip as s:
        print("skip %s: %s" % (name, s))
    except Exception:
        print("FAIL %s: %s" % (name, traceback.format_exc().replace("\n", "\n    ")))
    else:
        print("ok " + name)
    sys.stdout.flush()
conn.close()
print("done")
