"""Order and sameness: what comes back from pickle.loads, json.loads and
the set types in the order Python gives (dict insertion order, CPython's
set iteration order), values passed back and forth between the client,
the server's modules and its code, and random's numbers after a seed."""
import collections
import pickle

import rpyc

from sbs import check, eq, msg


PLAIN = {"z": [1, 2, (3, 4)], "a": None, "m": {"y": b"x", "b": 1.5}, "s": {30, 1, 9}, "f": frozenset({8, 0}),
         "t": (1, "two"), (1, 2): "tuple key", 7: bytearray(b"ba"), "c": 1 + 2j, "big": 2**70, "u": "caf\u00e9"}


@check("pickle.loads_every_protocol")
def _(conn, w):
    P = conn.modules.pickle
    out = []
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        v = P.loads(pickle.dumps(PLAIN, protocol=proto))
        out.append((proto, repr(v), list(v), repr(v["s"]), 9 in v["s"], repr(v[7])))
    return out


@check("pickle.loads_shared_and_back")
def _(conn, w):
    shared = ["same"]
    v = conn.modules.pickle.loads(pickle.dumps({"b": shared, "a": shared}))
    conn.namespace["shared_v"] = v
    back = pickle.loads(conn.modules.pickle.dumps(v))
    return (conn.eval("shared_v['b'] is shared_v['a']"), back, list(back))


@check("pickle.dumps_code_values_in_order")
def _(conn, w):
    v = conn.eval("{'z': 1, 'a': {3, 1}, 't': (1, [2]), 'f': frozenset({2})}")
    return repr(pickle.loads(conn.modules.pickle.dumps(v)))


@check("pickle.in_code")
def _(conn, w):
    conn.execute("import pickle\n"
                 "pv = pickle.loads(pickle.dumps({'b': 1, 'a': {5, 3}, 'l': [1, (2,)]}))\n"
                 "pr = (repr(pv), type(pv).__name__, isinstance(pv, dict), type(pv['a']).__name__, isinstance(pv['l'], list))")
    return tuple(conn.eval("pr"))


@check("pickle.loads_errors")
def _(conn, w):
    P = conn.modules.pickle
    return [(type(e).__name__, msg(e)) for e in _errors(P.loads, [b"", b"N", b"\x80\x04K\x01a.", b"\x80\x06N.", b"\xff", b"h\x05.", b"(.", b"X\x05\x00\x00\x00ab", b"}(K\x01u."])]


def _errors(fn, args):
    out = []
    for a in args:
        try:
            fn(a)
            out.append(None)
        except Exception as e:  # noqa: B902 - the server's exception
            out.append(e)
    return out


@check("classic.deliver_obtain_order")
def _(conn, w):
    d = collections.OrderedDict([("z", 1), ("a", {"y": 2, "b": 3}), ("s", {3, 1, 2})])
    remote = rpyc.classic.deliver(conn, dict(d))
    got = rpyc.classic.obtain(remote)
    return (list(remote), list(remote["a"]), repr(remote), got, list(got),
            rpyc.classic.obtain(conn.eval("{'b': {3, 1}, 'a': [frozenset({2})]}")))


@check("json.loads_in_code_is_a_dict")
def _(conn, w):
    conn.execute("import json\n"
                 "jd = json.loads('{\"z\": 1, \"a\": [{\"y\": 2, \"b\": 3}], \"m\": {\"q\": 1, \"c\": 2}}')\n"
                 "e = dict(jd); e['new'] = 1\n"
                 "jr = (isinstance(jd, dict), type(jd).__name__, list(jd), isinstance(jd['a'], list),\n"
                 "      list(jd['a'][0]), list(e), {**jd['m'], 'x': 1}, json.dumps(jd), json.dumps({'b': 1, 'a': 2}),\n"
                 "      sorted(jd.items())[0][0], jd.get('zz', 'default'), jd | {'k': 0} == {**jd, 'k': 0})")
    return tuple(conn.eval("jr"))


@check("json.client_passes_back_server_values")
def _(conn, w):
    J = conn.modules.json
    d = J.loads('{"b": 1, "a": {"y": 1, "x": 2}}')
    d.update({"c": 3})
    return (J.dumps(d), J.dumps(conn.eval("{'b': [1, {'y': 2, 'x': (1,)}], 'a': 2}")), list(d.items()),
            J.dumps(conn.eval("[3, 1, 2]")), J.dumps(conn.eval("(1, 'x')")))


