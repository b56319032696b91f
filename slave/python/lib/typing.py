"""typing, as far as annotations in scripts need it: the names exist and
can be subscripted; nothing is checked (as in Python at run time)."""


class _Special:
    def __init__(self, name):
        self._name = name

    def __getitem__(self, params):
        return self

    def __call__(self, *args, **kwargs):
        raise TypeError("Cannot instantiate typing.%s" % self._name)

    def __repr__(self):
        return "typing." + self._name


Any = _Special("Any")
Union = _Special("Union")
Optional = _Special("Optional")
Callable = _Special("Callable")
Literal = _Special("Literal")
Final = _Special("Final")
ClassVar = _Special("ClassVar")
Annotated = _Special("Annotated")
NoReturn = _Special("NoReturn")
Never = _Special("Never")
Self = _Special("Self")
TypeAlias = _Special("TypeAlias")
Iterable = _Special("Iterable")
Iterator = _Special("Iterator")
Generator = _Special("Generator")
Sequence = _Special("Sequence")
MutableSequence = _Special("MutableSequence")
Mapping = _Special("Mapping")
MutableMapping = _Special("MutableMapping")
Collection = _Special("Collection")
Container = _Special("Container")
Hashable = _Special("Hashable")
Sized = _Special("Sized")
Reversible = _Special("Reversible")
AbstractSet = _Special("AbstractSet")
MutableSet = _Special("MutableSet")
Awaitable = _Special("Awaitable")
Coroutine = _Special("Coroutine")
IO = _Special("IO")
TextIO = _Special("TextIO")
BinaryIO = _Special("BinaryIO")
Pattern = _Special("Pattern")
Match = _Special("Match")
SupportsInt = _Special("SupportsInt")
SupportsFloat = _Special("SupportsFloat")
AnyStr = _Special("AnyStr")
List = list
Dict = dict
Tuple = tuple
Set = set
FrozenSet = frozenset
Type = type
Text = str
ByteString = bytes
TYPE_CHECKING = False


class Generic:
    def __class_getitem__(cls, params):
        return cls


class Protocol(Generic):
    pass


def TypeVar(name, *constraints, bound=None, covariant=False, contravariant=False):
    return _Special(name)


def ParamSpec(name, **kwargs):
    return _Special(name)


def NewType(name, tp):
    def new_type(x):
        return x
    new_type.__name__ = name
    return new_type


def cast(typ, val):
    return val


def overload(func):
    return func


def final(f):
    return f


def no_type_check(f):
    return f


def runtime_checkable(cls):
    return cls


def get_type_hints(obj, globalns=None, localns=None):
    return dict(getattr(obj, "__annotations__", {}))
