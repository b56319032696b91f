"""A Python client of a Go server, for the by-value and pickle tests.

Usage: classic_pyclient.py HOST:PORT pickle|nopickle
Calls Go methods with list, dict and set arguments, and obtains Go values
with rpyc.classic.obtain; prints one "name: repr" line per result.
"""
import sys

import rpyc
from rpyc.utils.classic import obtain


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    conn = rpyc.connect(host, int(port))
    root = conn.root
    print("sum_list: %r" % (root.sum_list([1, 2, 3, 4]),))
    print("sum_list_big: %r" % (root.sum_list(list(range(100000))),))
    print("sum_tuple: %r" % (root.sum_list((5, 6)),))
    print("keys: %r" % (root.keys({"b": 2, "a": 1, "c": 3}),))
    print("nested: %r" % (root.nested({"x": [1, 2], "y": []}),))
    print("set_len: %r" % (root.set_len({1, 2, 3}),))
    try:
        root.sum_list(["a"])
        print("bad_item: no error")
    except TypeError as e:
        print("bad_item: TypeError %s" % (e.args[0].splitlines()[0],))
    if sys.argv[2] == "pickle":
        print("obtain_data: %r" % (sorted(obtain(root.data()).items()),))
        print("obtain_list: %r" % (obtain(root.numbers()),))
        print("obtain_point: %r" % (sorted(obtain(root.point()).items()),))
    else:
        try:
            obtain(root.numbers())
            print("obtain_disabled: no error")
        except ValueError as e:
            print("obtain_disabled: ValueError %s" % (e.args[0].splitlines()[0],))
    conn.close()


if __name__ == "__main__":
    main()
