"""Client of the Go async_client demo: what rpyc's
demos/async_client/client.py does in its working example (an async call
of function(event, block_server_thread=False), served by a background
thread, then the value), checking the order of the server's calls.

rpyc 5.3 dispatches a request while holding the connection's receive
lock, so an event.wait() that blocks inside a request stops this client
from ever receiving the set() that would release it: the demo's own
client hangs that way against the Python server as well. Here wait()
records that it was asked and returns, so the order of the server's
asynchronous calls (wait, then set) is what is checked.

Usage: demo_async_client.py HOST PORT
"""
import sys
import threading

import rpyc


class Event:
    def __init__(self):
        self._evnt = threading.Event()
        self.calls = []

    def wait(self, timeout=None):
        self.calls.append("wait")
        return self._evnt.is_set()

    def set(self):
        self.calls.append("set")
        self._evnt.set()

    def __getattr__(self, name):
        return getattr(self._evnt, name)


connection = rpyc.connect(sys.argv[1], int(sys.argv[2]), config=dict(allow_all_attrs=True))
event = Event()
_async_function = rpyc.async_(connection.root.function)
bgsrv = rpyc.BgServingThread(connection)
ares = _async_function(event, block_server_thread=False)
value = ares.value
print("function returned", value)
print("event set", event._evnt.wait(10))
print("calls", event.calls)
print("value", connection.root.fetch_value())
event.clear()
ares = _async_function(event, block_server_thread=True)
print("blocking variant returned", ares.value, event.calls[2:])
bgsrv.stop()
connection.close()
