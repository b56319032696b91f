"""os and os.path."""
import errno
import os
import stat

from sbs import check, eq, ok, raises


def _file(w, name="f", text="hello"):
    p = os.path.join(w, name)
    with open(p, "w") as f:
        f.write(text)
    return p


@check("os.getcwd_is_str")
def _(conn, w):
    ok(isinstance(conn.modules.os.getcwd(), str), "str")


@check("os.chdir_getcwd")
def _(conn, w):
    os_ = conn.modules.os
    old = os_.getcwd()
    os_.chdir(w)
    try:
        return os.path.realpath(os_.getcwd()) == os.path.realpath(w)
    finally:
        os_.chdir(old)


@check("os.listdir_sorted")
def _(conn, w):
    _file(w, "b")
    _file(w, "a")
    os.mkdir(os.path.join(w, "d"))
    return sorted(conn.modules.os.listdir(w))


@check("os.listdir_bytes")
def _(conn, w):
    _file(w, "a")
    return sorted(conn.modules.os.listdir(w.encode()))


@check("os.listdir_missing")
def _(conn, w):
    return raises(FileNotFoundError, conn.modules.os.listdir, os.path.join(w, "nope"))


@check("os.mkdir_makedirs")
def _(conn, w):
    os_ = conn.modules.os
    os_.mkdir(os.path.join(w, "a"))
    os_.makedirs(os.path.join(w, "b", "c", "d"))
    os_.makedirs(os.path.join(w, "b", "c"), exist_ok=True)
    e = raises(FileExistsError, os_.makedirs, os.path.join(w, "b"))
    return (sorted(os.listdir(w)), e)


@check("os.mkdir_exists_error_attrs")
def _(conn, w):
    try:
        conn.modules.os.mkdir(w)
    except FileExistsError as e:
        return (e.errno, e.strerror, e.filename, e.filename2, str(e).split("\n\n")[0])
    raise AssertionError("no exception")


@check("os.remove_unlink_rmdir")
def _(conn, w):
    os_ = conn.modules.os
    p = _file(w)
    os_.remove(p)
    p2 = _file(w, "g")
    os_.unlink(p2)
    d = os.path.join(w, "d")
    os.mkdir(d)
    e1 = raises(OSError, os_.remove, d)
    os_.rmdir(d)
    e2 = raises(FileNotFoundError, os_.remove, p)
    return (os.listdir(w), e1[0], e2)


@check("os.rename_replace")
def _(conn, w):
    os_ = conn.modules.os
    a, b = _file(w, "a", "1"), _file(w, "b", "2")
    os_.replace(a, b)
    os_.rename(b, os.path.join(w, "c"))
    return (sorted(os.listdir(w)), open(os.path.join(w, "c")).read())


@check("os.stat_fields")
def _(conn, w):
    p = _file(w, text="12345")
    os.chmod(p, 0o640)
    st = conn.modules.os.stat(p)
    ok(st.st_mtime > 0 and isinstance(st.st_mtime, float), "st_mtime")
    ok(isinstance(st.st_mtime_ns, int), "st_mtime_ns")
    eq(st.st_ino, os.stat(p).st_ino)
    return (st.st_size, oct(st.st_mode), stat.S_ISREG(st.st_mode), st[6], len(st), st.st_uid == os.getuid())


@check("os.stat_missing")
def _(conn, w):
    try:
        conn.modules.os.stat(os.path.join(w, "nope"))
    except FileNotFoundError as e:
        return (e.errno, e.strerror, str(e).split("\n\n")[0].replace(w, "<W>"))
    raise AssertionError("no exception")


@check("os.lstat_symlink")
def _(conn, w):
    p = _file(w)
    link = os.path.join(w, "l")
    os.symlink(p, link)
    return (stat.S_ISLNK(conn.modules.os.lstat(link).st_mode), stat.S_ISLNK(conn.modules.os.stat(link).st_mode))


@check("os.chmod")
def _(conn, w):
    p = _file(w)
    conn.modules.os.chmod(p, 0o600)
    return oct(os.stat(p).st_mode & 0o777)


@check("os.chown_to_self")
def _(conn, w):
    p = _file(w)
    conn.modules.os.chown(p, os.getuid(), os.getgid())
    conn.modules.os.chown(p, -1, -1)
    return os.stat(p).st_uid == os.getuid()


@check("os.symlink_readlink")
def _(conn, w):
    os_ = conn.modules.os
    p = _file(w)
    link = os.path.join(w, "link")
    os_.symlink(p, link)
    return (os_.readlink(link) == p, os.path.islink(link))


@check("os.symlink_exists_error")
def _(conn, w):
    p = _file(w)
    try:
        conn.modules.os.symlink(p, p)
    except FileExistsError as e:
        return (e.errno, e.filename == p, e.filename2 == p, str(e).split("\n\n")[0].replace(w, "<W>"))
    raise AssertionError("no exception")


@check("os.link")
def _(conn, w):
    p = _file(w)
    conn.modules.os.link(p, os.path.join(w, "h"))
    return os.stat(p).st_nlink


