"""functools: partial, reduce, wraps, lru_cache/cache, cached_property,
cmp_to_key, total_ordering, singledispatch (by exact class and MRO)."""

WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__")
_missing = object()


class partial:
    def __init__(self, func, *args, **keywords):
        if not callable(func):
            raise TypeError("the first argument must be callable")
        self.func, self.args, self.keywords = func, args, keywords

    def __call__(self, *args, **keywords):
        kw = dict(self.keywords)
        kw.update(keywords)
        return self.func(*self.args, *args, **kw)

    def __repr__(self):
        parts = [repr(self.func)] + [repr(a) for a in self.args]
        parts += ["%s=%r" % kv for kv in self.keywords.items()]
        return "functools.partial(%s)" % ", ".join(parts)


def reduce(function, iterable, *initial):
    it = iter(iterable)
    if initial:
        value = initial[0]
    else:
        value = next(it, _missing)
        if value is _missing:
            raise TypeError("reduce() of empty iterable with no initial value")
    for element in it:
        value = function(value, element)
    return value


def update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=("__dict__",)):
    for attr in assigned:
        value = getattr(wrapped, attr, _missing)
        if value is not _missing:
            try:
                setattr(wrapper, attr, value)
            except (AttributeError, TypeError):
                pass
    wrapper.__wrapped__ = wrapped
    return wrapper


def wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=("__dict__",)):
    return partial(update_wrapper, wrapped=wrapped, assigned=assigned, updated=updated)


def _make_key(args, kwargs):
    key = args
    if kwargs:
        key += (_missing,)
        for item in sorted(kwargs.items()):
            key += item
    return key


def lru_cache(maxsize=128, typed=False):
    def decorating(user_function):
        cache = {}
        order = []
        stats = [0, 0]

        def wrapper(*args, **kwargs):
            key = _make_key(args, kwargs)
            if key in cache:
                stats[0] += 1
                return cache[key]
            stats[1] += 1
            result = user_function(*args, **kwargs)
            cache[key] = result
            if maxsize is not None:
                order.append(key)
                if len(order) > maxsize:
                    del cache[order.pop(0)]
            return result

        def cache_clear():
            cache.clear()
            order.clear()
            stats[0] = stats[1] = 0

        def cache_info():
            return (stats[0], stats[1], maxsize, len(cache))

        wrapper.cache_clear = cache_clear
        wrapper.cache_info = cache_info
        return update_wrapper(wrapper, user_function)

    if callable(maxsize) and not isinstance(maxsize, int):
        user_function, maxsize = maxsize, 128
        return decorating(user_function)
    return decorating


def cache(user_function):
    return lru_cache(maxsize=None)(user_function)


class cached_property:
    def __init__(self, func):
        self.func = func
        self.attrname = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.attrname] = value
        return value


def cmp_to_key(mycmp):
    class K:
        __slots__ = ["obj"]

        def __init__(self, obj):
            self.obj = obj

        def __lt__(self, other):
            return mycmp(self.obj, other.obj) < 0

        def __gt__(self, other):
            return mycmp(self.obj, other.obj) > 0

        def __eq__(self, other):
            return mycmp(self.obj, other.obj) == 0

        def __le__(self, other):
            return mycmp(self.obj, other.obj) <= 0

        def __ge__(self, other):
            return mycmp(self.obj, other.obj) >= 0

        __hash__ = None
    return K


def total_ordering(cls):
    ops = [name for name in ("__lt__", "__le__", "__gt__", "__ge__") if name in cls.__dict__]
    if not ops:
        raise ValueError("must define at least one ordering operation: < > <= >=")
    root = ops[0]
    derived = {
        "__lt__": {"__gt__": lambda s, o: not (s < o or s == o), "__le__": lambda s, o: s < o or s == o,
                   "__ge__": lambda s, o: not s < o},
        "__le__": {"__ge__": lambda s, o: not s <= o or s == o, "__lt__": lambda s, o: s <= o and not s == o,
                   "__gt__": lambda s, o: not s <= o},
        "__gt__": {"__lt__": lambda s, o: not (s > o or s == o), "__ge__": lambda s, o: s > o or s == o,
                   "__le__": lambda s, o: not s > o},
        "__ge__": {"__le__": lambda s, o: not s >= o or s == o, "__gt__": lambda s, o: s >= o and not s == o,
                   "__lt__": lambda s, o: not s >= o},
    }[root]
    for name, fn in derived.items():
        if name not in ops:
            setattr(cls, name, fn)
    return cls


def singledispatch(func):
    registry = {object: func}

    def dispatch(cls):
        for k in cls.__mro__:
            if k in registry:
                return registry[k]
        return func

    def register(cls, f=None):
        if f is None:
            if isinstance(cls, type):
                return lambda f: register(cls, f)
            f, cls = cls, list(cls.__annotations__.values())[0]
        registry[cls] = f
        return f

    def wrapper(*args, **kw):
        return dispatch(type(args[0]))(*args, **kw)

    wrapper.register = register
    wrapper.dispatch = dispatch
    wrapper.registry = registry
    return update_wrapper(wrapper, func)
