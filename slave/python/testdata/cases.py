=== arithmetic
print(1 + 2 * 3, 7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 % -3, 2 ** 10, 2 ** -1, 7 / 2)
print(10 ** 30, -(2 ** 63), 2 ** 63 - 1 + 1, (2 ** 64) // 3, (2 ** 64) % 7, -(2 ** 70) // 3)
print(9223372036854775807 + 1, -9223372036854775808 - 1, 3037000500 * 3037000500)
print(1 << 70, (1 << 70) >> 68, -1 >> 3, 5 & 3, 5 | 3, 5 ^ 3, ~5, ~(2 ** 70))
print(True + True, True * 10, abs(-3), abs(-2.5), divmod(17, 5), divmod(-17, 5), pow(3, 4, 5), pow(2, -1, 7))
print(round(2.5), round(3.5), round(-0.5), round(2.675, 2), round(1234, -2), round(1250, -2), round(0.1 + 0.2, 10))
print(0.1 + 0.2, 1e16, 1e-5, 1.5e300 * 1.5e10, 3.0, -0.0, 1 / 3, 2 / 1, 1e22, 123456789012345678.0)
print(int("42"), int(" -17 "), int("0x1f", 16), int("1_000"), int("z", 36), int(3.9), int(-3.9), float("1e3"), float(" inf "))
print(complex(1, 2) * complex(3, -1), (1 + 2j).real, abs(3 + 4j))
=== float-ops
print(7.5 // 2, 7.5 % 2, -7.5 % 2, 2.0 ** 0.5, float('nan') == float('nan'), 1 == 1.0, hash(1) == hash(1.0))
print(max(1, 2.5), min([3, 1, 2]), sum([0.1] * 10), sum(range(101)), sum([[1], [2]], []))
print(1 < 2 < 3, 1 < 3 < 2, 2 ** 0.5 < 1.5, 10 ** 20 > 1e19, (2 ** 53 + 1) == float(2 ** 53 + 1))
=== zero-division
try:
    1 / 0
except ZeroDivisionError as e:
    print("zd", e)
try:
    1 // 0
except ZeroDivisionError as e:
    print("zd", e)
try:
    1 % 0
except ZeroDivisionError as e:
    print("zd", e)
try:
    1.0 / 0
except ArithmeticError as e:
    print(type(e).__name__, e)
=== strings
s = "Hello, World"
print(s.upper(), s.lower(), s.swapcase(), s.title(), "hello world".capitalize())
print(s[0], s[-1], s[2:5], s[::-1], s[::2], s[100:], s[-3:], len(s))
print(s.find("o"), s.rfind("o"), s.find("z"), s.index("W"), s.count("l"), s.count("l", 5))
print(s.replace("l", "L"), s.replace("l", "L", 1), s.split(", "), "a  b c ".split(), "a,b,,c".split(","))
print("  x  ".strip(), "xxaxx".strip("x"), "  x".lstrip(), "x  ".rstrip() + "|", "a b c".split(None, 1), "a b c".rsplit(None, 1))
print(", ".join(["a", "b"]), "-".join("abc"), "abc".startswith("ab"), "abc".endswith(("x", "c")), "ab" in "cabd")
print("x".center(5, "*"), "x".ljust(3) + "|", "x".rjust(3), "42".zfill(5), "-42".zfill(5), "a\tb".expandtabs(4))
print("abc".isalpha(), "123".isdigit(), "a1".isalnum(), " ".isspace(), "Ab".istitle(), "ab".islower(), "AB".isupper(), "_x1".isidentifier())
print("a:b:c".partition(":"), "a:b:c".rpartition(":"), "x".partition(":"), "prefix_x".removeprefix("prefix_"), "x.txt".removesuffix(".txt"))
print("line1\nline2\r\nline3".splitlines(), "a\nb\n".splitlines(True), "ß".upper(), "ǅ".lower())
print("héllo"[1], len("héllo"), "héllo".find("l"), "日本語"[::-1], "日本語".encode(), b"\xc3\xa9".decode())
print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("tab\there\n"), repr("\x00\x7f"), repr("é"), ascii("é"))
print(str(1), str(1.5), str(None), str(True), str([1, 'a']), str((1,)), str({'a': 1}), repr(()))
print("abc" * 3, 3 * "ab", "a" < "b", "abc" < "abd", "B" < "a", sorted(["b", "A", "a", "B"]))
print("%s|%r|%d|%5.1f|%-5s|%05d|%x|%X|%o|%e|%g|%c|%%" % ("s", "r", 42, 3.14159, "ab", 42, 255, 255, 8, 12345.678, 0.0001, 65))
print("%(a)s-%(b)d" % {"a": "x", "b": 2}, "%s" % (1,), "%s %s" % ("a", "b"), "%.3s" % "abcdef", "%+d % d" % (5, 5))
print("{} {}".format(1, 2), "{1} {0}".format("a", "b"), "{x}".format(x=3), "{0[1]}".format([5, 6]), "{:>6.2f}|".format(3.14159))
print("{:,}".format(1234567), "{:_}".format(1234567), "{:08.3f}".format(-3.5), "{:^9}".format("mid"), "{:*<4}".format("x"), "{!r}".format("q"))
print("{:b} {:o} {:x} {:X} {:#x} {:#b}".format(10, 10, 255, 255, 255, 5), "{:e}".format(1234.5), "{:.2%}".format(0.12345), "{:g}".format(1e20))
print(format(3.14159, ".2f"), format(42, "05d"), format("x", ">3"), format(1234567.891, ",.2f"), format(-1, "+d"), format(True))
print("abc".translate(str.maketrans("ab", "xy")), "hello".translate({ord("l"): None}), ord("a"), chr(955), "%c" % 955)
print(str(b"bytes"), "a{}b".format(None), "x".join([]), "".join(reversed("abc")), "casefold".casefold(), "Ab Cd".swapcase())
=== fstrings
x, name, items = 3.14159, "world", [1, 2]
print(f"hello {name}!", f"{x:.2f}", f"{x!r}", f"{name!r:>10}|", f"{name:^11}|", f"{{literal}}", f"{1 + 2}", f"{items[0]}")
print(f"{x=}", f"{name = }", f"{x=:.1f}", f"{'nested'}", f"{3:{'>'}{5}}|", f"{len(items):03d}", f"{'a' if x else 'b'}")
width, prec = 10, 3
print(f"{x:{width}.{prec}f}|", f"{name!s}", f"{name!a}", f"{12345678:,}", f"{0.5:%}", f"{255:#06x}", f"{-3:+}")
print(f"""multi
{name}""", rf"\n{name}", f"{{{name}}}", f"{dict(a=1)['a']}", f"{[i * 2 for i in range(3)]}")
=== bytes
b = b"hello"
print(b, b[0], b[1:3], len(b), b + b"!", b * 2, b.upper(), b.decode(), bytes([65, 66]), bytes(3), b"a,b".split(b","))
print(b.hex(), bytes.fromhex("4142"), b"x" in b"xyz", 104 in b, list(b"ab"), b.find(b"l"), b.replace(b"l", b"L"), b"%d-%s" % (1, b"x"))
print(bytearray(b"ab") + b"c", bytes(bytearray(b"xy")), "é".encode("latin-1"), b"\xe9".decode("latin-1"), b"  x ".strip())
try:
    b"\xff".decode()
except UnicodeDecodeError as e:
    print("UnicodeDecodeError", isinstance(e, ValueError))
print(b"\xff".decode("utf-8", "replace"), "é".encode("ascii", "replace"), int.from_bytes(b"\x01\x00", "big"), (256).to_bytes(2, "little"))
=== lists
l = [3, 1, 2]
l.append(4)
l.extend([5, 6])
l.insert(0, 0)
print(l, l.pop(), l.pop(0), l, l.index(2), l.count(1), len(l))
l.remove(1)
l.sort()
print(l, sorted([3, 1, 2], reverse=True), sorted(["bb", "a", "ccc"], key=len), l[::-1], l[1:3], l[-1])
l[0] = 9
l[1:3] = [7, 7, 7]
del l[-1]
print(l, [1, 2] + [3], [0] * 3, [1, 2] == [1, 2], [1, 2] < [1, 3], 2 in [1, 2], [[]] * 2)
l2 = l.copy()
l2.reverse()
l.clear()
print(l, l2, list("ab"), list(range(3)), list((1, 2)), list({"k": 1}))
m = [1, 2, 3, 4, 5, 6]
del m[::2]
print(m, m * 0, [x for x in m if x > 2], max(m), min(m), sum(m), any(m), all([]), any([]))
a = [1, 2]
b = a
b += [3]
print(a, a is b, [1] is [1], [1] == [1])
nested = [[1, 2], [3]]
nested[0].append(9)
print(nested, [y for x in nested for y in x])
r = []
r.append(r)
print(r)
=== tuples-and-unpacking
t = (1, 2, 3)
a, b, c = t
print(a, b, c, t[1], t[-1], t[:2], len(t), t + (4,), t * 2, (1,) * 3, t.index(2), t.count(1), () == tuple())
first, *rest = [1, 2, 3]
*init, last = "abc"
x, (y, z) = 1, (2, 3)
p, *q, r = range(5)
print(first, rest, init, last, x, y, z, p, q, r)
a, b = b, a
print(a, b, tuple([1, 2]), hash((1, 2)) == hash((1, 2)), (1, 2) < (1, 3), (1, "a") == (1, "a"))
for i, (k, v) in enumerate({"a": 1, "b": 2}.items()):
    print(i, k, v)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print(e)
try:
    a, b, c = [1]
except ValueError as e:
    print(e)
=== dicts
d = {"a": 1, "b": 2}
d["c"] = 3
print(d, d["a"], d.get("z"), d.get("z", 0), len(d), "a" in d, list(d), list(d.keys()), list(d.values()), list(d.items()))
print(d.pop("a"), d.pop("zz", None), d.setdefault("d", 4), d.setdefault("b", 9), d)
d.update({"e": 5}, f=6)
del d["b"]
print(d, dict(a=1, b=2), dict([("x", 1)]), dict.fromkeys(["p", "q"], 0), {**d, "z": 0}, d | {"n": 1})
print({1: "int", 1.0: "float", True: "bool"}, {(1, 2): "t"}[(1, 2)], {None: 1}[None], d.popitem(), sorted(d.items()))
k = {"x": 1}
k2 = k.copy()
k2["x"] = 2
print(k, k2, k == {"x": 1}, {1: 2} == {1: 2.0}, dict(zip("ab", [1, 2])))
try:
    {}["missing"]
except KeyError as e:
    print("KeyError", e, repr(e), e.args)
ordered = {}
for key in ["z", "a", "m"]:
    ordered[key] = len(key)
del ordered["a"]
ordered["a"] = 2
print(ordered, list(ordered))
try:
    for key in ordered:
        ordered["new"] = 1
except RuntimeError as e:
    print(e)
=== sets
s = {1, 2, 3}
s.add(4)
s.discard(1)
s.discard(99)
print(sorted(s), 2 in s, len(s), sorted(s | {9}), sorted(s & {2, 3, 7}), sorted(s - {2}), sorted(s ^ {2, 10}))
print(set(), sorted(set("hello")), {1, 2} == {2, 1}, {1} < {1, 2}, {1, 2}.issubset({1, 2, 3}), frozenset([1]) == {1}, sorted({x % 3 for x in range(10)}))
fs = frozenset([1, 2])
print(sorted(fs), len(fs), {fs: "ok"}[frozenset([2, 1])], sorted(s.union([7], [8])), s.isdisjoint({100}))
try:
    s.remove(100)
except KeyError as e:
    print("KeyError", e)
try:
    {[1]}
except TypeError as e:
    print(e)
=== set-order
# Iteration order is CPython's table order for numbers and tuples.
print({3, 1, 2}, {10, 5, 1}, {8, 0}, {0, 8}, {16, 8, 0}, {-1, -2, 7}, {1.5, 2.0, 0.25})
print(set([10, 5, 1]), set((33, 1, 65, 97)), set(range(20, 0, -3)), {x * 7 for x in range(12)})
print({(1, 2), (2, 1), (0, 0)}, {True, 2, 0}, frozenset({100, 3, 64}), {2**40, 2**61 - 1, 2**64, -2**63})
s = {0, 8}
s.remove(0)
s.add(16)
print(s, s.pop(), s)
t = set()
for i in range(30):
    t.add(i * 37 % 101)
print(t)
for i in range(0, 30, 2):
    t.discard(i * 37 % 101)
t.add(999)
print(t, len(t))
a, b = {1, 9, 17, 25, 4}, {25, 4, 100, 33, 8}
print(a | b, a & b, a - b, b - a, a ^ b, b ^ a)
print(a.union([64, 2], {32}), a.intersection([25, 1, 7]), a.difference({9}, [17]), a.symmetric_difference([1, 50]))
c = set(a); c |= b; print(c)
c = set(a); c &= b; print(c)
c = set(a); c -= {1}; print(c)
c = set(a); c ^= b; print(c)
c = set(a); c.update([40, 48], {56}); c.intersection_update(range(0, 100, 8)); print(c)
d = set(range(50)); d.difference_update(range(0, 50, 3)); print(d)
big = set(range(0, 6000, 7)); big -= set(range(0, 6000, 14)); print(sum(list(big)[:10]), list(big)[:8])
print(set({9: 1, 1: 2, 17: 3}), set({9: 1, 1: 2, 17: 3}.keys()), frozenset([5, 13, 21]) | {29})
print(list({1, 2, 3, 4, 5, 6, 7, 8, 9} - {2}), [x for x in {300, 200, 100}])
print(hash((1, 2)), hash(()), hash((1.5, (2, 3))), hash(frozenset({1, 2, 3})), hash(frozenset()))
=== frame-builtins
def f(a, b=2, *rest, **kw):
    c = a + b
    def inner():
        return c
    return sorted(locals())
print(f(1), f(1, 2, 3, k=4))
def g():
    y = 5
    loc = locals()
    loc['y'] = 99
    return y, 'y' in loc, sorted(vars()), dir()
print(g())
class K:
    a = 1
    names = sorted(locals())
print(K.names, 'f' in globals(), locals() is globals(), 'g' in dir())
def h(x):
    if x:
        late = 1
    return locals()
print(h(0), h(1))
def locals():
    return "mine"
print(locals())
del locals
print(type(locals()).__name__, (lambda q: locals())(3))
=== comprehensions-and-generators
print([x * x for x in range(5)], {x: x * 2 for x in "ab"}, [(x, y) for x in range(2) for y in range(2) if x != y])
print(list(x + 1 for x in range(3)), sum(x for x in range(10)), max((len(w), w) for w in ["a", "bbb", "cc"]))
def gen(n):
    total = 0
    for i in range(n):
        got = yield i
        if got:
            total += got
    return total
g = gen(3)
print(next(g), g.send(10), g.send(5))
try:
    next(g)
except StopIteration as e:
    print("returned", e.value)
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(10)])
def chain(*its):
    for it in its:
        yield from it
