"""Step 2's Python client, run by python_test.go against the Go server.

Usage: step2_client.py HOST PORT
"""
import sys

import rpyc

c = rpyc.connect(sys.argv[1], int(sys.argv[2]))
print(c.root.get_answer(), c.root.get_service_name())
print(c.root.get_question())
c.close()
