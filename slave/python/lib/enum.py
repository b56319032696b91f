"""enum: Enum, IntEnum, Flag and IntFlag (members, lookup by value and by
name, iteration over the class, auto), unique."""


class auto:
    _counter = 0

    def __init__(self):
        auto._counter += 1
        self._order = auto._counter


def unique(enumeration):
    seen = {}
    for name, member in enumeration.__members__.items():
        if member.value in seen and seen[member.value] != name:
            raise ValueError("duplicate values found in %r: %s -> %s" % (enumeration, name, seen[member.value]))
        seen.setdefault(member.value, name)
    return enumeration


def _is_member_name(name, value):
    if name.startswith("_"):
        return False
    return not (callable(value) or isinstance(value, (property, staticmethod, classmethod)))


class Enum:
    def __init_subclass__(cls, **kwargs):
        members = {}
        by_value = {}
        last = 0
        for name, value in list(cls.__dict__.items()):
            if not _is_member_name(name, value):
                continue
            if isinstance(value, auto):
                value = cls._generate_next_value_(name, 1, len(members), [m._value_ for m in members.values()])
            if value in by_value:
                member = by_value[value]
            else:
                member = object.__new__(cls)
                member._name_ = name
                member._value_ = value
                by_value[value] = member
            members[name] = member
            setattr(cls, name, member)
        cls._member_map_ = members
        cls._value2member_map_ = by_value
        cls.__members__ = dict(members)

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        for v in reversed(last_values):
            if isinstance(v, int):
                return v + 1
        return start

    def __new__(cls, value):
        if isinstance(value, cls):
            return value
        try:
            return cls._value2member_map_[value]
        except (KeyError, TypeError):
            pass
        raise ValueError("%r is not a valid %s" % (value, cls.__qualname__))

    def __init__(self, *args):
        pass

    @classmethod
    def __class_getitem__(cls, name):
        return cls._member_map_[name]

    @classmethod
    def __class_iter__(cls):
        seen = []
        for m in cls._member_map_.values():
            if m not in seen:
                seen.append(m)
        return iter(seen)

    @classmethod
    def __class_len__(cls):
        return len(set(id(m) for m in cls._member_map_.values()))

    @classmethod
    def __class_contains__(cls, member):
        return isinstance(member, cls) and member._name_ in cls._member_map_

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return self._value_

    def __repr__(self):
        return "<%s.%s: %r>" % (type(self).__name__, self._name_, self._value_)

    def __str__(self):
        return "%s.%s" % (type(self).__name__, self._name_)

    def __format__(self, spec):
        return format(str(self), spec)

    def __hash__(self):
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return self.__class__, (self._value_,)


class _IntValued:
    """Members that are ints: compared, hashed and converted as their value."""

    def __int__(self):
        return self._value_

    def __index__(self):
        return self._value_

    def __eq__(self, other):
        if isinstance(other, Enum):
            return self is other
        return self._value_ == other

    def __hash__(self):
        return hash(self._value_)


class IntEnum(_IntValued, Enum):
    def __lt__(self, other):
        return self._value_ < int(other)

    def __le__(self, other):
        return self._value_ <= int(other)

    def __gt__(self, other):
        return self._value_ > int(other)

    def __ge__(self, other):
        return self._value_ >= int(other)

    def __add__(self, other):
        return self._value_ + other

    def __str__(self):
        return str(self._value_)

    def __format__(self, spec):
        return format(self._value_, spec)


class StrEnum(Enum):
    def __str__(self):
        return self._value_

    def __eq__(self, other):
        if isinstance(other, Enum):
            return self is other
        return self._value_ == other

    def __hash__(self):
        return hash(self._value_)

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class Flag(Enum):
    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        high = 0
        for v in last_values:
            high = max(high, v)
        return 1 if high == 0 else high * 2

    def __or__(self, other):
        return self._value_ | int(other._value_ if isinstance(other, Enum) else other)

    def __and__(self, other):
        return self._value_ & int(other._value_ if isinstance(other, Enum) else other)

    def __contains__(self, other):
        return other._value_ & self._value_ == other._value_


class IntFlag(_IntValued, Flag):
    pass
