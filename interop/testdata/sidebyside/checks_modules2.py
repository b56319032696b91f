"""hashlib, base64, zlib, gzip, struct, math, random, errno, stat, io,
pickle, deliver/obtain, datetime, logging, threading."""
import binascii
import datetime
import errno
import os
import stat
import struct
import zlib

import rpyc

from sbs import check, eq, msg, ok, raises


@check("hashlib.digests")
def _(conn, w):
    H = conn.modules.hashlib
    h = H.sha256(b"abc")
    h.update(b"def")
    return (H.md5(b"abc").hexdigest(), H.sha1(b"").hexdigest(), h.hexdigest(), h.name, h.digest_size, h.block_size,
            H.new("sha512", b"x").hexdigest()[:16], H.sha3_256(b"x").hexdigest()[:16], h.copy().hexdigest() == h.hexdigest(),
            raises(TypeError, H.md5, "str"), raises(ValueError, H.new, "nope"))


@check("base64.roundtrip")
def _(conn, w):
    B = conn.modules.base64
    return (B.b64encode(b"hello?>"), B.b64decode(b"aGVsbG8/Pg=="), B.b64decode("aGVsbG8/Pg=="), B.urlsafe_b64encode(b"\xfb\xff"),
            B.b32encode(b"ab"), B.b16encode(b"\x01\xab"), B.encodebytes(b"x" * 60))


@check("base64.errors")
def _(conn, w):
    B = conn.modules.base64
    out = []
    for bad in [b"abc", b"abcde"]:
        try:
            B.b64decode(bad)
            out.append("decoded")
        except binascii.Error as e:
            out.append((type(e).__name__, msg(e)))
    return out


@check("zlib.roundtrip")
def _(conn, w):
    Z = conn.modules.zlib
    data = b"hello " * 100
    c = Z.compress(data)
    return (Z.decompress(c) == data, zlib.decompress(c) == data, Z.decompress(zlib.compress(data)) == data,
            Z.crc32(b"abc"), Z.adler32(b"abc"))


@check("zlib.error")
def _(conn, w):
    try:
        conn.modules.zlib.decompress(b"not zlib")
    except zlib.error as e:
        return (type(e).__name__, msg(e))
    raise AssertionError("no exception")


@check("gzip.roundtrip")
def _(conn, w):
    import gzip
    G = conn.modules.gzip
    data = b"gz data"
    return (G.decompress(gzip.compress(data)), gzip.decompress(G.compress(data)))


@check("gzip.bad")
def _(conn, w):
    import gzip
    try:
        conn.modules.gzip.decompress(b"xxxxxxxxxxxxxxxxxxxxxxxxxxx")
    except gzip.BadGzipFile as e:
        return (type(e).__name__, msg(e))
    raise AssertionError("no exception")


@check("struct.pack_unpack")
def _(conn, w):
    S = conn.modules.struct
    return (S.pack("<IhB", 1, -2, 3), tuple(S.unpack(">I", b"\x00\x00\x01\x00")), S.calcsize("@ib"), S.calcsize("<ib"),
            S.pack("!d", 1.5), tuple(S.unpack("<2s?", b"ab\x01")), S.pack("@ih", 1, 2), tuple(S.unpack_from("<H", b"\x00\x01\x02", 1)),
            [tuple(x) for x in S.iter_unpack("<B", b"\x01\x02")])


@check("struct.errors")
def _(conn, w):
    S = conn.modules.struct
    out = []
    for f in [lambda: S.pack("<B", 256), lambda: S.unpack("<I", b"\x00"), lambda: S.pack("<I"), lambda: S.calcsize("Z")]:
        try:
            f()
            out.append("no error")
        except struct.error as e:
            out.append(msg(e))
    return out


@check("math.functions")
def _(conn, w):
    M = conn.modules.math
    return (M.sqrt(2), M.floor(2.5), M.ceil(2.1), M.log(8, 2), M.log10(1000), M.exp(1) == M.e, M.pi, M.factorial(20),
            M.gcd(12, 18), M.lcm(4, 6), M.isclose(0.1 + 0.2, 0.3), M.isnan(M.nan), M.isinf(M.inf), M.comb(5, 2),
            M.perm(5, 2), M.trunc(-2.5), M.fsum([0.1] * 10), M.hypot(3, 4), M.degrees(M.pi), M.prod([1, 2, 3]),
            M.isqrt(17), tuple(M.modf(2.5)), M.copysign(1, -0.0), M.fmod(7, 3))


@check("math.domain_error")
def _(conn, w):
    M = conn.modules.math
    return (raises(ValueError, M.sqrt, -1), raises(ValueError, M.log, 0), raises(ValueError, M.factorial, -1))


@check("random.ranges")
def _(conn, w):
    R = conn.modules.random
    xs = [R.randint(1, 3) for _ in range(30)]
    ok(set(xs) <= {1, 2, 3}, "randint")
    ok(0 <= R.random() < 1, "random")
    ok(R.choice([4, 5]) in (4, 5), "choice")
    ok(R.randrange(10) in range(10), "randrange")
    s = R.sample(range(10), 3) if False else R.sample([1, 2, 3, 4], 2)
    ok(len(set(s)) == 2, "sample")
    ok(1 <= R.uniform(1, 2) <= 2, "uniform")
    return raises(IndexError, R.choice, [])