@check("os.scandir")
def _(conn, w):
    _file(w, "f")
    os.mkdir(os.path.join(w, "d"))
    os.symlink(os.path.join(w, "f"), os.path.join(w, "l"))
    out = []
    for e in conn.modules.os.scandir(w):
        out.append((e.name, e.path == os.path.join(w, e.name), e.is_dir(), e.is_file(), e.is_symlink(),
                    e.stat().st_size if e.is_file() else None))
    return sorted(out)


@check("os.scandir_with")
def _(conn, w):
    _file(w, "f")
    with conn.modules.os.scandir(w) as it:
        names = [e.name for e in it]
    return names


@check("os.walk")
def _(conn, w):
    os.makedirs(os.path.join(w, "a", "b"))
    _file(w, "top")
    _file(os.path.join(w, "a"), "inner")
    out = []
    for root, dirs, files in conn.modules.os.walk(w):
        out.append((root.replace(w, "<W>"), sorted(dirs), sorted(files)))
    return sorted(out)


@check("os.walk_bottom_up")
def _(conn, w):
    os.makedirs(os.path.join(w, "a", "b"))
    return [r.replace(w, "<W>") for r, _, _ in conn.modules.os.walk(w, topdown=False)]


@check("os.uname")
def _(conn, w):
    u = conn.modules.os.uname()
    eq(tuple(u), tuple(os.uname()))
    return (u.sysname, u.machine, u.release == os.uname().release, len(u), u[0])


@check("os.ids")
def _(conn, w):
    o = conn.modules.os
    return (o.getuid() == os.getuid(), o.getgid() == os.getgid(), o.geteuid() == os.geteuid(),
            o.getegid() == os.getegid(), sorted(o.getgroups()) == sorted(os.getgroups()))


@check("os.getpid_getppid")
def _(conn, w):
    o = conn.modules.os
    ok(o.getpid() > 0 and o.getppid() > 0, "pids")


@check("os.cpu_count")
def _(conn, w):
    return conn.modules.os.cpu_count() == os.cpu_count()


@check("os.utime")
def _(conn, w):
    p = _file(w)
    conn.modules.os.utime(p, (1000000000, 1000000001))
    st = os.stat(p)
    r1 = (st.st_atime, st.st_mtime)
    conn.modules.os.utime(p, ns=(2000000000123456789, 2000000000123456789))
    r2 = os.stat(p).st_mtime_ns
    conn.modules.os.utime(p)
    return (r1, r2)


@check("os.mknod_fifo")
def _(conn, w):
    p = os.path.join(w, "fifo")
    conn.modules.os.mknod(p, 0o600 | stat.S_IFIFO)
    return stat.S_ISFIFO(os.stat(p).st_mode)


@check("os.mknod_regular")
def _(conn, w):
    p = os.path.join(w, "reg")
    conn.modules.os.mknod(p)
    return (stat.S_ISREG(os.stat(p).st_mode), oct(os.stat(p).st_mode & 0o777 & ~0o022))


@check("os.system")
def _(conn, w):
    o = conn.modules.os
    return (o.system("true"), o.system("exit 3"), o.system("touch %s/x" % w), os.path.exists(os.path.join(w, "x")))


@check("os.environ_mapping")
def _(conn, w):
    env = conn.modules.os.environ
    env["RPYC_SBS"] = "1"
    r = (env["RPYC_SBS"], "RPYC_SBS" in env, env.get("RPYC_SBS"), env.get("NOPE_X", "d"),
         conn.modules.os.getenv("RPYC_SBS"), conn.modules.os.getenv("NOPE_X"))
    del env["RPYC_SBS"]
    return r + ("RPYC_SBS" in env, len(env) > 0, "PATH" in list(env.keys()), dict(env.items()).get("PATH") == env["PATH"])


@check("os.environ_reaches_subprocess")
def _(conn, w):
    conn.modules.os.environ["RPYC_SBS2"] = "child-sees-it"
    try:
        return conn.modules.subprocess.check_output(["sh", "-c", "echo $RPYC_SBS2"])
    finally:
        del conn.modules.os.environ["RPYC_SBS2"]


@check("os.environ_missing_key")
def _(conn, w):
    return raises(KeyError, lambda: conn.modules.os.environ["NOPE_NOT_SET_X"])


@check("os.environ_str_only")
def _(conn, w):
    def f():
        conn.modules.os.environ["X"] = 1
    return raises(TypeError, f)


@check("os.environ_copy_is_dict")
def _(conn, w):
    c = conn.modules.os.environ.copy()
    return (isinstance(c, dict), "PATH" in c)


@check("os.fd_functions")
def _(conn, w):
    o = conn.modules.os
    p = os.path.join(w, "f")
    fd = o.open(p, o.O_WRONLY | o.O_CREAT, 0o644)
    n = o.write(fd, b"abcdef")
    o.close(fd)
    fd = o.open(p, o.O_RDONLY)
    data = o.read(fd, 3)
    more = o.pread(fd, 2, 4)
    o.close(fd)
    return (n, data, more)