@check("json.groupdict_order")
def _(conn, w):
    m = conn.modules.re.match(r"(?P<b>x)(?P<a>y)(?P<c>z)?", "xy")
    g = m.groupdict()
    return (list(g), repr(g), g.get("c", "none"))


@check("builtins.containers_of_the_server")
def _(conn, w):
    B = conn.builtins
    J = conn.modules.json
    return (repr(B.set([30, 1, 9])), B.isinstance(conn.eval("{1}"), B.set), B.len(conn.eval("{'a': 1, 'b': 2}")),
            list(B.list(conn.eval("{10, 5, 1}"))), B.sorted(J.loads('{"b": 1, "a": 2}')),
            list(B.dict(J.loads('{"b": 1, "a": 2}'), z=3)), B.sum(conn.eval("range(5)")),
            repr(B.frozenset([9, 1])), B.isinstance(conn.eval("[1]"), B.list))


@check("set.repr_order")
def _(conn, w):
    return conn.eval("[repr(s) for s in ({3, 1, 2}, {10, 5, 1}, {8, 0}, {-1, -2, 7}, {1.5, 2.0, 0.25}, set(range(20, 0, -3)),"
                     " {x * 7 for x in range(12)}, {(1, 2), (2, 1), (0, 0)}, frozenset({100, 3, 64}), {True, 2, 0})]")


@check("set.operations_order")
def _(conn, w):
    conn.execute("a, b = {1, 9, 17, 25, 4}, {25, 4, 100, 33, 8}\n"
                 "so = [a | b, a & b, a - b, b - a, a ^ b, a.union([64, 2]), a.intersection([25, 1]), a.difference({9})]\n"
                 "c = set(a); c |= b; so.append(c)\n"
                 "c = set(range(40)); c.difference_update(range(0, 40, 3)); c.add(99); c.discard(5); so.append(c)\n"
                 "t = set()\n"
                 "for i in range(30):\n"
                 "    t.add(i * 37 % 101)\n"
                 "so.append(t)\n"
                 "so = [repr(s) for s in so] + [t.pop(), t.pop(), hash((1, 2)), hash(frozenset({1, 2, 3}))]")
    return list(conn.eval("so"))


@check("set.client_iteration")
def _(conn, w):
    s = conn.eval("{10, 5, 1, 64}")
    return (list(s), repr(s), 5 in s, len(s), sorted(s))


@check("random.seeded_sequence")
def _(conn, w):
    R = conn.modules.random
    R.seed(12345)
    out = [R.random(), R.randint(1, 1000), R.choice(list(range(100))), list(R.sample(range(50), 5)),
           R.getrandbits(64), R.uniform(0, 10), R.randrange(0, 100, 5), list(R.choices("abc", k=5)),
           round(R.gauss(0, 1), 9), R.randrange(2**70)]
    x = list(range(12))
    R.shuffle(x)
    out.append(x)
    rl = conn.eval("list(range(12))")
    R.shuffle(rl)
    out.append(list(rl))
    return out


@check("random.seed_types")
def _(conn, w):
    R = conn.modules.random
    out = []
    for seed in (0, -7, 2**100, 3.5, "lab-7", b"bytes", None):
        R.seed(seed)
        if seed is not None:
            out.append((repr(seed), R.random(), R.randint(0, 99)))
    out.append(type(R.Random(5)).__name__ if False else R.Random(5).random())
    return out


@check("random.in_code")
def _(conn, w):
    conn.execute("import random\n"
                 "random.seed('build-42')\n"
                 "order = list(range(10))\n"
                 "random.shuffle(order)\n"
                 "from random import shuffle, sample\n"
                 "names = ['a', 'b', 'c', 'd', 'e']\n"
                 "shuffle(names)\n"
                 "rng = random.Random(2024)\n"
                 "rr = (order, names, sample(range(100), 3), rng.random(), rng.randint(1, 6), random.random())")
    return tuple(conn.eval("rr"))


@check("re.dollar_search_findall_sub_split")
def _(conn, w):
    R = conn.modules.re
    return (R.search("$", "a\n").span(), list(R.findall("$", "a\n")), R.sub("$", "X", "a\n"),
            R.sub(r"$", "!", "line1\nline2\n"), R.search(r"\s*$", "abc  \n").span(), R.match(r"a$", "a\n").span(),
            R.fullmatch(r"a$", "a\n"), [m.span() for m in R.finditer(r"\w*$", "ab\ncd\n")], list(R.split(r"$", "ab\n")),
            list(R.findall(r"\d+$", "12\n34\n")), list(R.findall(r"(?m)\d+$", "12\n34\n")), R.search(r"x$", "x\n\n"))


