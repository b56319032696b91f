"""pathlib."""
import os
import pathlib

from sbs import check, eq, ok, raises


def _file(w, name="f", text="hello"):
    p = os.path.join(w, name)
    with open(p, "w") as f:
        f.write(text)
    return p


@check("pathlib.properties")
def _(conn, w):
    p = conn.modules.pathlib.Path("/tmp/a/b.tar.gz")
    return (str(p), repr(p), p.name, p.stem, p.suffix, list(p.suffixes), str(p.parent), tuple(p.parts),
            p.anchor, p.root, [str(x) for x in p.parents])


@check("pathlib.join_operator")
def _(conn, w):
    P = conn.modules.pathlib.Path
    a = P("/a") / "b" / "c"
    b = "x" / P("y")
    return (str(a), str(b), str(P("a", "b", "/c", "d")), str(P()), str(P("a//b/./c")), str(P("a").joinpath("b", "c")))


@check("pathlib.with_and_relative")
def _(conn, w):
    p = conn.modules.pathlib.Path("/tmp/a/b.tar.gz")
    return (str(p.with_suffix(".zip")), str(p.with_name("c")), str(p.with_stem("d")), str(p.relative_to("/tmp")),
            p.is_absolute(), p.as_posix(), p.as_uri(), p.match("*.gz"), p.match("a/*.gz"), p.match("x/*.gz"))


@check("pathlib.relative_to_error")
def _(conn, w):
    return raises(ValueError, conn.modules.pathlib.Path("/tmp/a").relative_to, "/usr")


@check("pathlib.exists_is_file_is_dir")
def _(conn, w):
    P = conn.modules.pathlib.Path
    f = _file(w)
    return (P(f).exists(), P(f).is_file(), P(f).is_dir(), P(w).is_dir(), P(w, "nope").exists(), P(f).is_symlink())


@check("pathlib.read_write_text")
def _(conn, w):
    p = conn.modules.pathlib.Path(w) / "t.txt"
    n = p.write_text("héllo\n")
    return (n, p.read_text(), open(os.path.join(w, "t.txt"), encoding="utf-8").read())


@check("pathlib.read_write_bytes")
def _(conn, w):
    p = conn.modules.pathlib.Path(w, "b.bin")
    return (p.write_bytes(b"\x00\x01\x02"), p.read_bytes())


@check("pathlib.read_missing")
def _(conn, w):
    try:
        conn.modules.pathlib.Path(w, "nope").read_text()
    except FileNotFoundError as e:
        return (e.errno, str(e).split("\n\n")[0].replace(w, "<W>"))
    raise AssertionError("no exception")


@check("pathlib.mkdir")
def _(conn, w):
    P = conn.modules.pathlib.Path
    P(w, "a").mkdir()
    P(w, "b", "c", "d").mkdir(parents=True)
    P(w, "b", "c").mkdir(parents=True, exist_ok=True)
    e = raises(FileExistsError, P(w, "a").mkdir)
    e2 = raises(FileNotFoundError, P(w, "x", "y").mkdir)
    return (sorted(os.listdir(w)), e[0], e2[0])


@check("pathlib.iterdir")
def _(conn, w):
    _file(w, "a")
    _file(w, "b")
    return sorted(p.name for p in conn.modules.pathlib.Path(w).iterdir())


@check("pathlib.glob_rglob")
def _(conn, w):
    os.makedirs(os.path.join(w, "d", "e"))
    _file(w, "a.txt")
    _file(w, "b.py")
    _file(os.path.join(w, "d"), "c.txt")
    _file(os.path.join(w, "d", "e"), "f.txt")
    P = conn.modules.pathlib.Path(w)
    return (sorted(str(x).replace(w, "<W>") for x in P.glob("*.txt")),
            sorted(str(x).replace(w, "<W>") for x in P.rglob("*.txt")),
            sorted(str(x).replace(w, "<W>") for x in P.glob("**/*.txt")),
            sorted(str(x).replace(w, "<W>") for x in P.glob("d/*")))


@check("pathlib.stat")
def _(conn, w):
    f = _file(w, text="12345")
    st = conn.modules.pathlib.Path(f).stat()
    return (st.st_size, st.st_ino == os.stat(f).st_ino)


@check("pathlib.unlink_rename")
def _(conn, w):
    P = conn.modules.pathlib.Path
    f = _file(w)
    q = P(f).rename(os.path.join(w, "g"))
    r = (str(q).replace(w, "<W>"), sorted(os.listdir(w)))
    q.unlink()
    e = raises(FileNotFoundError, q.unlink)
    q.unlink(missing_ok=True)
    return r + (os.listdir(w), e[0])


@check("pathlib.resolve_absolute")
def _(conn, w):
    P = conn.modules.pathlib.Path
    f = _file(w)
    os.symlink(f, os.path.join(w, "l"))
    return (str(P(w, "l").resolve()) == os.path.realpath(f), P("x").absolute().is_absolute(), str(P("/a/../b").resolve()))


@check("pathlib.touch_rmdir")
def _(conn, w):
    P = conn.modules.pathlib.Path
    P(w, "t").touch()
    P(w, "d").mkdir()
    P(w, "d").rmdir()
    return sorted(os.listdir(w))


@check("pathlib.equality_and_hash")
def _(conn, w):
    P = conn.modules.pathlib.Path
    a, b, c = P("/a/b"), P("/a/b"), P("/a/c")
    return (a == b, a != c, a < c, hash(a) == hash(b), sorted([str(x) for x in (c, a)]))


@check("pathlib.open")
def _(conn, w):
    p = conn.modules.pathlib.Path(w, "f")
    with p.open("w") as f:
        f.write("abc")
    with p.open() as f:
        return f.read()


@check("pathlib.path_to_open_and_os")
def _(conn, w):
    p = conn.modules.pathlib.Path(w) / "f"
    conn.builtins.open(p, "w").write("x")
    return (conn.modules.os.path.exists(p), conn.modules.os.fspath(p).replace(w, "<W>"), conn.modules.os.stat(p).st_size)


@check("pathlib.home_cwd")
def _(conn, w):
    P = conn.modules.pathlib.Path
    return (str(P.home()) == os.path.expanduser("~"), P.cwd().is_absolute(), str(P("~").expanduser()) == os.path.expanduser("~"))


@check("pathlib.client_path_accepted")
def _(conn, w):
    _file(w, "f", "data")
    return (conn.builtins.open(pathlib.Path(w) / "f").read(), conn.modules.os.path.isfile(pathlib.Path(w, "f")))


@check("pathlib.owner_group")
def _(conn, w):
    import pwd
    import grp
    f = _file(w)
    p = conn.modules.pathlib.Path(f)
    return (p.owner() == pwd.getpwuid(os.getuid()).pw_name, p.group() == grp.getgrgid(os.getgid()).gr_name)


@check("pathlib.symlink_to_readlink")
def _(conn, w):
    P = conn.modules.pathlib.Path
    f = _file(w)
    P(w, "l").symlink_to(f)
    return (P(w, "l").is_symlink(), str(P(w, "l").readlink()) == f)


@check("pathlib.isinstance_client_side")
def _(conn, w):
    p = conn.modules.pathlib.Path("/x")
    return isinstance(p, pathlib.Path)


@check("pathlib.purepath")
def _(conn, w):
    p = conn.modules.pathlib.PurePath("/a/b.txt")
    return (repr(p), p.suffix, str(p.parent))
