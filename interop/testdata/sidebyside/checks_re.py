"""re: Python's syntax over Go's engine; what RE2 cannot do is re.error."""
import re

from sbs import check, msg


@check("re.search_groups")
def _(conn, w):
    m = conn.modules.re.search(r"(?P<w>\w+) (\d+)?", "héllo world")
    return (repr(m), m.group(0), m.groups(), dict(m.groupdict()), m.span(), m.lastindex, m.lastgroup, m.start(2),
            m[1], m.group(1, "w"), m.end(), m.string, m.pos, m.endpos, bool(m))


@check("re.match_fullmatch")
def _(conn, w):
    R = conn.modules.re
    return (R.match("a", "ba"), R.match("b", "ba").span(), R.fullmatch("a|ab", "ab").group(), R.fullmatch("a", "ab"))


@check("re.findall")
def _(conn, w):
    R = conn.modules.re
    return (list(R.findall(r"\d", "a1b22")), list(R.findall(r"(\w)(\d)", "a1b2")), list(R.findall(r"(\d)", "a1b2")),
            list(R.findall(r"x*", "axb")), list(R.findall(r"(a)|b", "ab")))


@check("re.finditer")
def _(conn, w):
    return [m.span() for m in conn.modules.re.finditer(r"\d+", "a12b345")]


@check("re.split")
def _(conn, w):
    R = conn.modules.re
    return (list(R.split(r"(,)", "a,b,c")), list(R.split(r",", "a,b,c", maxsplit=1)), list(R.split(r"\s+", " a b ")),
            list(R.split(r"(a)|b", "xaybz")))


@check("re.sub")
def _(conn, w):
    R = conn.modules.re
    return (R.sub(r"(\w+)@(\w+)", r"\2 at \1", "joe@x"), tuple(R.subn("a", "b", "aaa", count=2)), R.sub("x*", "-", "abxd"),
            R.sub(r"(?P<n>\d)", r"<\g<n>\g<1>>", "a1"), R.sub("a", r"\n", "a") == "\n")


@check("re.sub_callable")
def _(conn, w):
    return conn.modules.re.sub(r"a", lambda m: m.group().upper(), "banana")


@check("re.escape")
def _(conn, w):
    return (conn.modules.re.escape("a.b*c (d) é"), conn.modules.re.escape(b"a.b"))


@check("re.compile_attributes")
def _(conn, w):
    R = conn.modules.re
    p = R.compile("(a)(?P<n>b)", R.I)
    return (repr(p), p.flags, dict(p.groupindex), p.groups, p.pattern, repr(R.compile("a")), R.compile("a").flags,
            repr(R.compile(b"a", R.I)), R.compile(b"a").flags)


@check("re.flags")
def _(conn, w):
    R = conn.modules.re
    return (int(R.I), int(R.M), int(R.S), int(R.X), int(R.A), int(R.U), int(R.IGNORECASE),
            R.search("^b", "a\nb", R.M).span(), R.match("a.b", "a\nb", R.S).group(), R.match("A", "a", R.I) is not None)


@check("re.verbose")
def _(conn, w):
    return conn.modules.re.compile(r"""a  # comment
      b  [ ]""", conn.modules.re.X).match("ab ").group()


@check("re.dollar_before_final_newline")
def _(conn, w):
    R = conn.modules.re
    return (R.match(r"^(\d+)$", "123\n").group(1), R.match(r"^(\d+)$", "123\nx"), R.search(r"a$", "ba\n").span())


@check("re.groups_default")
def _(conn, w):
    m = conn.modules.re.match("(a)|(b)", "b")
    return (m.groups(), m.groups("-"), m.start(1), m.span(1), m.group(1))


@check("re.unicode_classes")
def _(conn, w):
    R = conn.modules.re
    return (list(R.findall(r"\w+", "héllo wörld_1")), list(R.findall(r"\d", "٣3")), list(R.findall(r"\w+", "héllo", R.A)))


@check("re.bytes")
def _(conn, w):
    R = conn.modules.re
    return (list(R.findall(rb"\d", b"a1b2")), R.sub(rb"a", b"x", b"aba"), R.match(rb"(b)", b"bc").group(1))


@check("re.positions_in_characters")
def _(conn, w):
    m = conn.modules.re.search("ö", "héllo wörld")
    return (m.start(), m.end(), m.span())


@check("re.pattern_methods")
def _(conn, w):
    p = conn.modules.re.compile(r"\d")
    return (p.search("ab1").group(), p.search("a1b2", 2).group(), list(p.findall("1a2")), p.sub("#", "a1"),
            list(p.split("a1b")), p.match("1a").span(), p.fullmatch("1").group())


@check("re.expand")
def _(conn, w):
    m = conn.modules.re.match(r"(\w)(?P<x>\d)", "a1")
    return m.expand(r"\2-\1-\g<x>")


@check("re.errors")
def _(conn, w):
    out = []
    for p in ['(a', 'a)', '[a', '*a', r'\q', '[z-a]', 'a{2,1}']:
        try:
            conn.modules.re.compile(p)
            out.append("compiled")
        except re.error as e:
            out.append((type(e).__name__, msg(e), e.msg, e.pos, e.pattern))
    return out


@check("re.error_is_re_error")
def _(conn, w):
    try:
        conn.modules.re.compile("(a")
    except Exception as e:
        return (isinstance(e, re.error), type(e).__name__)
    raise AssertionError("no exception")


@check("re.bad_group_reference")
def _(conn, w):
    try:
        conn.modules.re.sub("(a)", r"\2", "a")
    except re.error as e:
        return msg(e)
    raise AssertionError("no exception")


@check("re.type_errors")
def _(conn, w):
    out = []
    for f in [lambda: conn.modules.re.search("a", b"a"), lambda: conn.modules.re.search("a", 1)]:
        try:
            f()
            out.append("no error")
        except TypeError as e:
            out.append(msg(e))
    return out


@check("re.no_such_group")
def _(conn, w):
    try:
        conn.modules.re.match("(a)", "a").group(5)
    except IndexError as e:
        return msg(e)
    raise AssertionError("no exception")
