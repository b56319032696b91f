"""string: the constants, capwords and Template."""

whitespace = " \t\n\r\v\f"
ascii_lowercase = "abcdefghijklmnopqrstuvwxyz"
ascii_uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ascii_letters = ascii_lowercase + ascii_uppercase
digits = "0123456789"
hexdigits = digits + "abcdef" + "ABCDEF"
octdigits = "01234567"
punctuation = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
printable = digits + ascii_letters + punctuation + whitespace


def capwords(s, sep=None):
    return (sep or " ").join(word.capitalize() for word in s.split(sep))


class Template:
    delimiter = "$"

    def __init__(self, template):
        self.template = template

    def _sub(self, mapping, safe):
        out = []
        s = self.template
        i = 0
        while i < len(s):
            c = s[i]
            if c != "$":
                out.append(c)
                i += 1
                continue
            if s[i + 1:i + 2] == "$":
                out.append("$")
                i += 2
                continue
            if s[i + 1:i + 2] == "{":
                end = s.find("}", i)
                if end < 0:
                    raise ValueError("Invalid placeholder in string")
                name, nxt = s[i + 2:end], end + 1
            else:
                j = i + 1
                while j < len(s) and (s[j].isalnum() or s[j] == "_"):
                    j += 1
                name, nxt = s[i + 1:j], j
            if not name.isidentifier():
                if safe:
                    out.append(s[i:nxt])
                    i = nxt
                    continue
                raise ValueError("Invalid placeholder in string")
            if name in mapping:
                out.append(str(mapping[name]))
            elif safe:
                out.append(s[i:nxt])
            else:
                raise KeyError(name)
            i = nxt
        return "".join(out)

    def substitute(self, mapping=None, **kws):
        m = dict(mapping or {})
        m.update(kws)
        return self._sub(m, False)

    def safe_substitute(self, mapping=None, **kws):
        m = dict(mapping or {})
        m.update(kws)
        return self._sub(m, True)
