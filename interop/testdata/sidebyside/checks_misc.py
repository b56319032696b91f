"""time, platform, shutil, socket, glob, tempfile, signal, pwd, grp."""
import os
import socket
import threading
import time

from sbs import check, eq, msg, ok, raises


def _file(w, name="f", text="hello"):
    p = os.path.join(w, name) if name else w
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    return p


@check("time.clocks")
def _(conn, w):
    t = conn.modules.time
    ok(abs(t.time() - time.time()) < 5, "time")
    ok(t.monotonic() >= 0 and t.perf_counter() >= 0 and t.time_ns() > 0, "clocks")
    t.sleep(0.01)


@check("time.gmtime_strftime")
def _(conn, w):
    t = conn.modules.time
    g = t.gmtime(0)
    return (repr(g), tuple(g), g.tm_year, g[0], t.strftime("%Y-%m-%d %H:%M:%S %a %b %j", g), t.asctime(g),
            tuple(t.gmtime(1234567890)))


@check("time.localtime_mktime")
def _(conn, w):
    t = conn.modules.time
    lt = t.localtime(1000000000)
    return (t.mktime(lt), tuple(lt) == tuple(time.localtime(1000000000)), t.ctime(0) == time.ctime(0),
            t.timezone == time.timezone, tuple(t.tzname) == time.tzname)


@check("time.strptime")
def _(conn, w):
    t = conn.modules.time
    r = t.strptime("2024-03-05 10:11:12", "%Y-%m-%d %H:%M:%S")
    return (tuple(r), raises(ValueError, t.strptime, "x", "%Y"))


@check("time.strftime_client_struct_time")
def _(conn, w):
    return conn.modules.time.strftime("%Y/%m/%d", time.gmtime(0))


@check("platform.uname")
def _(conn, w):
    import platform
    p = conn.modules.platform
    u = p.uname()
    return (p.system(), p.machine(), p.node() == platform.node(), p.release() == platform.release(), u.system,
            u.machine, tuple(u)[:5] == tuple(platform.uname())[:5])


@check("platform.python_version_parses")
def _(conn, w):
    v = conn.modules.platform.python_version()
    return len([int(x) for x in v.split(".")])


@check("shutil.copy_copy2_copyfile")
def _(conn, w):
    S = conn.modules.shutil
    p = _file(w, "a", "data")
    os.chmod(p, 0o640)
    os.utime(p, (1000000000, 1000000000))
    S.copyfile(p, os.path.join(w, "b"))
    S.copy(p, os.path.join(w, "c"))
    r = S.copy2(p, os.path.join(w, "d"))
    os.mkdir(os.path.join(w, "dir"))
    S.copy(p, os.path.join(w, "dir"))
    st = os.stat(os.path.join(w, "d"))
    return (r.replace(w, "<W>"), open(os.path.join(w, "b")).read(), oct(os.stat(os.path.join(w, "c")).st_mode & 0o777),
            st.st_mtime, oct(st.st_mode & 0o777), os.listdir(os.path.join(w, "dir")))


@check("shutil.same_file_error")
def _(conn, w):
    import shutil
    p = _file(w)
    try:
        conn.modules.shutil.copyfile(p, p)
    except shutil.SameFileError as e:
        return (type(e).__name__, msg(e).replace(w, "<W>"), isinstance(e, shutil.Error), isinstance(e, OSError))
    raise AssertionError("no exception")


@check("shutil.rmtree")
def _(conn, w):
    S = conn.modules.shutil
    _file(os.path.join(w, "t", "a", "b"), None)
    S.rmtree(os.path.join(w, "t"))
    e1 = raises(FileNotFoundError, S.rmtree, os.path.join(w, "t"))
    S.rmtree(os.path.join(w, "t"), ignore_errors=True)
    p = _file(w, "f")
    e2 = raises(NotADirectoryError, S.rmtree, p)
    return (os.listdir(w), e1[0], e2[0])


@check("shutil.copytree")
def _(conn, w):
    S = conn.modules.shutil
    _file(os.path.join(w, "src", "a"), None)
    _file(os.path.join(w, "src", "sub", "b"), None)
    S.copytree(os.path.join(w, "src"), os.path.join(w, "dst"))
    e = raises(FileExistsError, S.copytree, os.path.join(w, "src"), os.path.join(w, "dst"))
    S.copytree(os.path.join(w, "src"), os.path.join(w, "dst"), dirs_exist_ok=True)
    S.copytree(os.path.join(w, "src"), os.path.join(w, "dst2"), ignore=S.ignore_patterns("b"))
    return (sorted(os.listdir(os.path.join(w, "dst"))), e[0], sorted(os.listdir(os.path.join(w, "dst2", "sub"))))


