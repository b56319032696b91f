"""One rpyc client against a Go server, over the transport named first.

Usage:
    server_client.py tcp HOST PORT [whoami]
    server_client.py unix PATH [whoami]
    server_client.py ssl HOST PORT CAFILE [CERTFILE KEYFILE] [whoami]
    server_client.py subproc PROGRAM [ARGS...]
    server_client.py refused MODE ARGS...     (expects the server to refuse)

Prints "add 42" (and "whoami NAME" when asked) from the server's root, or,
under "refused", "refused TYPE: MESSAGE" for the error the client got; it
exits 1 if a refused client was served, or a normal one was not.
"""
import sys

import rpyc
from rpyc.utils.factory import unix_connect

CFG = {"sync_request_timeout": 30}


def connect(argv):
    mode, rest = argv[0], argv[1:]
    ask = bool(rest) and rest[-1] == "whoami"
    if ask:
        rest = rest[:-1]
    if mode == "tcp":
        host, port = rest[0], int(rest[1])
        return rpyc.connect(host, port, config=CFG, ipv6=":" in host), ask
    if mode == "unix":
        return unix_connect(rest[0], config=CFG), ask
    if mode == "ssl":
        host, port, ca = rest[0], int(rest[1]), rest[2]
        cert = key = None
        if len(rest) >= 5:
            cert, key = rest[3], rest[4]
        return rpyc.ssl_connect(host, port, keyfile=key, certfile=cert, ca_certs=ca, config=CFG), ask
    if mode == "subproc":
        return rpyc.connect_subproc(rest, config=CFG), ask
    raise SystemExit("unknown mode %r" % mode)


def use(c, ask):
    r = c.root
    print("add %d" % r.add(40, 2))
    if ask:
        print("whoami %s" % r.whoami())
    c.close()


def main():
    if sys.argv[1] == "refused":
        try:
            c, ask = connect(sys.argv[2:])
            use(c, ask)
        except Exception as e:  # what the refused client sees
            print("refused %s: %s" % (type(e).__name__, e))
            return 0
        print("served: the server should have refused this client")
        return 1
    c, ask = connect(sys.argv[1:])
    use(c, ask)
    return 0


if __name__ == "__main__":
    sys.exit(main())