@check("os.kill_signal_zero")
def _(conn, w):
    sp = conn.modules.subprocess
    p = sp.Popen(["sleep", "10"])
    conn.modules.os.kill(p.pid, 0)
    conn.modules.os.kill(p.pid, conn.modules.signal.SIGTERM)
    return p.wait()


@check("os.kill_missing_process")
def _(conn, w):
    return raises(ProcessLookupError, conn.modules.os.kill, 2**22 + 12345, 0)


@check("os.access")
def _(conn, w):
    o = conn.modules.os
    p = _file(w)
    return (o.access(p, o.R_OK), o.access(p, o.X_OK), o.access(os.path.join(w, "nope"), o.F_OK))


@check("os.constants")
def _(conn, w):
    o = conn.modules.os
    return (o.sep, o.pathsep, o.linesep, o.curdir, o.pardir, o.devnull, o.name, o.O_RDONLY, o.O_CREAT, o.F_OK)


@check("os.urandom")
def _(conn, w):
    b = conn.modules.os.urandom(16)
    return (type(b).__name__, len(b))


@check("os.strerror")
def _(conn, w):
    return conn.modules.os.strerror(errno.ENOENT)


@check("os.error_is_oserror")
def _(conn, w):
    try:
        conn.modules.os.rmdir(os.path.join(w, "nope"))
    except OSError as e:
        return (type(e).__name__, e.errno)
    raise AssertionError("no exception")


@check("os.fspath")
def _(conn, w):
    return (conn.modules.os.fspath("a/b"), conn.modules.os.fspath(b"x"))


@check("os.getloadavg")
def _(conn, w):
    la = conn.modules.os.getloadavg()
    return (len(la), all(isinstance(x, float) for x in la))


@check("os.truncate")
def _(conn, w):
    p = _file(w, text="abcdef")
    conn.modules.os.truncate(p, 2)
    return open(p).read()


@check("os.removedirs_renames")
def _(conn, w):
    o = conn.modules.os
    _file(w, "keep")
    os.makedirs(os.path.join(w, "a", "b"))
    o.removedirs(os.path.join(w, "a", "b"))
    p = _file(w, "f")
    o.renames(p, os.path.join(w, "x", "y", "g"))
    return sorted(os.listdir(w)) + os.listdir(os.path.join(w, "x", "y"))


@check("ospath.join_split")
def _(conn, w):
    P = conn.modules.os.path
    return (P.join("a", "b", "c"), P.join("/a", "/b"), P.join("a/", "b"), P.split("/a/b"), P.splitext("x.tar.gz"),
            P.basename("/a/b/"), P.dirname("/a/b"), P.join(b"a", b"b"))


@check("ospath.normpath_abspath")
def _(conn, w):
    P = conn.modules.os.path
    return (P.normpath("a//b/../c/./d"), P.normpath(""), P.normpath("//a"), P.isabs("/x"), P.abspath("/a/../b"))


@check("ospath.exists_isfile_isdir_islink")
def _(conn, w):
    P = conn.modules.os.path
    p = _file(w)
    os.symlink(p, os.path.join(w, "l"))
    return (P.exists(p), P.isfile(p), P.isdir(w), P.islink(os.path.join(w, "l")), P.exists(os.path.join(w, "n")),
            P.lexists(os.path.join(w, "l")), P.isdir(p))


@check("ospath.getsize_times")
def _(conn, w):
    P = conn.modules.os.path
    p = _file(w, text="123")
    return (P.getsize(p), P.getmtime(p) == os.path.getmtime(p), isinstance(P.getatime(p), float),
            isinstance(P.getctime(p), float))


@check("ospath.getsize_missing")
def _(conn, w):
    return raises(FileNotFoundError, conn.modules.os.path.getsize, os.path.join(w, "nope"))


@check("ospath.expanduser_expandvars")
def _(conn, w):
    P = conn.modules.os.path
    conn.modules.os.environ["SBS_V"] = "val"
    try:
        return (P.expanduser("~") == os.path.expanduser("~"), P.expanduser("~/x").endswith("/x"),
                P.expandvars("$SBS_V/${SBS_V}/$NOPE_X"))
    finally:
        del conn.modules.os.environ["SBS_V"]


@check("ospath.realpath_relpath")
def _(conn, w):
    P = conn.modules.os.path
    p = _file(w)
    os.symlink(p, os.path.join(w, "l"))
    return (P.realpath(os.path.join(w, "l")) == os.path.realpath(p), P.relpath("/a/b/c", "/a"),
            P.relpath("/a", "/a/b/c"))


@check("ospath.common")
def _(conn, w):
    P = conn.modules.os.path
    return (P.commonprefix(["/usr/lib", "/usr/local"]), P.commonpath(["/usr/lib", "/usr/local"]))


@check("ospath.samefile_ismount")
def _(conn, w):
    P = conn.modules.os.path
    p = _file(w)
    return (P.samefile(p, p), P.ismount("/"), P.ismount(w))
