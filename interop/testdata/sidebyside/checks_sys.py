"""sys, builtins, module objects, importlib."""
import sys
import types

from sbs import check, eq, ok, raises


@check("sys.version_parses")
def _(conn, w):
    s = conn.modules.sys
    v = s.version.split()[0]
    parts = tuple(int(x) for x in v.split("."))
    ok(parts[0] == 3, "major 3")
    return (len(parts), s.version_info[0], s.version_info.major, s.version_info >= (3, 6), s.version_info < (4,),
            tuple(s.version_info)[:2] == (s.version_info.major, s.version_info.minor))


@check("sys.platform_byteorder_maxsize")
def _(conn, w):
    s = conn.modules.sys
    return (s.platform, s.byteorder, s.maxsize, s.maxunicode)


@check("sys.argv_assignable")
def _(conn, w):
    s = conn.modules.sys
    s.argv = ["prog", "-x"]
    r = list(s.argv)
    s.argv.append("more")
    return r + [list(s.argv)]


@check("sys.path_insert_and_assign")
def _(conn, w):
    s = conn.modules.sys
    old = list(s.path)
    s.path.insert(0, w)
    first = s.path[0] == w
    s.path = old
    return (first, list(s.path) == old)


@check("sys.modules")
def _(conn, w):
    s = conn.modules.sys
    conn.modules.os
    return ("os" in s.modules, "sys" in s.modules, "no_such_mod_x" in s.modules)


@check("sys.modules_getitem")
def _(conn, w):
    conn.modules.os
    return conn.modules.sys.modules["os"].getcwd() == conn.modules.os.getcwd()


@check("sys.encodings_recursion")
def _(conn, w):
    s = conn.modules.sys
    return (s.getdefaultencoding(), s.getfilesystemencoding(), s.getrecursionlimit() > 0)


@check("sys.executable_is_str")
def _(conn, w):
    ok(isinstance(conn.modules.sys.executable, str), "str")


@check("sys.stdout_write")
def _(conn, w):
    import rpyc.utils.classic as _  # noqa: F401
    import io
    buf = io.StringIO()
    old = conn.modules.sys.stdout
    conn.modules.sys.stdout = buf
    try:
        conn.builtins.print("to client", 1)
    finally:
        conn.modules.sys.stdout = old
    return buf.getvalue()


@check("modules.in_conn_modules")
def _(conn, w):
    return ("os" in conn.modules, "sys" in conn.modules, "no_such_module_xyz" in conn.modules)


@check("modules.missing_module")
def _(conn, w):
    return raises(ImportError, lambda: conn.modules["no_such_module_xyz"])


@check("modules.class_is_module_type")
def _(conn, w):
    m = conn.modules.os
    return (m.__class__ is types.ModuleType, isinstance(m, types.ModuleType), m.__name__, repr(m.__class__),
            m.__class__.__name__, conn.modules["os.path"].__name__, repr(conn.modules.sys))


@check("modules.importlib_import_module")
def _(conn, w):
    return conn.modules.importlib.import_module("os.path").join("a", "b")


@check("modules.dotted_names")
def _(conn, w):
    return (conn.modules["os.path"].join("a", "b"), conn.modules.os.path.basename("/x/y"))


@check("builtins.len_str_repr")
def _(conn, w):
    b = conn.builtins
    return (b.len("héllo"), b.len([1, 2]), b.str(12), b.repr("it's"), b.repr(b"\x00"), b.ascii("é"))


@check("builtins.int_float_errors")
def _(conn, w):
    b = conn.builtins
    return (b.int("42"), b.int("ff", 16), b.int(" 7 "), b.int(3.9), b.float("1.5"), b.int("0x1f", 0),
            raises(ValueError, b.int, "foo"), raises(ValueError, b.float, "x"), raises(TypeError, b.int, None))


@check("builtins.sorted")
def _(conn, w):
    b = conn.builtins
    return (list(b.sorted([3, 1, 2])), list(b.sorted(["b", "A", "c"], key=str.lower)), list(b.sorted((3, 1), reverse=True)),
            list(b.sorted("cba")), raises(TypeError, b.sorted, [1, "a"]))


@check("builtins.sorted_remote_list")
def _(conn, w):
    lst = conn.modules.os.listdir("/")
    return list(conn.builtins.sorted(lst)) == sorted(lst)