print(list(chain([1, 2], "ab", range(2))))
def inner():
    x = yield 1
    return x * 2
def outer():
    r = yield from inner()
    yield r
o = outer()
print(next(o), o.send(21))
squares = (i * i for i in range(4))
print(type(squares).__name__, list(squares), list(squares))
def closer():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")
c = closer()
print(next(c))
c.close()
print([*range(3), *"ab"], {*[1, 1, 2]} == {1, 2})
=== control-flow
for i in range(10):
    if i % 2:
        continue
    if i > 6:
        break
    print(i, end=" ")
else:
    print("no break")
print()
for i in range(3):
    pass
else:
    print("else ran", i)
n = 0
while n < 5:
    n += 1
    if n == 10:
        break
else:
    print("while else", n)
while True:
    n -= 1
    if n < 2:
        break
print(n)
x = 5
print("big" if x > 3 else "small", "yes" if [] else "no", 0 or "default", 1 and 2, None or [] or 3, not 0)
if x == 1:
    print(1)
elif x == 5:
    print("five")
else:
    print("other")
print((y := 10) + 1, y)
data = [1, 2, 3, 4]
if (n := len(data)) > 3:
    print("long", n)
=== functions
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))
print(f(1, c=3), f(1, 5, 6, 7, c=8, e=9), f(*[1, 2], **{"c": 3, "z": 0}))
def posonly(a, b, /, c):
    return a + b + c
