"""A Python service with documented methods and plain attributes, for
`rpyc info` and `rpyc get`.

Usage: cli_service.py
Serves on 127.0.0.1 (free port) and prints "listening on 127.0.0.1:PORT".
"""
import rpyc
from rpyc.utils.server import ThreadedServer


class Limits:
    exposed_max_rows = 1000


class DocumentedService(rpyc.Service):
    ALIASES = ["DOCUMENTED", "DOCS"]
    exposed_version = "1.2.3"
    exposed_limits = Limits()

    def exposed_scale(self, x, factor=2):
        """scale(x, factor=2) -> x * factor

        Multiplies; the first line is what rpyc info shows.
        """
        return x * factor

    def exposed_undocumented(self):
        return None

    def not_exposed(self):
        """never listed"""


if __name__ == "__main__":
    srv = ThreadedServer(DocumentedService, hostname="127.0.0.1", port=0)
    print("listening on 127.0.0.1:%d" % srv.port, flush=True)
    srv.start()
