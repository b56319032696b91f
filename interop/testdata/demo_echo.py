"""Client of the Go echo demo: what rpyc's demos/echo/client.py does.

Usage: demo_echo.py HOST PORT
Connects, calls echo("Echo") and echo("x"), prints both results.
"""
import sys

import rpyc

conn = rpyc.connect(sys.argv[1], int(sys.argv[2]))
print(conn.root.echo("Echo"))
print(conn.root.echo(message="x"))
conn.close()