print(posonly(1, 2, c=3))
try:
    posonly(a=1, b=2, c=3)
except TypeError as e:
    print(e)
try:
    f()
except TypeError as e:
    print(e)
try:
    f(1, 2, c=3, a=4)
except TypeError as e:
    print(e)
try:
    f(1, c=1, zz=1, **{"zz": 2})
except TypeError as e:
    print(e)
sq = lambda x, y=1: x * y
print(sq(3), sq(3, 3), (lambda: "no args")(), list(map(lambda x: x + 1, [1, 2])), list(filter(None, [0, 1, 2])))
def counter():
    count = 0
    def inc():
        nonlocal count
        count += 1
        return count
    return inc
c = counter()
c()
print(c(), c.__name__, f.__name__, sq.__name__)
G = 1
def setg():
    global G
    G = 2
setg()
print(G)
def defaults(x, acc=[]):
    acc.append(x)
    return acc
defaults(1)
print(defaults(2))
def kwonly(*, key):
    return key
print(kwonly(key="k"))
def doc():
    "the doc"
print(doc.__doc__, doc())
def rec(n):
    return 1 if n <= 1 else n * rec(n - 1)
print(rec(20), rec(30))
def outer():
    v = "outer"
    def mid():
        def inner():
            return v
        return inner()
    return mid()
