"""dataclasses: @dataclass with init, repr, eq, order and frozen, field()
with default and default_factory, __post_init__, asdict, astuple,
fields, replace."""


class _MissingType:
    def __repr__(self):
        return "MISSING"


MISSING = _MissingType()


class FrozenInstanceError(AttributeError):
    pass


class Field:
    def __init__(self, default, default_factory, init, repr, compare, hash, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.hash = hash
        self.metadata = metadata or {}
        self.kw_only = kw_only

    def __repr__(self):
        return "Field(name=%r,type=%r,default=%r,default_factory=%r,init=%r,repr=%r,compare=%r)" % (
            self.name, self.type, self.default, self.default_factory, self.init, self.repr, self.compare)


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None, compare=True,
          metadata=None, kw_only=False):
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, compare, hash, metadata, kw_only)


def _is_classvar(tp):
    try:
        import typing
    except ImportError:
        return False
    return tp is typing.ClassVar or (isinstance(tp, str) and tp.startswith("ClassVar"))


def _process(cls, init, repr_, eq, order, frozen, unsafe_hash):
    fields_ = {}
    for base in reversed(cls.__mro__[1:]):
        for f in getattr(base, "__dataclass_fields__", {}).values():
            fields_[f.name] = f
    annotations = cls.__dict__.get("__annotations__", {})
    for name, tp in annotations.items():
        if _is_classvar(tp):
            continue
        default = cls.__dict__.get(name, MISSING)
        f = default if isinstance(default, Field) else field(default=default)
        f.name, f.type = name, tp
        if isinstance(f.default, (list, dict, set)):
            raise ValueError("mutable default %s for field %s is not allowed: use default_factory" % (
                type(f.default), name))
        if f.default is MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, f.default)
        fields_[name] = f
    cls.__dataclass_fields__ = fields_
    flist = list(fields_.values())
    if init:
        ns = {"MISSING": MISSING, "_fields": fields_, "object": object}
        params, kw_params, lines = [], [], []
        seen_default = False
        for f in flist:
            if not f.init:
                if f.default_factory is not MISSING:
                    lines.append("_set(self, %r, _fields[%r].default_factory())" % (f.name, f.name))
                elif f.default is not MISSING:
                    lines.append("_set(self, %r, _fields[%r].default)" % (f.name, f.name))
                continue
            if f.default is not MISSING:
                p = "%s=_fields[%r].default" % (f.name, f.name)
                seen_default = True
            elif f.default_factory is not MISSING:
                p = "%s=MISSING" % f.name
                seen_default = True
            else:
                if seen_default and not f.kw_only:
                    raise TypeError("non-default argument %r follows default argument" % f.name)
                p = f.name
            (kw_params if f.kw_only else params).append(p)
            if f.default_factory is not MISSING:
                lines.append("_set(self, %r, _fields[%r].default_factory() if %s is MISSING else %s)" % (
                    f.name, f.name, f.name, f.name))
            else:
                lines.append("_set(self, %r, %s)" % (f.name, f.name))
        if hasattr(cls, "__post_init__"):
            lines.append("self.__post_init__()")
        sig = ", ".join(["self"] + params + (["*"] + kw_params if kw_params else []))
        ns["_set"] = object.__setattr__ if frozen else setattr
        exec("def __init__(%s):\n    %s\n" % (sig, "\n    ".join(lines or ["pass"])), ns)
        init_fn = ns["__init__"]
        init_fn.__qualname__ = cls.__qualname__ + ".__init__"
        cls.__init__ = init_fn
    if repr_:
        def __repr__(self):
            return "%s(%s)" % (type(self).__qualname__, ", ".join(
                "%s=%r" % (f.name, getattr(self, f.name)) for f in flist if f.repr))
        cls.__repr__ = __repr__
    compared = [f.name for f in flist if f.compare]

    def key(obj):
        return tuple(getattr(obj, n) for n in compared)
    if eq:
        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return key(self) == key(other)
            return NotImplemented
        cls.__eq__ = __eq__
        if not frozen and not unsafe_hash and "__hash__" not in cls.__dict__:
            cls.__hash__ = None
    if frozen or unsafe_hash:
        cls.__hash__ = lambda self: hash(key(self))
    if order:
        for name, op in (("__lt__", lambda a, b: a < b), ("__le__", lambda a, b: a <= b),
                         ("__gt__", lambda a, b: a > b), ("__ge__", lambda a, b: a >= b)):
            def cmp(self, other, op=op):
                if other.__class__ is self.__class__:
                    return op(key(self), key(other))
                return NotImplemented
            setattr(cls, name, cmp)
    if frozen:
        def __setattr__(self, name, value):
            raise FrozenInstanceError("cannot assign to field %r" % name)

        def __delattr__(self, name):
            raise FrozenInstanceError("cannot delete field %r" % name)
        cls.__setattr__ = __setattr__
        cls.__delattr__ = __delattr__
    return cls


def dataclass(cls=None, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False, frozen=False,
              match_args=True, kw_only=False, slots=False):
    def wrap(c):
        return _process(c, init, repr, eq, order, frozen, unsafe_hash)
    if cls is None:
        return wrap
    return wrap(cls)


def fields(obj):
    return tuple(f for f in getattr(obj, "__dataclass_fields__").values())


def is_dataclass(obj):
    return hasattr(obj, "__dataclass_fields__")


def asdict(obj, *, dict_factory=dict):
    if is_dataclass(obj) and not isinstance(obj, type):
        return dict_factory([(f.name, asdict(getattr(obj, f.name), dict_factory=dict_factory)) for f in fields(obj)])
    if isinstance(obj, (list, tuple)):
        return type(obj)(asdict(v, dict_factory=dict_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((asdict(k, dict_factory=dict_factory), asdict(v, dict_factory=dict_factory))
                         for k, v in obj.items())
    return obj


def astuple(obj):
    if is_dataclass(obj) and not isinstance(obj, type):
        return tuple(astuple(getattr(obj, f.name)) for f in fields(obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(astuple(v) for v in obj)
    if isinstance(obj, dict):
        return {astuple(k): astuple(v) for k, v in obj.items()}
    return obj


def replace(obj, **changes):
    for f in fields(obj):
        if f.init and f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)