@check("shutil.move")
def _(conn, w):
    S = conn.modules.shutil
    p = _file(w, "a")
    os.mkdir(os.path.join(w, "d"))
    r = S.move(p, os.path.join(w, "d"))
    q = _file(w, "a")
    e = raises(Exception, S.move, q, os.path.join(w, "d"))
    return (r.replace(w, "<W>"), os.listdir(os.path.join(w, "d")), e[0])


@check("shutil.which")
def _(conn, w):
    S = conn.modules.shutil
    return (S.which("sh") is not None, S.which("no-such-program-z"))


@check("shutil.disk_usage")
def _(conn, w):
    u = conn.modules.shutil.disk_usage(w)
    ok(u.total > 0 and u.free >= 0 and u.used >= 0, "usage")
    return (len(u), repr(u).split("(")[0])


@check("shutil.make_unpack_archive")
def _(conn, w):
    import tarfile
    import zipfile
    S = conn.modules.shutil
    _file(os.path.join(w, "src", "a.txt"), None, text="a")
    _file(os.path.join(w, "src", "sub", "b.txt"), None, text="b")
    z = S.make_archive(os.path.join(w, "arc"), "zip", os.path.join(w, "src"))
    t = S.make_archive(os.path.join(w, "arc"), "gztar", os.path.join(w, "src"))
    t2 = S.make_archive(os.path.join(w, "arc2"), "tar", w, "src")
    S.unpack_archive(z, os.path.join(w, "out_zip"))
    S.unpack_archive(t, os.path.join(w, "out_tgz"))
    return (z.replace(w, "<W>"), t.replace(w, "<W>"), sorted(zipfile.ZipFile(z).namelist()),
            sorted(tarfile.open(t).getnames()), sorted(tarfile.open(t2).getnames()),
            open(os.path.join(w, "out_zip", "sub", "b.txt")).read(), open(os.path.join(w, "out_tgz", "a.txt")).read())


@check("shutil.unpack_unknown_format")
def _(conn, w):
    import shutil
    p = _file(w, "x.txt")
    try:
        conn.modules.shutil.unpack_archive(p)
    except shutil.ReadError as e:
        return (type(e).__name__, msg(e).replace(w, "<W>"))
    raise AssertionError("no exception")


@check("socket.names")
def _(conn, w):
    S = conn.modules.socket
    return (S.gethostname() == socket.gethostname(), S.gethostbyname("localhost"), S.gethostbyname("127.0.0.1"),
            S.getfqdn() == socket.getfqdn(), S.inet_aton("1.2.3.4"), S.inet_ntoa(b"\x01\x02\x03\x04"), S.htons(1),
            S.ntohl(1), int(S.AF_INET), int(S.SOCK_STREAM), S.SOL_SOCKET, S.SO_REUSEADDR)


@check("socket.gaierror")
def _(conn, w):
    try:
        conn.modules.socket.gethostbyname("no-such-host.invalid")
    except socket.gaierror as e:
        return (type(e).__name__, e.errno, msg(e), isinstance(e, OSError))
    raise AssertionError("no exception")


@check("socket.getaddrinfo")
def _(conn, w):
    r = conn.modules.socket.getaddrinfo("127.0.0.1", 80, conn.modules.socket.AF_INET, conn.modules.socket.SOCK_STREAM)
    return [(int(a), int(b), c, d, tuple(e)) for a, b, c, d, e in r]


@check("socket.server_and_client")
def _(conn, w):
    S = conn.modules.socket
    srv = S.socket(S.AF_INET, S.SOCK_STREAM)
    srv.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    c = S.create_connection(("127.0.0.1", port), timeout=5)
    s, addr = srv.accept()
    c.sendall(b"ping")
    got = s.recv(10)
    s.sendall(b"pong")
    back = c.recv(10)
    c.close()
    eof = s.recv(10)
    s.close()
    srv.close()
    return (got, back, eof, addr[0])


@check("socket.connect_refused")
def _(conn, w):
    S = conn.modules.socket
    s = S.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", 1))
    except ConnectionRefusedError as e:
        return (type(e).__name__, e.errno, msg(e))
    finally:
        s.close()
    raise AssertionError("no exception")


@check("socket.accept_timeout")
def _(conn, w):
    S = conn.modules.socket
    s = S.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    s.settimeout(0.2)
    try:
        s.accept()
    except socket.timeout as e:
        return (type(e).__name__, msg(e), s.gettimeout())
    finally:
        s.close()
    raise AssertionError("no exception")


@check("socket.makefile")
def _(conn, w):
    S = conn.modules.socket
    srv = S.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    c = S.create_connection(srv.getsockname())
    s, _ = srv.accept()
    c.sendall(b"line1\nline2\n")
    f = s.makefile("r")
    r = (f.readline(), f.readline())
    f.close()
    for x in (c, s, srv):
        x.close()
    return r


