"""Run the language cases in CPython and write what each prints.

Usage: golden.py CASES_FILE > EXPECTED_FILE

CASES_FILE holds cases as "=== name" lines followed by code. Each case
runs in a fresh namespace; its output is what it prints, then, if an
exception escapes, a line "!! Class: message". The output file holds
"=== name" lines followed by that output. The Go test compares the
interpreter's output with this file.
"""
import io
import sys
import traceback


def cases(path):
    name, lines = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("=== "):
                if name is not None:
                    yield name, "".join(lines)
                name, lines = line[4:].strip(), []
            else:
                lines.append(line)
    if name is not None:
        yield name, "".join(lines)


def main():
    out = sys.stdout
    for name, code in cases(sys.argv[1]):
        buf = io.StringIO()
        sys.stdout = buf
        try:
            exec(code, {})
        except BaseException as e:  # noqa: B902 - the case's own exception
            last = traceback.format_exception_only(type(e), e)[-1].strip()
            buf.write("!! " + last + "\n")
        finally:
            sys.stdout = out
        out.write("=== " + name + "\n" + buf.getvalue())


main()
