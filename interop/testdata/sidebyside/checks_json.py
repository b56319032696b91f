"""json."""
import json
import os

from sbs import check, eq, msg


DATA = r'{"b": 1, "a": [1, 2.5, null, true, "\u00e9\n"], "c": {"z": [], "y": {}}, "d": 1e100, "e": -0.0}'


def _data(conn):
    """Data built on the server: Python's server cannot dump the client's
    own dicts (its encoder wants a real dict)."""
    return conn.modules.json.loads(DATA)


@check("json.dumps_default_format")
def _(conn, w):
    return conn.modules.json.dumps(_data(conn))


@check("json.dumps_indent_sort")
def _(conn, w):
    J = conn.modules.json
    d = _data(conn)
    return (J.dumps(d, indent=2, sort_keys=True), J.dumps(J.loads("[]"), indent=2), J.dumps(J.loads("{}"), indent=2),
            J.dumps(J.loads("[[]]"), indent=1), J.dumps(d, indent="\t"))


@check("json.dumps_separators_ascii")
def _(conn, w):
    J = conn.modules.json
    d = J.loads(r'["\ud83d\ude00", "\u00e9", 1]')
    return (J.dumps(d, separators=(",", ":")), J.dumps(d), J.dumps(d, ensure_ascii=False))


@check("json.dumps_scalars")
def _(conn, w):
    J = conn.modules.json
    return (J.dumps(float("nan")), J.dumps(1e100), J.dumps(2**70), J.dumps(-0.0), J.dumps((1, 2)), J.dumps("a\"b\\"),
            J.dumps(None), J.dumps(True), J.dumps("\x01\x1f"))


@check("json.dumps_non_str_keys")
def _(conn, w):
    J = conn.modules.json
    d = conn.builtins.dict()
    d[1] = 2
    d[True] = 3
    d[None] = 4
    d[1.5] = 5
    return J.dumps(d, sort_keys=False).count(":")


@check("json.dumps_errors")
def _(conn, w):
    J = conn.modules.json
    out = []
    for f in [lambda: J.dumps(float("inf"), allow_nan=False), lambda: J.dumps(conn.modules.os)]:
        try:
            f()
            out.append("no error")
        except (TypeError, ValueError) as e:
            out.append((type(e).__name__, msg(e)))
    return out


@check("json.dumps_default_callable")
def _(conn, w):
    d = _data(conn)
    d["m"] = conn.modules.os
    return conn.modules.json.dumps(d, default=lambda o: "<module>")


@check("json.dumps_client_dict")
def _(conn, w):
    # Python's server refuses the client's dict (not a real dict there);
    # ours copies it, in order.
    return conn.modules.json.dumps({"z": 1, "a": {"y": 2, "b": 3}, "m": [3, 2, 1]})


@check("json.loads_values")
def _(conn, w):
    v = conn.modules.json.loads('{"a": 1, "b": [1.5, null, true, "x\\u00e9"], "c": {"d": 12345678901234567890}}')
    return (v["a"], list(v["b"]), v["c"]["d"], list(v.keys()), isinstance(v, dict))


@check("json.loads_order_and_roundtrip")
def _(conn, w):
    J = conn.modules.json
    s = '{"b": 1, "a": 2, "c": {"z": [], "y": {}}}'
    v = J.loads(s)
    return (list(v), J.dumps(v), J.dumps(v) == s)


@check("json.loads_special")
def _(conn, w):
    J = conn.modules.json
    return (repr(J.loads("NaN")), J.loads("-Infinity"), J.loads('"\\ud83d\\ude00"'), J.loads(b'[1]')[0],
            J.loads('{"a": 1, "a": 2}')["a"], J.loads(" 1.0e3 "))


@check("json.loads_errors")
def _(conn, w):
    out = []
    for bad in ['', '{', '{"a" 1}', '[1,]', '{"a":1,}', '"abc', '[1] x', 'nul', '{1:2}', '"\\x"', '[1 2]', '"a\x01"',
                '  ', '\n\n  [1,\n x]']:
        try:
            conn.modules.json.loads(bad)
            out.append("no error")
        except json.JSONDecodeError as e:
            out.append((type(e).__name__, msg(e), e.msg, e.pos, e.lineno, e.colno, e.doc == bad))
    return out


@check("json.decode_error_is_valueerror")
def _(conn, w):
    try:
        conn.modules.json.loads("{")
    except ValueError as e:
        return (isinstance(e, json.JSONDecodeError), type(e).__name__)
    raise AssertionError("no exception")


@check("json.dump_load_files")
def _(conn, w):
    J, b = conn.modules.json, conn.builtins
    p = os.path.join(w, "f.json")
    with b.open(p, "w") as f:
        J.dump({"k": [1, 2]}, f, indent=1)
    with b.open(p) as f:
        v = J.load(f)
    return (open(p).read(), dict(v)["k"] == [1, 2], list(v["k"]))


@check("json.loads_result_mutable")
def _(conn, w):
    v = conn.modules.json.loads('{"a": [1]}')
    v["b"] = 2
    v["a"].append(3)
    del v["b"]
    v["c"] = None
    return (conn.modules.json.dumps(v), len(v), "a" in v, v.get("zz", 9))


@check("json.dumps_server_values")
def _(conn, w):
    J = conn.modules.json
    return (J.dumps(conn.modules.os.path.split("/a/b")), J.dumps(conn.builtins.sorted([3, 1])))
