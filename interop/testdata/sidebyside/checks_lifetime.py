"""Object lifetime: the idioms that drop a file's netref right after
fetching one of its methods (issue 18's data-losing race), a few times
each here; classic_server_lifetime_test.go repeats them 200 times."""
import os

from sbs import check, eq


def _write(conn, p, text="line1\nline2\n"):
    conn.builtins.open(p, "w").write(text)


@check("lifetime.open_write_then_size")
def _(conn, w):
    # Python's own server fails this now and then: its file buffers the
    # write until the DEL that follows closes it. Ours writes at once.
    for i in range(5):
        p = os.path.join(w, "f%d" % i)
        _write(conn, p)
        eq(os.path.getsize(p), 12, p)


@check("lifetime.open_read")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    return [conn.builtins.open(p).read() for _ in range(5)]


@check("lifetime.open_readline")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    return [conn.builtins.open(p).readline() for _ in range(5)]


@check("lifetime.open_readlines")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    return [list(conn.builtins.open(p).readlines()) for _ in range(5)]


@check("lifetime.for_line_in_open")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    return [[line for line in conn.builtins.open(p)] for _ in range(5)]


@check("lifetime.for_line_in_open_binary")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    return [[line for line in conn.builtins.open(p, "rb")] for _ in range(5)]


@check("lifetime.open_binary_write_read")
def _(conn, w):
    p = os.path.join(w, "f")
    for _ in range(5):
        conn.builtins.open(p, "wb").write(b"\x00\x01")
    return conn.builtins.open(p, "rb").read()


@check("lifetime.append_mode")
def _(conn, w):
    p = os.path.join(w, "f")
    for i in range(3):
        with conn.builtins.open(p, "a") as f:
            f.write("%d\n" % i)
    return open(p).read()


@check("lifetime.with_open")
def _(conn, w):
    p = os.path.join(w, "f")
    with conn.builtins.open(p, "w") as f:
        f.write("x")
        f.write("y")
    with conn.builtins.open(p) as f:
        return (f.read(), f.closed)


@check("lifetime.next_on_file")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    f = conn.builtins.open(p)
    first = next(f)
    rest = f.read()
    f.close()
    return (first, rest, f.closed)


@check("lifetime.closed_file_raises")
def _(conn, w):
    p = os.path.join(w, "f")
    _write(conn, p)
    f = conn.builtins.open(p)
    f.close()
    try:
        f.read()
    except ValueError as e:
        return str(e).split("\n")[0]
    raise AssertionError("read on a closed file did not raise")


@check("lifetime.popen_stdout_read")
def _(conn, w):
    sp = conn.modules.subprocess
    return sp.Popen(["echo", "hi"], stdout=sp.PIPE).stdout.read()


@check("lifetime.popen_stdout_iter")
def _(conn, w):
    sp = conn.modules.subprocess
    return [l for l in sp.Popen(["printf", "a\\nb\\n"], stdout=sp.PIPE).stdout]
