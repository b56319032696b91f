"""abc: ABC is a plain base class and abstractmethod marks methods;
instantiating a class that leaves one abstract raises TypeError."""

ABCMeta = type


def abstractmethod(funcobj):
    funcobj.__isabstractmethod__ = True
    return funcobj


class ABC:
    def __new__(cls, *args, **kwargs):
        missing = []
        for name in dir(cls):
            attr = getattr(cls, name, None)
            if getattr(attr, "__isabstractmethod__", False):
                missing.append(name)
        if missing:
            raise TypeError("Can't instantiate abstract class %s with abstract method%s %s" % (
                cls.__name__, "s" if len(missing) > 1 else "", ", ".join(sorted(missing))))
        return object.__new__(cls)


def abstractproperty(f):
    return property(abstractmethod(f))