@check("socket.udp")
def _(conn, w):
    S = conn.modules.socket
    a = S.socket(S.AF_INET, S.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b = S.socket(S.AF_INET, S.SOCK_DGRAM)
    b.sendto(b"dgram", a.getsockname())
    a.settimeout(5)
    data, addr = a.recvfrom(100)
    a.close()
    b.close()
    return (data, addr[0])


@check("glob.glob")
def _(conn, w):
    G = conn.modules.glob
    _file(os.path.join(w, "a.txt"), None)
    _file(os.path.join(w, "b.py"), None)
    _file(os.path.join(w, ".hidden.txt"), None)
    _file(os.path.join(w, "d", "c.txt"), None)
    _file(os.path.join(w, "d", "e", "f.txt"), None)
    strip = lambda xs: sorted(x.replace(w, "<W>") for x in xs)
    return (strip(G.glob(os.path.join(w, "*.txt"))), strip(G.glob(os.path.join(w, "**", "*.txt"), recursive=True)),
            strip(G.glob(os.path.join(w, "*", "*.txt"))), strip(G.glob(os.path.join(w, "[ab].*"))),
            sorted(G.glob("*.txt", root_dir=w)), strip(G.glob(os.path.join(w, "nope*"))), G.escape("a*b?"),
            strip(G.glob(os.path.join(w, ".*"))), strip(G.iglob(os.path.join(w, "*.py"))))


@check("tempfile.mkdtemp_mkstemp")
def _(conn, w):
    T = conn.modules.tempfile
    d = T.mkdtemp(dir=w, prefix="pre", suffix="suf")
    fd, p = T.mkstemp(dir=w, suffix=".x")
    conn.modules.os.write(fd, b"abc")
    conn.modules.os.close(fd)
    return (os.path.isdir(d), os.path.basename(d).startswith("pre"), d.endswith("suf"), oct(os.stat(d).st_mode & 0o777),
            open(p, "rb").read(), p.endswith(".x"), os.path.isabs(p), T.gettempdir() == __import__("tempfile").gettempdir())


@check("tempfile.named_temporary_file")
def _(conn, w):
    T = conn.modules.tempfile
    f = T.NamedTemporaryFile(dir=w, suffix=".tmp")
    name = f.name
    f.write(b"data")
    f.flush()
    existed = os.path.exists(name)
    content = open(name, "rb").read()
    f.close()
    return (existed, content, os.path.exists(name), name.endswith(".tmp"))


@check("tempfile.named_temporary_file_text_nodelete")
def _(conn, w):
    T = conn.modules.tempfile
    with T.NamedTemporaryFile("w", dir=w, delete=False) as f:
        f.write("text")
        name = f.name
    return (open(name).read(), os.path.exists(name))


@check("tempfile.temporary_directory")
def _(conn, w):
    T = conn.modules.tempfile
    with T.TemporaryDirectory(dir=w) as d:
        inside = os.path.isdir(d)
        _file(os.path.join(d, "x"), None)
    td = T.TemporaryDirectory(dir=w)
    name = td.name
    td.cleanup()
    return (inside, os.path.exists(d), os.path.exists(name))


@check("signal.constants")
def _(conn, w):
    import signal
    S = conn.modules.signal
    return (int(S.SIGTERM) == signal.SIGTERM, int(S.SIGKILL) == signal.SIGKILL, int(S.SIGINT) == signal.SIGINT,
            int(S.SIGUSR1) == signal.SIGUSR1, int(S.SIGHUP) == signal.SIGHUP, S.strsignal(S.SIGTERM), int(S.SIGTERM))


@check("pwd.getpwnam_getpwuid")
def _(conn, w):
    import pwd
    P = conn.modules.pwd
    me = pwd.getpwuid(os.getuid())
    a = P.getpwuid(os.getuid())
    b = P.getpwnam(me.pw_name)
    return (tuple(a) == tuple(me), b.pw_dir == me.pw_dir, a.pw_name == me.pw_name, repr(a) == repr(me), len(a),
            len(P.getpwall()) == len(pwd.getpwall()))


@check("pwd.missing")
def _(conn, w):
    P = conn.modules.pwd
    return (raises(KeyError, P.getpwnam, "no-such-user-x"), raises(KeyError, P.getpwuid, 4000000))


@check("grp.getgrnam_getgrgid")
def _(conn, w):
    import grp
    G = conn.modules.grp
    me = grp.getgrgid(os.getgid())
    a = G.getgrgid(os.getgid())
    return (a.gr_name == me.gr_name, a.gr_gid, list(a.gr_mem) == me.gr_mem, G.getgrnam(me.gr_name).gr_gid,
            raises(KeyError, G.getgrnam, "no-such-group-x"))