@check("errno.constants")
def _(conn, w):
    E = conn.modules.errno
    return (E.ENOENT == errno.ENOENT, E.EEXIST == errno.EEXIST, E.EACCES == errno.EACCES, E.errorcode[errno.ENOENT],
            E.ECONNREFUSED == errno.ECONNREFUSED)


@check("stat.functions")
def _(conn, w):
    S = conn.modules.stat
    m = os.stat(w).st_mode
    return (S.S_ISDIR(m), S.S_ISREG(m), S.S_IMODE(0o100644), S.filemode(0o100644), S.filemode(0o40755), S.S_IFREG,
            S.S_IRUSR, S.filemode(0o104755), S.ST_MTIME)


@check("io.stringio_bytesio")
def _(conn, w):
    I = conn.modules.io
    s = I.StringIO()
    s.write("hello\nworld\n")
    s.seek(0)
    first = s.readline()
    b = I.BytesIO(b"abc")
    got = b.read(2)
    b.write(b"Z")
    return (first, s.getvalue(), got, b.getvalue(), I.SEEK_END, I.StringIO("x").read())


@check("pickle.roundtrip")
def _(conn, w):
    import pickle
    P = conn.modules.pickle
    data = pickle.dumps({"a": [1, 2, (3, 4)], "b": None, "c": b"x"})
    v = P.loads(data)
    back = pickle.loads(P.dumps(v))
    return (back, list(v["a"])[0:2], P.HIGHEST_PROTOCOL)


@check("classic.deliver_obtain")
def _(conn, w):
    remote = rpyc.classic.deliver(conn, {"k": [1, 2, 3], "s": "x"})
    return (remote["s"], list(remote["k"]), rpyc.classic.obtain(remote))


@check("classic.obtain_stat_result")
def _(conn, w):
    st = rpyc.classic.obtain(conn.modules.os.stat(w))
    return (st[6] == os.stat(w).st_size, len(st))


@check("datetime.datetime")
def _(conn, w):
    D = conn.modules.datetime
    t = D.datetime(2020, 1, 2, 3, 4, 5, 6)
    return (repr(t), str(t), t.isoformat(), t.year, t.microsecond, t.strftime("%Y-%m-%d %H:%M:%S.%f"), t.weekday(),
            t.isoweekday(), tuple(t.isocalendar()), str(t.date()), repr(t.time()), repr(D.datetime(2020, 1, 2)))


@check("datetime.arithmetic")
def _(conn, w):
    D = conn.modules.datetime
    t = D.datetime(2020, 1, 2, 3, 4, 5, 6)
    d = t - D.datetime(2020, 1, 1)
    return (repr(d), str(d), d.total_seconds(), repr(t + D.timedelta(hours=1)), t > D.datetime(2020, 1, 1),
            t == D.datetime(2020, 1, 2, 3, 4, 5, 6), repr(D.timedelta(weeks=1, milliseconds=1500)),
            str(D.timedelta(seconds=-1)), repr(D.timedelta(0)), str(D.timedelta(hours=1) * 2),
            D.timedelta(hours=1) // D.timedelta(minutes=1), d.days, d.seconds, d.microseconds)


@check("datetime.parse_and_zone")
def _(conn, w):
    D = conn.modules.datetime
    u = D.datetime(2020, 1, 2, tzinfo=D.timezone.utc)
    return (str(D.datetime.fromisoformat("2020-01-02T03:04:05")), str(D.datetime.strptime("2020-01-02", "%Y-%m-%d")),
            repr(u), u.isoformat(), repr(D.timezone.utc), str(D.timezone.utc), u.timestamp(), str(D.date(2020, 1, 2)),
            repr(D.date(2020, 1, 2)), raises(ValueError, D.datetime, 2020, 13, 1))


@check("datetime.now_today")
def _(conn, w):
    D = conn.modules.datetime
    n = D.datetime.now()
    ok(abs((datetime.datetime(n.year, n.month, n.day, n.hour, n.minute, n.second) - datetime.datetime.now()).total_seconds()) < 5, "now")
    ok(str(D.date.today()) == str(datetime.date.today()), "today")
    ok(abs(D.datetime.fromtimestamp(0).year - 1970) <= 1, "fromtimestamp")


@check("logging.basic_to_file")
def _(conn, w):
    L = conn.modules.logging
    p = os.path.join(w, "log.txt")
    log = L.getLogger("sbs.test")
    h = L.FileHandler(p)
    h.setFormatter(L.Formatter("%(levelname)s:%(name)s:%(message)s"))
    log.addHandler(h)
    log.setLevel(L.DEBUG)
    log.propagate = False
    log.debug("d %s", 1)
    log.info("i %d", 2)
    log.warning("w")
    h.close()
    log.removeHandler(h)
    return (open(p).read(), L.INFO, L.getLevelName(L.ERROR), log.isEnabledFor(L.DEBUG), log.getEffectiveLevel())


@check("threading.thread_event_lock")
def _(conn, w):
    T = conn.modules.threading
    ev = T.Event()
    hits = []

    def work(x):
        hits.append(x)
        ev.set()
    t = T.Thread(target=work, args=(7,))
    t.start()
    got = ev.wait(10)
    t.join(10)
    lock = T.Lock()
    with lock:
        held = lock.locked()
    return (got, hits, t.is_alive(), held, lock.locked(), lock.acquire(blocking=False), lock.locked())
