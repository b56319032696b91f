"""Python's own rpyc.classic client and utilities against the Go rpyc_classic.

Usage: classic_server_client.py WORKDIR tcp|tcp6 HOST PORT
       classic_server_client.py WORKDIR tls HOST PORT KEYFILE CERTFILE CAFILE
       classic_server_client.py WORKDIR subproc BINARY   (connect_subproc style)
       classic_server_client.py WORKDIR pipes BINARY     (os.pipe + connect_pipes)

Runs every check below against the server and prints one "ok NAME" line
each, "cwd: PATH" with the server's working directory, then "all ok". A
failed check raises, so the script exits non-zero with a traceback.
WORKDIR is a directory both sides can use.
"""
import hashlib
import io
import os
import random
import stat
import subprocess
import sys

import rpyc
from rpyc.core.service import ClassicService
from rpyc.utils import classic, factory


def connect(args):
    mode = args[0]
    if mode == "tcp":
        return classic.connect(args[1], int(args[2])), None
    if mode == "tcp6":
        return classic.connect(args[1], int(args[2]), ipv6=True), None
    if mode == "tls":
        return classic.ssl_connect(args[1], int(args[2]), keyfile=args[3], certfile=args[4], ca_certs=args[5]), None
    if mode == "subproc":
        conn = factory.connect_subproc([args[1], "-q", "-m", "stdio"], ClassicService)
        return conn, conn.proc
    if mode == "pipes":
        r1, w1 = os.pipe()   # we write, it reads
        r2, w2 = os.pipe()   # it writes, we read
        proc = subprocess.Popen([args[1], "-q", "--mode", "stdio"], stdin=r1, stdout=w2)
        os.close(r1)
        os.close(w2)
        conn = classic.connect_pipes(os.fdopen(r2, "rb", buffering=0), os.fdopen(w1, "wb", buffering=0))
        return conn, proc
    raise SystemExit("unknown mode " + mode)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree_sums(top):
    out = {}
    for root, _, files in os.walk(top):
        for fn in files:
            p = os.path.join(root, fn)
            out[os.path.relpath(p, top)] = sha(p)
    return out


def check(conn, work):
    print("cwd:", conn.modules.os.getcwd())
    print("ok getcwd")

    assert conn.eval("1+2") == 3
    print("ok eval")

    conn.execute("def f(x):\n  return x*2")
    assert conn.namespace["f"](21) == 42
    conn.namespace["y"] = 5
    assert conn.eval("f(y)") == 10
    print("ok execute+namespace")

    try:
        conn.execute("def broken(:\n  pass")
    except SyntaxError:
        pass
    else:
        raise AssertionError("no SyntaxError")
    assert conn.eval("40+2") == 42  # the connection lives on
    print("ok syntaxerror")

    rnd = random.Random(11)
    src = os.path.join(work, "local.bin")
    with open(src, "wb") as f:
        f.write(rnd.randbytes(3 * 1024 * 1024 + 17))
    remote = os.path.join(work, "remote.bin")
    back = os.path.join(work, "back.bin")
    classic.upload(conn, src, remote)
    classic.download(conn, remote, back)
    assert sha(src) == sha(remote) == sha(back), "file checksums differ"
    print("ok upload+download file")

    tree = os.path.join(work, "tree")
    for d in ("a", "a/b", "c"):
        os.makedirs(os.path.join(tree, d), exist_ok=True)
    for i, name in enumerate(("top.txt", "a/one.bin", "a/b/two.bin", "c/empty")):
        with open(os.path.join(tree, name), "wb") as f:
            f.write(rnd.randbytes(i * 70000))
    rtree = os.path.join(work, "rtree")
    btree = os.path.join(work, "btree")
    classic.upload(conn, tree, rtree)
    classic.download(conn, rtree, btree)
    assert tree_sums(tree) == tree_sums(rtree) == tree_sums(btree), "tree checksums differ"
    assert len(tree_sums(btree)) == 4
    print("ok upload+download tree")

    captured = io.StringIO()
    saved = sys.stdout
    sys.stdout = captured
    try:
        with classic.redirected_stdio(conn):
            conn.execute("print('hello from starlark')")
            conn.modules.sys.stdout.write("direct write\n")
    finally:
        sys.stdout = saved
    assert captured.getvalue() == "hello from starlark\ndirect write\n", repr(captured.getvalue())
    print("ok redirected_stdio")

    argv = ["echo", "hi"]
    r = conn.modules.subprocess.run(argv, capture_output=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, b"hi\n", b""), (r.returncode, r.stdout, r.stderr)
    r = conn.modules.subprocess.run(["sh", "-c", "echo err >&2; exit 3"], capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (3, "", "err\n")
    print("ok subprocess.run")

    try:
        conn.builtins.int("foo")
    except ValueError as e:
        assert "invalid literal for int() with base 10: 'foo'" in str(e)
    else:
        raise AssertionError("no ValueError")
    try:
        conn.modules["no_such_module"]
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError("no ModuleNotFoundError")
    print("ok errors")

    st = conn.modules.os.stat(remote)
    assert stat.S_ISREG(st.st_mode) and st.st_size == os.path.getsize(src)
    assert stat.S_ISDIR(conn.modules.os.stat(rtree).st_mode)
    assert conn.builtins.repr("it's") == repr("it's")
    assert conn.modules.os.path.join("a", "b") == "a/b"
    assert "PATH" in conn.modules.os.environ
    print("ok values")


def main():
    work = sys.argv[1]
    conn, proc = connect(sys.argv[2:])
    check(conn, work)
    conn.close()
    if proc is not None:
        # The server exits with status 0 when its client goes.
        if proc.stdin:
            proc.stdin.close()
        code = proc.wait(timeout=20)
        assert code == 0, "stdio server exit status %d" % code
        print("ok exit 0")
    print("all ok")


if __name__ == "__main__":
    main()
