"""copy: shallow and deep copies of lists, dicts, sets, tuples and
instances of classes."""


class Error(Exception):
    pass


error = Error
_atomic = (type(None), int, float, bool, complex, str, bytes, type, range, type(len), type(lambda: 0))


def copy(x):
    cls = type(x)
    if isinstance(x, _atomic) or cls is tuple or cls is frozenset:
        return x
    if hasattr(x, "__copy__"):
        return x.__copy__()
    if isinstance(x, (list, dict, set, bytearray)):
        return x.copy()
    new = object.__new__(cls)
    if hasattr(x, "__dict__"):
        new.__dict__.update(x.__dict__)
    return new


def deepcopy(x, memo=None):
    if memo is None:
        memo = {}
    key = id(x)
    if key in memo:
        return memo[key]
    cls = type(x)
    if isinstance(x, _atomic):
        return x
    if hasattr(x, "__deepcopy__"):
        y = x.__deepcopy__(memo)
    elif isinstance(x, list):
        y = []
        memo[key] = y
        y.extend(deepcopy(a, memo) for a in x)
    elif isinstance(x, dict):
        y = x.copy()
        y.clear()
        memo[key] = y
        for k, v in x.items():
            y[deepcopy(k, memo)] = deepcopy(v, memo)
    elif cls is tuple:
        y = tuple(deepcopy(a, memo) for a in x)
    elif isinstance(x, (set, frozenset)):
        y = cls(deepcopy(a, memo) for a in x)
    elif isinstance(x, bytearray):
        y = bytearray(x)
    else:
        y = object.__new__(cls)
        memo[key] = y
        if hasattr(x, "__dict__"):
            for k, v in x.__dict__.items():
                setattr(y, k, deepcopy(v, memo))
    memo[key] = y
    return y