@check("namespace.builtins_after_execute")
def _(conn, w):
    conn.execute("ns_probe = 1")
    return ("__builtins__" in conn.namespace, "ns_probe" in conn.namespace, conn.eval("type(__builtins__).__name__"),
            conn.eval("__builtins__['len']([1, 2])"), conn.eval("'len' in __builtins__"), conn.eval("__name__"))


@check("stmt.locals_vars_dir")
def _(conn, w):
    conn.execute("def lf(a, b=2, *rest, **kw):\n"
                 "    c = a + b\n"
                 "    def inner():\n"
                 "        return c\n"
                 "    return sorted(locals().items(), key=lambda kv: kv[0])[:3], sorted(vars()), dir()\n"
                 "def lg():\n"
                 "    y = 5\n"
                 "    loc = locals()\n"
                 "    loc['y'] = 99\n"
                 "    return y, 'y' in loc\n"
                 "class LK:\n"
                 "    a = 1\n"
                 "    names = sorted(locals())\n"
                 "lr = (lf(1), lg(), LK.names, locals() is globals(), (lambda q: locals())(3), 'lf' in dir())")
    return repr(conn.eval("lr"))


@check("sys.exc_info_in_code_and_client")
def _(conn, w):
    conn.execute("import sys\n"
                 "try:\n"
                 "    1 / 0\n"
                 "except Exception:\n"
                 "    ei = sys.exc_info()\n"
                 "    en = (ei[0].__name__, str(ei[1]), sys.exception() is ei[1])\n"
                 "outside = sys.exc_info()")
    return (tuple(conn.eval("en")), tuple(conn.eval("outside")), tuple(conn.modules.sys.exc_info()),
            conn.eval("type(sys).__name__"), conn.eval("repr(type(sys))"))


@check("json.loads_hooks")
def _(conn, w):
    J = conn.modules.json
    conn.execute("import json\n"
                 "class JP:\n"
                 "    def __init__(self, d):\n"
                 "        self.d = d\n"
                 "    def __repr__(self):\n"
                 "        return 'JP(%r)' % sorted(self.d)\n"
                 "jh = (repr(json.loads('[{\"x\": 1, \"y\": {\"z\": 2}}]', object_hook=JP)),\n"
                 "      json.loads('{\"b\": 1, \"a\": 2}', object_pairs_hook=lambda p: list(reversed(p))),\n"
                 "      json.loads('[1.25, 7, NaN]', parse_float=lambda s: 'F' + s, parse_int=lambda s: int(s) * 2,\n"
                 "                 parse_constant=lambda s: s.lower()))")
    return (repr(conn.eval("jh")), J.loads('{"a": {"b": 1}}', object_hook=lambda d: len(d)),
            list(J.loads('{"b": 1, "a": 2}', object_pairs_hook=list)))


@check("json.loaded_config_to_modules")
def _(conn, w):
    J = conn.modules.json
    cfg = J.loads('{"cmd": ["echo", "hi", "there"], "env": {"A": "1", "PATH": "/usr/bin:/bin"}, "parts": ["a", "b"], "n": 3}')
    B = conn.modules.builtins
    return (conn.modules.subprocess.run(cfg["cmd"], capture_output=True, text=True, env=cfg["env"]).stdout,
            conn.modules.os.path.join(*cfg["parts"]), " ".join(cfg["cmd"]), B.len(cfg["parts"]) + cfg["n"],
            B.sorted(cfg["parts"], reverse=True), B.max(cfg["parts"]), B.tuple(cfg["parts"]), list(B.zip(cfg["parts"], cfg["cmd"])),
            B.str(cfg), list(B.list(cfg.items())), list(conn.modules.fnmatch.filter(cfg["parts"], "[a]")),
            conn.modules.base64.b64encode(conn.eval("bytearray(b'xy')")), list(conn.eval("iter([1, 2])")))


@check("os.environ_copy_order")
def _(conn, w):
    e = conn.modules.os.environ
    e["SBS_ORDER_LAST"] = "1"
    cp = e.copy()
    conn.execute("import os\nos.environ['SBS_ORDER_CODE'] = '2'\nec = os.environ.copy()\nel = (list(ec)[-2:], isinstance(ec, dict))")
    return (list(cp)[-1], list(cp) == list(e), tuple(conn.eval("el")))
