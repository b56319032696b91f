"""Step 5's Python client (the registry), run by python_test.go against a
Go registry and a Go server registered with it.

Usage: step5_client.py REGISTRY_HOST REGISTRY_PORT
"""
import sys

import rpyc
from rpyc.utils.registry import UDPRegistryClient

registrar = UDPRegistryClient(ip=sys.argv[1], port=int(sys.argv[2]))
c = rpyc.connect_by_service("MY", registrar=registrar)
print(c.root.get_answer())
print(len(rpyc.discover("MY", registrar=registrar)))
c.close()