@check("builtins.sum_min_max_abs_round")
def _(conn, w):
    b = conn.builtins
    return (b.sum([1, 2, 3]), b.sum([1.5, 2]), b.sum([1], 10), b.min(3, 1, 2), b.max([1, 5, 2]), b.min([], default=0),
            b.max(["a", "bb"], key=len), b.abs(-3), b.round(2.5), b.round(2.675, 2), b.round(1234, -2),
            raises(ValueError, b.min, []), raises(TypeError, b.sum, ["a"]))


@check("builtins.map_filter_zip_enumerate")
def _(conn, w):
    b = conn.builtins
    return (list(b.map(str, [1, 2])), list(b.map(lambda x: x * 2, [1, 2])), list(b.filter(None, [0, 1, 2])),
            list(b.zip([1, 2], "ab")), list(b.enumerate("ab", 1)), list(b.reversed([1, 2, 3])))


@check("builtins.any_all")
def _(conn, w):
    b = conn.builtins
    return (b.any([0, 1]), b.all([1, 0]), b.any([]), b.all([]))


@check("builtins.dir")
def _(conn, w):
    d = conn.builtins.dir(conn.modules.os.path)
    return ("join" in d, "exists" in d, list(d) == sorted(d))


@check("builtins.types_are_classes")
def _(conn, w):
    b = conn.builtins
    return (b.isinstance(1, b.int), b.isinstance("x", b.str), b.isinstance([1], b.list), b.isinstance({}, b.dict),
            b.isinstance((1,), b.tuple), b.isinstance(1.5, (b.int, b.float)), b.isinstance("x", b.int),
            b.isinstance(True, b.int), repr(b.list), repr(b.dict), b.list.__name__)


@check("builtins.isinstance_server_values")
def _(conn, w):
    b = conn.builtins
    lst = conn.modules.os.listdir(w)
    env = conn.modules.os.environ
    return (b.isinstance(lst, b.list), b.isinstance(conn.modules.os.getcwd(), b.str), b.isinstance(lst, b.dict))


@check("builtins.constructors")
def _(conn, w):
    b = conn.builtins
    return (list(b.list((1, 2))), dict(b.dict(a=1)), b.tuple([1, 2]), b.str(), b.int(), b.bool(0), b.bool([1]),
            b.bytes([65, 66]), b.frozenset([1, 1]))


@check("builtins.type")
def _(conn, w):
    b = conn.builtins
    return (repr(b.type(1)), repr(b.type("x")), repr(b.type(b.list())))


@check("builtins.numbers")
def _(conn, w):
    b = conn.builtins
    return (b.hex(255), b.oct(8), b.bin(5), b.chr(233), b.ord("é"), b.divmod(7, -2), b.pow(2, 10), b.pow(2, 10, 1000))


@check("builtins.getattr_hasattr_callable")
def _(conn, w):
    b = conn.builtins
    m = conn.modules.os.path
    return (b.hasattr(m, "join"), b.hasattr(m, "nope"), b.getattr(m, "nope", "dflt"), b.callable(m.join),
            b.getattr(m, "join")("a", "b"), b.callable(1))


@check("builtins.open_modes")
def _(conn, w):
    import os
    p = os.path.join(w, "f")
    b = conn.builtins
    with b.open(p, "w") as f:
        f.write("a\nb\n")
    with b.open(p, "a") as f:
        f.write("c\n")
    with b.open(p, "r") as f:
        lines = f.readlines()
    with b.open(p, "rb") as f:
        raw = f.read()
    e = raises(FileExistsError, b.open, p, "x")
    e2 = raises(ValueError, b.open, p, "rw")
    return (list(lines), raw, e[0], e2[0])


@check("builtins.file_seek_tell")
def _(conn, w):
    import os
    p = os.path.join(w, "f")
    with open(p, "w") as f:
        f.write("hello world")
    f = conn.builtins.open(p)
    f.read(5)
    t = f.tell()
    f.seek(6)
    rest = f.read()
    f.close()
    return (t, rest, f.closed)


@check("builtins.print_sep_end")
def _(conn, w):
    import io
    buf = io.StringIO()
    conn.builtins.print("a", "b", sep="-", end="!\n", file=buf)
    return buf.getvalue()
