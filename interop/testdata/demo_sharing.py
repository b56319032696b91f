"""Clients of the Go sharing demo: what rpyc's demos/sharing/client.py
does, from several processes at once (connect, echo, close, repeated).

Usage: demo_sharing.py HOST PORT CLIENTS ROUNDS
Prints every reply's sequence id check.
"""
import multiprocessing as mp
import sys

import rpyc

host, port = sys.argv[1], int(sys.argv[2])


def echo_rounds(rounds):
    ids = []
    for _ in range(rounds):
        conn = rpyc.connect(host, port, config={"sync_request_timeout": None})
        reply = conn.root.echo("Echo")
        conn.close()
        assert reply.startswith("Echo Reply "), reply
        ids.append(int(reply.split()[-1]))
    return ids


if __name__ == "__main__":
    clients, rounds = int(sys.argv[3]), int(sys.argv[4])
    with mp.Pool(clients) as pool:
        results = pool.map(echo_rounds, [rounds] * clients)
    ids = sorted(i for r in results for i in r)
    print("replies", len(ids))
    print("unique ids", ids == list(range(ids[0], ids[0] + len(ids))))
    conn = rpyc.connect(host, port)
    print(conn.root.echo("other"))
    conn.close()
