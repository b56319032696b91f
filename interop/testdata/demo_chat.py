"""Clients of the Go chat demo: what rpyc's demos/chat/client.pyw does
(connect, login with a callback, say, logout), for two users at once.

Usage: demo_chat.py HOST PORT
"""
import sys
import threading
import time

import rpyc

host, port = sys.argv[1], int(sys.argv[2])


class User(object):
    def __init__(self, name, password):
        self.name = name
        self.lines = []
        self.cond = threading.Condition()
        self.conn = rpyc.connect(host, port)
        self.bg = rpyc.BgServingThread(self.conn)
        self.token = self.conn.root.login(name, password, self.on_message)

    def on_message(self, text):
        with self.cond:
            self.lines.append(text)
            self.cond.notify_all()

    def wait_for(self, text):
        deadline = time.time() + 10
        with self.cond:
            while text not in self.lines:
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("%s never heard %r (heard %r)" % (self.name, text, self.lines))
                self.cond.wait(left)

    def close(self):
        self.bg.stop()
        self.conn.close()


try:
    rpyc.connect(host, port).root.login("foo", "wrong", lambda t: None)
    print("bad password accepted")
    sys.exit(1)
except ValueError as e:
    print("bad password:", e)

foo = User("foo", "bar")
foo.wait_for("* Hello foo *")
spam = User("spam", "bacon")
foo.wait_for("* Hello spam *")
spam.token.say("hi there")
foo.wait_for("[spam] hi there")
spam.wait_for("[spam] hi there")
spam.token.logout()
foo.wait_for("* Goodbye spam *")
try:
    spam.token.say("again")
    print("stale token accepted")
    sys.exit(1)
except ValueError as e:
    print("stale:", e)
spam.close()
foo.close()
print("foo heard:", foo.lines)
