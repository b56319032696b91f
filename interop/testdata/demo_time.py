"""Client of the Go time demo: what rpyc's demos/time/client.py does,
with the registry named instead of broadcast.

Usage: demo_time.py REGISTRY_HOST REGISTRY_PORT
Finds the TIME service through the UDP registry and prints its time.
"""
import sys
import time

import rpyc
from rpyc.utils.registry import UDPRegistryClient

registrar = UDPRegistryClient(ip=sys.argv[1], port=int(sys.argv[2]))
deadline = time.time() + 10
while True:
    try:
        c = rpyc.connect_by_service("TIME", registrar=registrar)
        break
    except rpyc.utils.factory.DiscoveryError:
        if time.time() > deadline:
            raise
        time.sleep(0.2)
print("server's time is", c.root.get_time())
utc = c.root.get_utc()
print("utc is a float near ours:", isinstance(utc, float) and abs(utc - time.time()) < 60)
c.close()