print(outer())
fns = [lambda i=i: i for i in range(3)]
print([fn() for fn in fns])
def unbound():
    print(z)
    z = 1
try:
    unbound()
except UnboundLocalError as e:
    print(type(e).__name__, e)
try:
    undefined_name
except NameError as e:
    print(e)
=== classes
class Animal:
    kind = "animal"
    count = 0
    def __init__(self, name):
        self.name = name
        Animal.count += 1
    def speak(self):
        return f"{self.name} makes a sound"
    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"
    def __str__(self):
        return self.name
    @staticmethod
    def create(name):
        return Animal(name)
    @classmethod
    def named(cls, name):
        return cls(name)
class Dog(Animal):
    kind = "dog"
    def speak(self):
        return super().speak() + " (woof)"
d = Dog("rex")
a = Animal.create("generic")
print(d.speak(), a.speak(), repr(d), str(d), d.kind, a.kind, Animal.count, Dog.named("fido"), isinstance(d, Animal))
print(issubclass(Dog, Animal), type(d) is Dog, type(d).__name__, Dog.__bases__, Dog.__mro__, d.__class__.__name__)
print(hasattr(d, "name"), getattr(d, "missing", "dflt"), vars(d), d.__dict__)
setattr(d, "age", 3)
del d.name
print(d.age, hasattr(d, "name"), [n for n in dir(d) if not n.startswith("_")])
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)
    def __hash__(self):
        return hash((self.x, self.y))
    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)
    def __lt__(self, other):
        return (self.x, self.y) < (other.x, other.y)
    def __repr__(self):
        return "P(%d, %d)" % (self.x, self.y)
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]
    def __iter__(self):
        yield self.x
        yield self.y
    def __contains__(self, v):
        return v in (self.x, self.y)
    def __bool__(self):
        return bool(self.x or self.y)
    def __call__(self, k):
        return self.x * k
p = Point(1, 2)
print(p + Point(3, 4), p == Point(1, 2), p != Point(0, 0), {p: 1}[Point(1, 2)], sorted([Point(2, 0), p]), len(p), p[1], list(p), 2 in p, bool(Point(0, 0)), p(10))
x, y = p
print(x, y, max(Point(1, 1), Point(0, 5)), p is p)
class NoHash:
    def __eq__(self, o):
        return True
try:
    hash(NoHash())
except TypeError as e:
    print(e)
class Temp:
    def __init__(self):
        self._c = 0
    @property
    def celsius(self):
        return self._c
    @celsius.setter
    def celsius(self, v):
        if v < -273:
            raise ValueError("too cold")
        self._c = v
t = Temp()
t.celsius = 25
print(t.celsius)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError:", e)
class Base:
    def __init__(self, **kw):
        self.kw = kw
class Mid(Base):
    def __init__(self, a, **kw):
        super().__init__(**kw)
        self.a = a
class Leaf(Mid):
    def __init__(self):
        super().__init__(1, b=2)
leaf = Leaf()
print(leaf.a, leaf.kw, Leaf.__mro__)
class Slots:
    def __getattr__(self, name):
        return "dynamic " + name
print(Slots().anything)
class WithClassAttr:
    items = []
    def add(self, x):
        self.items.append(x)
w1, w2 = WithClassAttr(), WithClassAttr()
w1.add(1)
w2.add(2)
print(WithClassAttr.items)
try:
    Point(1)
except TypeError as e:
    print(e)
try:
    p.nope
except AttributeError as e:
    print(e)
class Empty:
    pass
try:
    Empty(1)
except TypeError as e:
    print(e)
e = Empty()
e.x = 1
print(e.x, type(Empty).__name__, Empty.__name__, Empty.__qualname__, Empty.__module__)
class A1:
    def who(self):
        return "A1"
class B1(A1):
    def who(self):
        return "B1>" + super().who()
class C1(A1):
    def who(self):
        return "C1>" + super().who()
class D1(B1, C1):
    def who(self):
        return "D1>" + super().who()
print(D1().who(), [k.__name__ for k in D1.__mro__])
class Counter:
    def __init__(self):
        self.n = 0
    def __enter__(self):
        self.n += 1
        return self
    def __exit__(self, et, ev, tb):
        print("exit", et.__name__ if et else None, ev)
        return et is KeyError
with Counter() as cm:
    print("inside", cm.n)
with Counter():
    raise KeyError("swallowed")
