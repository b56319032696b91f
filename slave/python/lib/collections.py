"""collections: defaultdict, Counter and OrderedDict (dicts), namedtuple,
deque and ChainMap."""
from _collections import defaultdict, Counter, OrderedDict


class _NamedTuple:
    __slots__ = ()

    def __getitem__(self, i):
        return self._values[i]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __eq__(self, other):
        if isinstance(other, _NamedTuple):
            return self._values == other._values
        return isinstance(other, tuple) and self._values == other

    def __ne__(self, other):
        return not self == other

    def __lt__(self, other):
        return self._values < tuple(other)

    def __hash__(self):
        return hash(self._values)

    def __contains__(self, x):
        return x in self._values

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join(
            "%s=%r" % (f, v) for f, v in zip(self._fields, self._values)))

    def __add__(self, other):
        return self._values + tuple(other)

    def _asdict(self):
        return dict(zip(self._fields, self._values))

    def _replace(self, **changes):
        values = [changes.pop(f, v) for f, v in zip(self._fields, self._values)]
        if changes:
            raise ValueError("Got unexpected field names: %r" % list(changes))
        return type(self)(*values)

    def count(self, x):
        return self._values.count(x)

    def index(self, x):
        return self._values.index(x)

    @classmethod
    def _make(cls, iterable):
        return cls(*iterable)


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    field_names = [str(f) for f in field_names]
    seen = set()
    for i, name in enumerate(field_names):
        bad = not name.isidentifier() or name.startswith("_") or name in seen
        if bad:
            if not rename:
                raise ValueError("Invalid field name: %r" % name)
            field_names[i] = "_%d" % i
        seen.add(field_names[i])
    defaults = tuple(defaults or ())
    if len(defaults) > len(field_names):
        raise TypeError("Got more default values than field names")
    params = []
    first_default = len(field_names) - len(defaults)
    for i, name in enumerate(field_names):
        params.append(name if i < first_default else "%s=_defaults[%d]" % (name, i - first_default))
    ns = {"_defaults": defaults}
    exec("def __init__(self, %s):\n    self._values = (%s)\n" % (
        ", ".join(params), "".join(f + ", " for f in field_names)), ns)
    body = {"__init__": ns["__init__"], "_fields": tuple(field_names), "_field_defaults":
            dict(zip(field_names[first_default:], defaults)), "__module__": module or "builtins"}
    for i, name in enumerate(field_names):
        body[name] = property(lambda self, i=i: self._values[i])
    return type(typename, (_NamedTuple,), body)


class deque:
    def __init__(self, iterable=(), maxlen=None):
        self._items = []
        self.maxlen = maxlen
        self.extend(iterable)

    def _trim(self, left):
        if self.maxlen is not None:
            while len(self._items) > self.maxlen:
                if left:
                    self._items.pop(0)
                else:
                    self._items.pop()

    def append(self, x):
        self._items.append(x)
        self._trim(True)

    def appendleft(self, x):
        self._items.insert(0, x)
        self._trim(False)

    def extend(self, iterable):
        for x in iterable:
            self.append(x)

    def extendleft(self, iterable):
        for x in iterable:
            self.appendleft(x)

    def pop(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop()

    def popleft(self):
        if not self._items:
            raise IndexError("pop from an empty deque")
        return self._items.pop(0)

    def rotate(self, n=1):
        if self._items:
            n %= len(self._items)
            self._items[:] = self._items[-n:] + self._items[:-n]

    def clear(self):
        self._items.clear()

    def count(self, x):
        return self._items.count(x)

    def remove(self, x):
        self._items.remove(x)

    def reverse(self):
        self._items.reverse()

    def copy(self):
        return deque(self._items, self.maxlen)

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(list(self._items))

    def __reversed__(self):
        return reversed(list(self._items))

    def __getitem__(self, i):
        return self._items[i]

    def __setitem__(self, i, v):
        self._items[i] = v

    def __contains__(self, x):
        return x in self._items

    def __bool__(self):
        return bool(self._items)

    def __eq__(self, other):
        return isinstance(other, deque) and self._items == other._items

    def __repr__(self):
        if self.maxlen is None:
            return "deque(%r)" % (self._items,)
        return "deque(%r, maxlen=%d)" % (self._items, self.maxlen)


class ChainMap:
    def __init__(self, *maps):
        self.maps = list(maps) or [{}]

    def __getitem__(self, key):
        for m in self.maps:
            if key in m:
                return m[key]
        raise KeyError(key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __contains__(self, key):
        return any(key in m for m in self.maps)

    def __setitem__(self, key, value):
        self.maps[0][key] = value

    def __delitem__(self, key):
        del self.maps[0][key]

    def __len__(self):
        return len(set().union(*self.maps))

    def __iter__(self):
        seen = {}
        for m in reversed(self.maps):
            seen.update(dict.fromkeys(m))
        return iter(seen)

    def keys(self):
        return list(self)

    def items(self):
        return [(k, self[k]) for k in self]

    def values(self):
        return [self[k] for k in self]

    def new_child(self, m=None):
        return ChainMap(m if m is not None else {}, *self.maps)

    def __repr__(self):
        return "ChainMap(%s)" % ", ".join(map(repr, self.maps))
