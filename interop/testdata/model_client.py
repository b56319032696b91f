"""A Python client of a Go service, for the object model's tests (issue 20).

Usage: model_client.py HOST:PORT default|permissive
Does with Go-served values what Python code does with objects: f-strings
and format specs, __doc__ and __class__, comparisons and +=, isinstance
against Go types exposed as classes, dynamic attributes, and structs sent
back by reference, by value and as dicts. Prints one "name: result" line
per check: the repr of the result, or the exception's class and the first
line of its message.
"""
import sys

import rpyc
from rpyc.utils.classic import obtain


def check(name, f):
    try:
        v = f()
    except Exception as e:  # the class and the first line say enough
        lines = str(e).splitlines()
        print("%s: %s %s" % (name, type(e).__name__, lines[0] if lines else ""))
    else:
        print("%s: %r" % (name, v))


def default(r):
    p = r.new_reading()
    l = r.list()
    d = r.dict()

    # The object protocol.
    check("fstr_list", lambda: f"{l}")
    check("fstr_dict", lambda: f"{d}")
    check("fstr_method", lambda: f"{r.new_reading}".startswith("<bound method new_reading of"))
    check("fstr_reading", lambda: f"{p}")
    check("repr_reading", lambda: repr(p))
    check("format_list_spec", lambda: format(l, ">10"))
    check("format_obj_spec", lambda: format(p, "x"))
    check("format_big", lambda: f"{r.big():>10,.2f}")
    check("doc_reading", lambda: p.__doc__)
    check("doc_list", lambda: l.__doc__)
    check("doc_method", lambda: p.double.__doc__)
    check("doc_class", lambda: r.Reading.__doc__)
    check("class_refused", lambda: p.__class__)
    check("sizeof_refused", lambda: l.__sizeof__())
    check("dir_reading", lambda: [n for n in dir(p) if not n.startswith("_")])

    # Comparisons of Go lists, and of tuples holding them.
    check("lt_lists", lambda: r.list() < r.other())
    check("le_ge_gt", lambda: (r.list() <= r.list(), r.other() >= r.list(), r.list() > r.other()))
    check("eq_lists", lambda: r.list() == r.list())
    check("lt_nested", lambda: r.nested() < r.nested2())
    check("lt_tuples_of_lists", lambda: (1, r.list()) < (1, r.other()))
    # The local list travels by reference: Python's server answers
    # NotImplemented for it, and so does ours.
    check("lt_local_list", lambda: r.list() < [9])

    # += on a *[]int grows the owner's slice; on a []int it makes a new
    # list (as on a tuple) and the owner's slice stays.
    def iadd_pointer():
        x = r.list()
        y = x
        x += [4]
        return list(x), x is y
    check("iadd_pointer", iadd_pointer)

    def iadd_plain():
        x = r.plain()
        x += [4]
        return list(x)
    check("iadd_plain", iadd_plain)
    check("owners", lambda: r.owners())
    check("append_plain", lambda: r.plain().append(4))

    def sort_key():
        x = r.other()
        x.sort(key=lambda v: -v)
        return list(x)
    check("sort_key", sort_key)
    check("dict_or", lambda: dict((d | {"b": 2}).items()))

    def dict_ior():
        x = r.dict()
        x |= {"c": 3}
        return dict(x.items())
    check("dict_ior", dict_ior)
    check("array", lambda: r.array())

    # Go types as classes.
    check("isinstance_own", lambda: isinstance(p, r.Reading))
    check("isinstance_other", lambda: isinstance(r.gauge(), r.Reading))
    check("isinstance_iface", lambda: (isinstance(p, r.Sensor), isinstance(r.gauge(), r.Sensor), isinstance(l, r.Sensor)))
    check("class_repr", lambda: repr(r.Reading))

    def class_call():
        q = r.Reading("t9", value=3.5)
        return q.sensor, q.value, q.double()
    check("class_call", class_call)
    check("class_call_bad", lambda: r.Reading(colour="red"))
    check("class_method", lambda: r.Reading.double(p))
    check("class_isinstance", lambda: isinstance(r.Reading("x"), r.Reading))
    check("class_interface_new", lambda: r.Sensor())

    # Dynamic attributes.
    check("dyn_get", lambda: r.alpha)
    check("dyn_missing", lambda: r.nope)

    def dyn_set():
        r.gamma = 5
        return r.gamma
    check("dyn_set", dyn_set)
    check("dyn_dir", lambda: "alpha" in dir(r))

    # Structs there and back.
    check("take", lambda: r.take(p))
    check("take_value", lambda: r.take_value(p))
    check("take_from_val", lambda: r.take(r.reading_value()))
    check("take_dict", lambda: r.take({"sensor": "d", "value": 1.5}))
    check("take_dict_bad", lambda: r.take({"sensor": "d", "colour": "red"}))
    check("ints_bad", lambda: r.ints([1.5]))
    check("ints_str", lambda: r.ints("abc"))
    check("obtain_refused", lambda: obtain(p))


def permissive(r):
    p = r.new_reading()
    check("obtain", lambda: sorted(obtain(p).items()))
    check("take_obtained", lambda: r.take(obtain(p)))
    check("class_of", lambda: repr(p.__class__))
    check("isinstance_classof", lambda: isinstance(p, p.__class__))
    check("class_of_unexposed", lambda: r.gauge().__class__())
    check("sizeof", lambda: r.list().__sizeof__() > 0)

    def dyn_set():
        r.gamma = 5
        return r.gamma
    check("dyn_set", dyn_set)

    def dyn_del():
        del r.gamma
        return r.gamma
    check("dyn_del", dyn_del)


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    conn = rpyc.connect(host, int(port))
    {"default": default, "permissive": permissive}[sys.argv[2]](conn.root)
    conn.close()


if __name__ == "__main__":
    main()
