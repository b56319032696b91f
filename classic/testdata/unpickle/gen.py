"""Write the pickles CPython makes for a table of plain values.

Usage: PYTHONHASHSEED=0 gen.py > pickles.json

One JSON object per line: {"name", "protocol", "pickle" (hex), "repr"}
for every value below and every protocol 0 to 5. "repr" is CPython's
repr of pickle.loads of the pickle (what the value reads back as). The
Go test decodes each pickle and must give the same repr; it also runs
this script when /usr/bin/python3 is there and checks the file is
current. PYTHONHASHSEED=0 fixes the order of sets of str.
"""
import collections
import json
import pickle
import sys


def values():
    shared = [1, 2]
    shared_t = ("t", 1)
    yield "none", None
    yield "bools", [True, False]
    yield "small_ints", [0, 1, -1, 255, 256, 65535, 65536, -129, 2**31 - 1, -2**31]
    yield "int64_edges", [2**63 - 1, -2**63, 2**63, -2**63 - 1]
    yield "big_ints", [2**100, -(2**100) + 7, 10**40, -(10**40)]
    yield "floats", [0.0, -0.0, 1.5, -2.25, 1e300, 1e-300, 0.1, float("inf"), float("-inf")]
    yield "complex", [1 + 2j, -0.5j, complex(3, 0)]
    yield "strs", ["", "a", "é", "日本", "😀", "a\nb", "back\\slash", "q'uote\"", "\x00\x1a\r\t", "x" * 300]
    yield "bytes", [b"", b"a", bytes(range(256)), b"\\u0041", b"x" * 300]
    yield "bytearrays", [bytearray(), bytearray(b"ab\x00\xff")]
    yield "tuples", [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((),)]
    yield "lists", [[], [[]], [1, "a", None, [2.5, (3,)]]]
    yield "dict_order", {"z": 1, "a": 2, "m": 3, "b": 4}
    yield "dict_nested_order", {"b": {"y": 1, "x": 2}, "a": [{"q": 1, "c": 2}]}
    yield "dict_int_keys", {3: "c", 1: "a", 2: "b", -5: "n"}
    yield "dict_mixed_keys", {None: 0, True: 1, 2.5: 2, "s": 3, b"b": 4, (1, "t"): 5, frozenset({7}): 6}
    yield "dict_many", {"k%03d" % (999 - i): i for i in range(300)}
    yield "dict_big", {i: "v" for i in range(1100)}
    yield "sets", [set(), {1}, {3, 1, 2}, {"b", "a"}, {(1, 2), None}]
    yield "frozensets", [frozenset(), frozenset({5, 4}), frozenset({frozenset({1})})]
    yield "set_big", set(range(1100))
    yield "long_memo", [["s%d" % i for i in range(300)], shared, shared]
    yield "shared", [shared, shared, {"k": shared}, shared_t, shared_t]
    yield "ordered_dict", collections.OrderedDict([("z", 1), ("a", 2)])
    yield "deep", [[[[[[[[[[["deep"]]]]]]]]]]]
    yield "config", {"host": "lab-7", "ports": [22, 80], "opts": {"retry": 3, "verbose": True}, "tags": ("a", "b")}


def main():
    for name, v in values():
        for proto in range(0, pickle.HIGHEST_PROTOCOL + 1):
            data = pickle.dumps(v, protocol=proto)
            back = pickle.loads(data)
            if type(back) is collections.OrderedDict:
                back = dict(back)  # read as a dict, in its order, by design
            rec = {"name": name, "protocol": proto, "pickle": data.hex(), "repr": repr(back)}
            sys.stdout.write(json.dumps(rec, sort_keys=True) + "\n")


main()
