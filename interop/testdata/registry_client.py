"""Python's discovery functions, run against a registry the Go tests start.

Usage: registry_client.py udp|tcp HOST PORT ACTION NAME [PORT2]
ACTION is one of:
  discover   print the servers of NAME, one "host:port" a line
  connect    connect_by_service(NAME) and print root.whoami()
  list       list_services(), one name a line ("FORBIDDEN" if refused)
  missing    print "NOTFOUND" if discover(NAME) raises DiscoveryError
  register   register NAME at port PORT2 (the next argument); print the result
  unregister unregister port PORT2; print the result
Every registrar names HOST explicitly: nothing is broadcast.
"""
import sys

import rpyc
from rpyc.utils.factory import DiscoveryError, ForbiddenError
from rpyc.utils.registry import TCPRegistryClient, UDPRegistryClient


def main():
    mode, host, port, action = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    name = sys.argv[5] if len(sys.argv) > 5 else ""
    if mode == "udp":
        reg = UDPRegistryClient(ip=host, port=port, ipv6=":" in host)
    else:
        reg = TCPRegistryClient(ip=host, port=port)
    if action == "discover":
        for h, p in rpyc.discover(name, registrar=reg):
            print("%s:%d" % (h, p))
    elif action == "connect":
        conn = rpyc.connect_by_service(name, registrar=reg)
        print(conn.root.whoami())
        conn.close()
    elif action == "list":
        try:
            for n in rpyc.list_services(registrar=reg):
                print(n)
        except ForbiddenError:
            print("FORBIDDEN")
    elif action == "missing":
        try:
            rpyc.discover(name, registrar=reg)
            print("FOUND")
        except DiscoveryError:
            print("NOTFOUND")
    elif action == "register":
        print(reg.register((name,), int(sys.argv[6])))
    elif action == "unregister":
        print(reg.unregister(int(sys.argv[6])))
    else:
        raise SystemExit("unknown action " + action)


if __name__ == "__main__":
    main()
