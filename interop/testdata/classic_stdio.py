"""Debian's rpyc_classic in stdio mode (rpyc_classic -q -m stdio), for
ConnectSubproc tests that run it through rpyc6_layout.py."""
import sys

from rpyc.cli.rpyc_classic import main

sys.argv = ["rpyc_classic", "-q", "-m", "stdio"]
main()
