"""Step 3's Python client (callbacks and symmetry), run by python_test.go
against the Go Calculator.

Usage: step3_client.py HOST PORT
"""
import sys

import rpyc


class ClientService(rpyc.Service):
    def exposed_name(self):
        return "python"


c = rpyc.connect(sys.argv[1], int(sys.argv[2]), service=ClientService)
print(list(c.root.apply(lambda x: x * x, 1, 2, 3)))
print(c.root.greet())
c.close()