print("after with")
=== exceptions
class AppError(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
class SubError(AppError):
    pass
try:
    raise SubError("bad thing", 42)
except AppError as e:
    print(type(e).__name__, e, e.code, e.args, repr(e), isinstance(e, Exception))
try:
    raise ValueError
except ValueError as e:
    print("bare class:", repr(e), e.args)
def risky(n):
    if n == 0:
        raise ZeroDivisionError("n is zero")
    return 10 / n
for n in [2, 0]:
    try:
        r = risky(n)
    except (TypeError, ZeroDivisionError) as e:
        print("caught", e)
    else:
        print("ok", r)
    finally:
        print("finally", n)
try:
    try:
        raise KeyError("inner")
    except KeyError as e:
        raise RuntimeError("outer") from e
except RuntimeError as e:
    print(e, repr(e.__cause__), e.__suppress_context__)
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("during")
except ValueError as e:
    print(e, type(e.__context__).__name__)
try:
    try:
        raise TypeError("re")
    except TypeError:
        raise
except TypeError as e:
    print("reraised", e)
def f():
    try:
        return "try"
    finally:
        print("finally runs")
print(f())
def g():
    for i in range(3):
        try:
            if i == 1:
                continue
            print("body", i)
        finally:
            print("fin", i)
g()
try:
    assert 1 == 2, "math broke"
except AssertionError as e:
    print("AssertionError", e)
try:
    assert False
except AssertionError as e:
    print("empty assert", repr(e))
try:
    raise OSError(2, "No such file or directory", "/x")
except FileNotFoundError as e:
    print(type(e).__name__, e.errno, e.strerror, e.filename, e)
e = FileNotFoundError(2, "nope")
print(str(e), e.errno, e.filename, isinstance(e, OSError), issubclass(FileNotFoundError, OSError))
try:
    int("abc")
except ValueError as e:
    print(e)
try:
    [].pop()
except IndexError as e:
    print(e)
try:
    None.attr
except AttributeError as e:
    print(e)
try:
    len(5)
except TypeError as e:
    print(e)
try:
    "a" + 1
except TypeError as e:
    print(e)
try:
    1 + "a"
except TypeError as e:
    print(e)
try:
    [1, 2][5]
except LookupError as e:
    print(type(e).__name__, e)
try:
    raise Exception("a", 1)
except Exception as e:
    print(str(e), e.args)
try:
    raise KeyError
except KeyError as e:
    print(repr(str(e)))
print(StopIteration(7).value, SystemExit(3).code, repr(Exception()), str(Exception()))
try:
    raise 5
except TypeError as e:
    print(e)
try:
    try:
        pass
    finally:
        raise NameError("from finally")
except NameError as e:
    print(e)
def deep(n):
    return deep(n + 1)
try:
    deep(0)
except RecursionError as e:
    print("RecursionError", e)
try:
    raise ExceptionGroup("g", [ValueError()]) if False else LookupError("plain")
except LookupError as e:
    print(e)
=== uncaught
def boom():
    raise ValueError("boom")
boom()
=== uncaught-custom
class MyErr(Exception):
    pass
raise MyErr("custom", 1)
=== builtins
print(len([1]), len("héllo"), len({}), len(range(10)), len(b"ab"))
print(list(range(0)), list(range(5, 0, -2)), range(3)[1], range(1, 10, 2)[1:3], 5 in range(0, 10, 5), list(reversed(range(3))))
print(list(enumerate("ab", 1)), list(zip([1, 2, 3], "ab")), list(map(str, [1, 2])), list(filter(lambda x: x > 1, [1, 2, 3])))
print(sorted([3, 1, 2]), sorted("bca"), sorted([(2, "b"), (1, "a")]), sorted([-3, 2, -1], key=abs), list(reversed([1, 2])))
print(min(3, 1, 2), max("abc"), min([], default=0), max([1, 5, 3], key=lambda x: -x), sum([1, 2], 10), any(x > 2 for x in [1, 3]))
print(isinstance(1, int), isinstance(True, int), isinstance(1, (str, float)), isinstance([], list), isinstance({}, dict), isinstance("s", str), isinstance(None, type(None)))
print(type(1).__name__, type(1.0).__name__, type("").__name__, type([]).__name__, type({}).__name__, type(()).__name__, type(set()).__name__, type(None).__name__)
print(int, str, type, type(int), bool(0), bool("x"), bool([]), float(3), str(3.0), tuple("ab"), list((1,)), dict(a=1), set([1, 1]))
print(hex(255), oct(8), bin(5), hex(-1), chr(65), ord("A"), abs(-5), repr("x"), callable(len), callable(1))
it = iter([1, 2])
print(next(it), next(it), next(it, "done"))
print(getattr(1, "real"), hasattr([], "append"), (5).bit_length(), (3.0).is_integer(), 1.5.as_integer_ratio(), (10).to_bytes(2, "big"))
print(divmod(7.5, 2), pow(2, 100), pow(2.0, 3), round(3.14159, 2), round(-2.5), int("-0"), float("-0"))
print(all([1, 2]), any([0, ""]), list(iter(lambda: 1, 1)), repr(...), repr(NotImplemented), slice(1, 5, 2), [1, 2, 3, 4][slice(1, 3)])
print(str.upper("x"), list.__name__, int.__name__, "a".__class__.__name__, (1).__class__ is int, ValueError.__mro__[1].__name__)
print(globals() is globals(), eval("1 + 2"), vars().get("__name__"), __name__)
exec("exec_var = 42")
print(exec_var)
try:
    next(iter([]))
except StopIteration:
    print("StopIteration")
try:
    int("12", 1)
except ValueError as e:
    print(e)
print(dir(object())[:3], type(type), isinstance(type, type), isinstance(int, type), issubclass(bool, int))
print(id(None) == id(None), hash("abc") == hash("abc"), hash(2 ** 100) == hash(2 ** 100), hash(-1), hash(0.5), hash(10**20))
=== scoping
x = "global"
def read():
    return x
def shadow():
    x = "local"
    return x
print(read(), shadow(), x)
class K:
    attr = 1
    other = attr + 1
print(K.other)
def make():
    items = []
    class Inner:
        def add(self, v):
            items.append(v)
            return items
    return Inner()
print(make().add(5))
def lazy():
    return [i for i in range(3)], [j for j in range(2)]
print(lazy())
v = [i for i in range(3)]
print("i" in globals())
def gen_scope():
    total = 10
    return list(total + k for k in range(2))
print(gen_scope())
=== with-and-del
class Res:
    def __init__(self, n):
        self.n = n
    def __enter__(self):
        print("enter", self.n)
        return self.n
    def __exit__(self, *a):
        print("exit", self.n, a[0] is None)
        return False
with Res(1) as a, Res(2) as b:
    print("body", a, b)
try:
    with Res(3):
        raise ValueError("in with")
except ValueError as e:
    print("propagated", e)
x = 1
del x
try:
    x
except NameError as e:
    print(e)
d = {"a": 1, "b": 2}
del d["a"]
l = [1, 2, 3]
del l[0], l[-1]
print(d, l)
class O:
    pass
o = O()
o.v = 1
del o.v
print(hasattr(o, "v"))
=== is-and-identity
a = [1]
b = a
print(a is b, a is not [1], None is None, 1 is not None, type(a) is list, (a == b) is True)
x = None
if x is None:
    print("x is None")
print([] == [], [] is [], {} == {}, 1 == 1.0, "a" is "a")
=== misc-syntax
x = 1; y = 2; z = x + y
print(z)
if x: print("one-liner")
for i in range(2): print(i)
total = 0
for k in (1, 2, 3): total += k
print(total)
val = (1 +
       2 +
       3)
longer = 1 + \
    2
print(val, longer, [
    1,
    2,
])
s = ("implicit "
     "concat")
print(s, 'single' "double", """triple
quoted""", r"raw\n", b"bytes" b"more")
x: int = 5
y: list[int] = [1]
def annotated(a: int, b: str = "s") -> str:
    return f"{a}{b}"
print(x, y, annotated(1))
print(0x10, 0o10, 0b10, 1_000_000, 1e3, 1.5j, .5, 5., 0xFF_FF)
print(not True, -(-1), +1, ~0, 2 ** 3 ** 2, -2 ** 2, (-2) ** 2, 10 - 2 - 3, 2 * 3 % 4)
print(1 if True else 2 if False else 3, [1, 2, 3][::2], "abc"[1:], (lambda *a, **k: (a, k))(1, x=2))
matrix = [[1, 2], [3, 4]]
print([row[i] for row in matrix for i in range(2)], [[r[i] for r in matrix] for i in range(2)])
pass
print(type(...), Ellipsis)
=== string-methods-more
print("Hello World".split("o", 1), "a-b-c".rsplit("-", 1), "  padded  ".strip().center(10, "-"), "tab\tsep".split("\t"))
print("abc".index("c"), "abcabc".rindex("b"), "ABC".lower().islower(), "mIxEd".swapcase(), "x,y".split(",", maxsplit=0))
try:
    "abc".index("z")
except ValueError as e:
    print(e)
print("%s and %s" % ("a", "b"), "%3d|%-3d|" % (5, 5), "%.2e" % 12345.6789, "%10.4f|" % 3.14159, "%s" % [1, 2], "%r" % "x")
print("{0:{1}}|".format("x", 5), "{:>{}}|".format("y", 4), "{a[0]}{b.real}".format(a=[7], b=3), "{:.3}".format("abcdef"))
print(str(3.0), str(1e100), str(-1.5e-7), repr(1.1), repr(100.0), repr(1e15), repr(1.0e16), 0.1 * 3, 1 / 7)
print(float("1.5"), float("  -2 "), float("1e500"), -float("inf"), str(float("nan")), int(1e20), int("1" * 30))
=== generators-in-builtins
def nums():
    yield 3
    yield 1
    yield 2
print(sorted(nums()), sum(nums()), max(nums()), list(zip(nums(), "abc")), dict(zip("abc", nums())), tuple(nums()), set(nums()) == {1, 2, 3})
print(", ".join(str(n) for n in nums()), list(enumerate(nums())), any(n > 2 for n in nums()), min(nums(), key=lambda n: -n))
=== type-errors
for expr in ["[] + ()", "{} + {}", "None + 1", "'a' * 'b'", "[1] < 'a'", "len(1)", "iter(1)", "1()", "{}[[]]"]:
    try:
        eval(expr)
    except TypeError as e:
        print(expr, "->", e)
=== class-scope-comprehension
class K:
    attr = 1
    values = [attr * i for i in range(3)]
=== lab-script-idioms
results = {}
config = {"host": "lab-1", "ports": [22, 80], "retries": 3}
for key, value in sorted(config.items()):
    results.setdefault(type(value).__name__, []).append(key)
print(results)
def retry(fn, times=3, *, delay=0):
    last = None
    for attempt in range(1, times + 1):
        try:
            return fn(attempt)
        except (ValueError, KeyError) as err:
            last = err
            continue
    raise RuntimeError(f"gave up after {times} tries") from last
def flaky(n):
    if n < 3:
        raise ValueError(f"attempt {n} failed")
    return "ok on %d" % n
print(retry(flaky))
try:
    retry(lambda n: {}["x"], times=2)
except RuntimeError as e:
    print(e, "|", repr(e.__cause__))
lines = "name=a\n# comment\nsize = 10\n\nflag=on".splitlines()
parsed = dict(l.split("=", 1) for l in lines if l.strip() and not l.startswith("#"))
print({k.strip(): v.strip() for k, v in parsed.items()})
table = [("alpha", 3, 1.5), ("beta", 12, 22.25)]
for name, count, ratio in table:
    print(f"{name:<8}|{count:>4}|{ratio:8.2f}|{ratio:.1%}")
print("\n".join("{:>2}. {}".format(i, n) for i, (n, *_) in enumerate(table, 1)))
class Device:
    registry = {}
    def __init__(self, name, **opts):
        self.name = name
        self.opts = opts
        Device.registry[name] = self
    def __repr__(self):
        return f"<Device {self.name} {self.opts}>"
    def __lt__(self, other):
        return self.name < other.name
Device("b", speed=1)
Device("a")
print(sorted(Device.registry.values()), len(Device.registry))
matrix = [[i * j for j in range(3)] for i in range(3)]
print(matrix, list(zip(*matrix)), [sum(r) for r in matrix], max(map(max, matrix)))
counts = {}
for ch in "mississippi":
    counts[ch] = counts.get(ch, 0) + 1
print(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
s = "  Mixed Case Text  "
print(s.strip().lower().replace(" ", "_"), s.split(), "-".join(w.capitalize() for w in s.split()))
big = 2 ** 64
print(big, big // 3, hex(big), big.bit_length(), str(big)[:5], f"{big:,}", int(str(big)) == big)
print(id([]) != 0, id(None) == id(None), isinstance(id(1), int))
paths = ["/a/b.txt", "/a/c.py", "/d/e.txt"]
print([p for p in paths if p.endswith(".txt")], {p.rsplit("/", 1)[0] for p in paths} == {"/a", "/d"})
print(any(p.startswith("/d") for p in paths), all(p[0] == "/" for p in paths), sorted(paths, key=lambda p: p[::-1])[0])
=== closures-and-decorators
def logged(fn):
    def wrapper(*args, **kwargs):
        print("calling", fn.__name__, args, kwargs)
        return fn(*args, **kwargs)
    wrapper.__name__ = fn.__name__
    return wrapper
@logged
def add(a, b=1):
    return a + b
print(add(2, b=5), add.__name__)
def repeat(n):
    def deco(fn):
        def run(*a):
            return [fn(*a) for _ in range(n)]
        return run
    return deco
@repeat(3)
def one():
    return 1
print(one())
def memo(fn):
    cache = {}
    def inner(n):
        if n not in cache:
            cache[n] = fn(n)
        return cache[n]
    return inner
@memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(80))
class Registry:
    handlers = {}
    @classmethod
    def register(cls, name):
        def deco(fn):
            cls.handlers[name] = fn
            return fn
        return deco
@Registry.register("x")
def handle_x():
    return "handled x"
print(Registry.handlers["x"]())
def counter_factory():
    counts = []
    def count():
        counts.append(1)
        return len(counts)
    return count
c1, c2 = counter_factory(), counter_factory()
c1(); c1()
print(c1(), c2())
def class_decorator(cls):
    cls.tag = "decorated"
    return cls
@class_decorator
class Tagged:
    pass
print(Tagged.tag)
=== iteration-protocols
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1
print(list(Countdown(3)), sum(Countdown(4)), [x for x in Countdown(2)])
it = iter(Countdown(2))
print(next(it), next(it), next(it, "end"))
class Seq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10
print(list(Seq()), 20 in Seq())
d = {"a": 1, "b": 2}
ks = d.keys()
d["c"] = 3
print(list(ks), len(ks), "c" in ks, list(d.values()), list(reversed(d)), list(reversed([1, 2, 3])))
e = enumerate(["x", "y"])
print(next(e), list(e))
z = zip(range(3), "abcd")
print(list(z), list(z))
g = (i for i in range(3))
print(2 in g, list(g))
=== numeric-formatting
vals = [0, 1, -1, 3.14159, -2.5, 1e10, 1.5e-7, 2 ** 70, 255, 0.1]
for v in vals:
    print(repr(v), str(v), f"{v}", "%s" % v, format(v, ""), end=" | ")
    print()
print(f"{3.0:.0f} {2.5:.0f} {3.5:.0f} {-0.5:.0f} {1/3:.3g} {12345.6789:.3g} {0.000012345:.2e} {1e-10:g} {100:x}")
print("%.2f %.0f %5.1f %-8.3f| %e %g %G %10.4e" % (2.675, 0.5, 3.14159, 2.0, 0.0001234, 1e-5, 1e20, 123.456))
print(f"{1234.5:10,.2f}|{-42:05d}|{42:+05d}|{3:*^7}|{0.25:.0%}|{7:b}|{255:o}|{-255:x}")
print(round(0.125, 2), round(0.375, 2), round(1e15 + 0.5), round(-1.5), round(7, -1), round(15, -1), round(25, -1))
print(int(1e18), int(-1e18), float(10 ** 18), 10 ** 18 == 1e18, 0.1 + 0.7, 1 - 0.9, 3 * 1.1)
print(divmod(-7, 2), divmod(7, -2), divmod(7.0, 2), -7 // 2.0, 7 % -2.0, 2 ** 0.5, 4 ** 0.5, (-8) ** (1 / 3) == (-8) ** (1 / 3))
print(float("inf") > 1e308, -float("inf") < -1e308, float("inf") == float("inf"), max(float("-inf"), -1e308))
print(True + 1, False * 3, True / 2, 7 // True, abs(True), -True, ~True, True & 3, True | 2)
=== stdlib-collections
from collections import defaultdict, Counter, OrderedDict, namedtuple, deque, ChainMap
import collections
groups = defaultdict(list)
for word in ["apple", "bob", "avocado", "cat", "banana"]:
    groups[word[0]].append(word)
print(dict(groups), groups["z"], len(groups), isinstance(groups, dict), groups.default_factory)
counts = Counter("mississippi")
print(counts.most_common(2), counts["s"], counts["zz"], sorted(counts.elements())[:4], counts.total())
counts.update("ssx")
print(counts["s"], counts["x"], Counter(a=3, b=1).most_common())
od = OrderedDict([("x", 1), ("y", 2)])
od["z"] = 3
od.move_to_end("x")
print(list(od), od.popitem(), od.popitem(last=False), od)
Point = namedtuple("Point", "x y")
p = Point(1, y=2)
print(p, p.x, p[1], tuple(p), p._asdict(), p._replace(x=5), Point._fields, p == (1, 2), len(p))
x, y = p
Cfg = namedtuple("Cfg", ["host", "port"], defaults=[22])
print(x, y, Cfg("h"), Cfg._make(["a", 1]))
d = deque([1, 2, 3], maxlen=4)
d.appendleft(0)
d.append(4)
print(d, d.popleft(), d.pop(), list(d), len(d), 2 in d)
d.rotate(1)
print(list(d))
cm = ChainMap({"a": 1}, {"a": 2, "b": 3})
print(cm["a"], cm["b"], "b" in cm, sorted(cm.keys()), collections.Counter is Counter)
dd = defaultdict(int)
for ch in "aab":
    dd[ch] += 1
print(sorted(dd.items()), repr(defaultdict(int, {"k": 1})))
=== stdlib-functools-itertools
import functools, itertools
from functools import partial, reduce, wraps, lru_cache
def power(base, exp):
    return base ** exp
square = partial(power, exp=2)
print(square(7), reduce(lambda a, b: a * b, range(1, 6)), reduce(lambda a, b: a + b, [], 0))
def deco(f):
    @wraps(f)
    def inner(*a):
        return f(*a)
    return inner
@deco
def documented():
    "doc here"
print(documented.__name__, documented.__doc__)
@lru_cache(maxsize=None)
def slow_fib(n):
    return n if n < 2 else slow_fib(n - 1) + slow_fib(n - 2)
print(slow_fib(60))
@functools.lru_cache
def ident(x):
    return x
print(ident(3), sorted([3, 1, 2], key=functools.cmp_to_key(lambda a, b: b - a)))
class Lazy:
    @functools.cached_property
    def value(self):
        print("computing")
        return 42
lz = Lazy()
print(lz.value, lz.value)
print(list(itertools.islice(itertools.count(10, 5), 3)), list(itertools.chain([1], (2, 3))), list(itertools.chain.from_iterable(["ab", "c"])))
print(list(itertools.product("ab", repeat=2)), list(itertools.permutations([1, 2, 3], 2))[:3], list(itertools.combinations("abc", 2)))
print([(k, list(g)) for k, g in itertools.groupby("aabbbc")], list(itertools.accumulate([1, 2, 3])), list(itertools.zip_longest("ab", "x", fillvalue="-")))
print(list(itertools.takewhile(lambda v: v < 3, [1, 2, 5, 1])), list(itertools.dropwhile(lambda v: v < 3, [1, 2, 5, 1])), list(itertools.repeat("r", 2)))
print(list(itertools.islice(itertools.cycle("xy"), 5)), list(itertools.starmap(pow, [(2, 3)])), list(itertools.pairwise([1, 2, 3])))
=== stdlib-dataclasses-enum-typing
from dataclasses import dataclass, field, asdict, astuple, replace, fields
from enum import Enum, IntEnum, auto
from typing import List, Dict, Optional, Any
@dataclass
class Host:
    name: str
    port: int = 22
    tags: List[str] = field(default_factory=list)
    def address(self) -> str:
        return f"{self.name}:{self.port}"
h = Host("lab")
h.tags.append("x")
print(h, h.address(), h == Host("lab", 22, ["x"]), asdict(h), astuple(h), replace(h, port=2222))
print([f.name for f in fields(h)], Host("a") != Host("b"))
@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int = 0
v = Version(1, 2)
print(v, v < Version(1, 3), sorted([Version(2), Version(1, 5)]), hash(v) == hash(Version(1, 2)))
try:
    v.major = 3
except AttributeError as e:
    print(type(e).__name__)
@dataclass
class Derived(Host):
    secure: bool = False
    def __post_init__(self):
        self.port = 443 if self.secure else self.port
print(Derived("d", secure=True))
class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = auto()
print(Color.RED, repr(Color.GREEN), Color(2), Color["BLUE"], Color.BLUE.value, Color.RED.name, list(Color), len(Color))
print(Color.RED is Color(1), isinstance(Color.RED, Color), Color.RED == Color.RED, Color.RED != Color.GREEN, Color.GREEN in Color)
try:
    Color(7)
except ValueError as e:
    print(e)
class Level(IntEnum):
    LOW = 1
    HIGH = 5
print(Level.HIGH > 3, int(Level.LOW), Level.LOW == 1, sorted([Level.HIGH, Level.LOW]), Level(5))
def f(x: Optional[int] = None, y: Dict[str, Any] = None) -> List[int]:
    return [x]
print(f(3), f.__name__)
=== stdlib-contextlib-copy-string
from contextlib import contextmanager, suppress, ExitStack, nullcontext
import copy, string
@contextmanager
def tag(name):
    print("<%s>" % name)
    try:
        yield name.upper()
    finally:
        print("</%s>" % name)
with tag("b") as t:
    print("inside", t)
try:
    with tag("err"):
        raise ValueError("inner")
except ValueError as e:
    print("caught", e)
with suppress(KeyError):
    {}["missing"]
print("after suppress")
with ExitStack() as stack:
    a = stack.enter_context(tag("one"))
    stack.callback(print, "callback ran")
    print("stack body", a)
with nullcontext(5) as n:
    print(n)
orig = {"a": [1, 2], "b": {"c": 3}}
shallow, deep = copy.copy(orig), copy.deepcopy(orig)
orig["a"].append(9)
print(shallow["a"], deep["a"], deep == {"a": [1, 2], "b": {"c": 3}})
class Obj:
    def __init__(self):
        self.items = [1]
o = Obj()
o2 = copy.deepcopy(o)
o2.items.append(2)
print(o.items, o2.items, type(o2).__name__)
print(string.ascii_lowercase[:5], string.digits, string.capwords("hello big world"), string.Template("$who likes ${what}").substitute(who="tim", what="pie"))
print(string.Template("$a $b").safe_substitute(a=1), len(string.punctuation), "x" in string.ascii_letters)
