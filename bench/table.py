#!/usr/bin/python3
"""Print the figures of one bench/run.sh run side by side, and the ratios
the project tracks, as markdown.  Usage: table.py RESULTS_DIR"""
import json
import os
import sys

R = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")


def load(name):
    p = os.path.join(R, name + ".json")
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


RUNS = [  # column, file
    ("Py→Py", "py_to_py"),
    ("Py→Go", "py_to_go"),
    ("Go→Py (v5)", "go_to_py"),
    ("Go→Go v6", "go_to_go_v6"),
    ("Go→Go v5", "go_to_go_v5"),
    ("Go→Go no zlib", "go_to_go_nocomp"),
    ("net/rpc", "netrpc"),
    ("gRPC", "grpc"),
    ("raw TCP", "rawtcp"),
]
D = {name: load(name) for _, name in RUNS}


def get(run, key, metric="calls_per_s", stat="median"):
    d = D.get(run)
    try:
        return d["results"][key][metric][stat]
    except (TypeError, KeyError):
        return None


def fmt(v, unit=""):
    if v is None:
        return "–"
    if abs(v) >= 100:
        return "{:,.0f}{}".format(v, unit)
    return "{:,.1f}{}".format(v, unit)


# Rows of the figures table: label, metric, {run: key}
PY_KEYS = {"py_to_py", "py_to_go"}
GO_KEYS = {"go_to_py", "go_to_go_v6", "go_to_go_v5", "go_to_go_nocomp"}


def keys(py=None, go=None, netrpc=None, grpc=None):
    m = {}
    for r in PY_KEYS:
        if py:
            m[r] = py
    for r in GO_KEYS:
        if go:
            m[r] = go
    if netrpc:
        m["netrpc"] = netrpc
    if grpc:
        m["grpc"] = grpc
    return m


FIG = [
    ("sync add, 1 frame: CALLATTR (Go) / pre-bound `f(1,2)` (Py), calls/s", "calls_per_s",
     keys(py="b_add_bound", go="b_add_callattr", netrpc="add_sync", grpc="add_sync")),
    ("   p50 µs", "p50_us", keys(py="b_add_bound", go="b_add_callattr", netrpc="add_sync", grpc="add_sync")),
    ("sync add, pre-bound `f(1,2)` (CALL), calls/s", "calls_per_s", keys(py="b_add_bound", go="b_add_bound")),
    ("sync add as written `root.add(1,2)` (GETATTR+CALL+DEL), calls/s", "calls_per_s", keys(py="b_add", go="b_add")),
    ("   p50 µs", "p50_us", keys(py="b_add", go="b_add")),
    ("noop: CALLATTR (Go) / `root.noop()` as written (Py), calls/s", "calls_per_s", keys(py="a_noop", go="a_noop_callattr")),
    ("netref attribute `o.value`, reads/s", "calls_per_s", keys(py="c_getattr", go="c_getattr")),
    ("`o.incr()`: CALLATTR (Go) / as written (Py), calls/s", "calls_per_s", keys(py="c_incr", go="c_incr_callattr")),
    ("echo 1 MiB random, MB/s (2 MiB per call)", "MB_per_s", keys(py="d_echo_1MiB", go="d_echo_1MiB", netrpc="echo_1MiB", grpc="echo_1MiB")),
    ("echo 1 MiB zeros, MB/s", "MB_per_s", keys(py="d_echo_1MiB_zeros")),
    ("blob(16 MiB) random, recv MB/s", "MB_per_s", keys(py="e_blob_16MiB", go="e_blob_16MiB")),
    ("zeros(16 MiB), recv MB/s", "MB_per_s", keys(py="e_zeros_16MiB")),
    ("pipelined 10k async add, calls/s", "calls_per_s",
     keys(py="f_async_10k", go="f_async_10k", netrpc="add_pipelined_10k", grpc="add_concurrent_10k")),
    ("callbacks `call_back(fn, 1000)`, callbacks/s", "callbacks_per_s", keys(py="g_callbacks", go="g_callbacks")),
    ("connect + get_service_name + close, /s", "connects_per_s", keys(py="h_connect", go="h_connect")),
    ("   p50 µs", "p50_us", keys(py="h_connect", go="h_connect")),
    ("8 client processes (Py) / 8 conns (Go) × sync add, aggregate calls/s", "calls_per_s",
     keys(py="i_conc8", go="i_conc8_conns", netrpc="add_conc8", grpc="add_conc8")),
    ("8 client processes × pre-bound add (Py), aggregate calls/s", "calls_per_s", keys(py="i_conc8_bound")),
    ("8 goroutines on one connection × sync add, aggregate calls/s", "calls_per_s", keys(go="j_conc8_goroutines")),
    ("raw TCP 8-byte ping-pong, round trips/s", "calls_per_s", {"netrpc": "tcp_pingpong_8B"}),
    ("   p50 µs", "p50_us", {"netrpc": "tcp_pingpong_8B"}),
    ("raw TCP 8-byte messages, 100 in flight, round trips/s", "calls_per_s", {"rawtcp": "tcp_pipelined_8B_w100"}),
]


def cpu(run, key):
    d = D.get(run)
    try:
        r = d["results"][key]
    except (TypeError, KeyError):
        return ""
    parts = []
    for k, lab in (("server_cpu_pct", "s"), ("client_cpu_pct", "c"), ("clients_cpu_pct_total", "c")):
        if k in r:
            parts.append("%s%.0f" % (lab, r[k]["median"]))
    return " (" + "/".join(parts) + "%)" if parts else ""


print("## Figures (medians over the repetitions; CPU in parentheses: s = server, c = client(s), % of one core)")
print()
print("| measurement | " + " | ".join(c for c, _ in RUNS) + " |")
print("|---|" + "---|" * len(RUNS))
for label, metric, m in FIG:
    cells = []
    for _, run in RUNS:
        key = m.get(run)
        v = get(run, key, metric) if key else None
        c = cpu(run, key) if key and v is not None and not metric.endswith("_us") else ""
        cells.append(fmt(v) + c)
    print("| %s | %s |" % (label, " | ".join(cells)))

RATIOS = [
    # section, label, (run, key, metric) numerator, denominator, goal
    ("Python client: Go server vs Python server", None),
    ("sync call rate, pre-bound `f(1,2)`", ("py_to_go", "b_add_bound", "calls_per_s"), ("py_to_py", "b_add_bound", "calls_per_s"), 1.5),
    ("sync call rate, as written `root.add(1,2)`", ("py_to_go", "b_add", "calls_per_s"), ("py_to_py", "b_add", "calls_per_s"), 1.5),
    ("8 client processes aggregate, `root.add`", ("py_to_go", "i_conc8", "calls_per_s"), ("py_to_py", "i_conc8", "calls_per_s"), 3.0),
    ("8 client processes aggregate, pre-bound", ("py_to_go", "i_conc8_bound", "calls_per_s"), ("py_to_py", "i_conc8_bound", "calls_per_s"), 3.0),
    ("16 MiB blob", ("py_to_go", "e_blob_16MiB", "MB_per_s"), ("py_to_py", "e_blob_16MiB", "MB_per_s"), 3.0),
    ("1 MiB echo (info)", ("py_to_go", "d_echo_1MiB", "MB_per_s"), ("py_to_py", "d_echo_1MiB", "MB_per_s"), None),
    ("pipelined 10k (info)", ("py_to_go", "f_async_10k", "calls_per_s"), ("py_to_py", "f_async_10k", "calls_per_s"), None),
    ("callbacks (info)", ("py_to_go", "g_callbacks", "callbacks_per_s"), ("py_to_py", "g_callbacks", "callbacks_per_s"), None),
    ("Python server: Go client vs Python client", None),
    ("sync, pre-bound `f(1,2)` both", ("go_to_py", "b_add_bound", "calls_per_s"), ("py_to_py", "b_add_bound", "calls_per_s"), 1.0),
    ("sync, as written (GETATTR+CALL+DEL) both", ("go_to_py", "b_add", "calls_per_s"), ("py_to_py", "b_add", "calls_per_s"), 1.0),
    ("pipelined 10k", ("go_to_py", "f_async_10k", "calls_per_s"), ("py_to_py", "f_async_10k", "calls_per_s"), 1.0),
    ("1 MiB echo", ("go_to_py", "d_echo_1MiB", "MB_per_s"), ("py_to_py", "d_echo_1MiB", "MB_per_s"), 1.0),
    ("callbacks/s", ("go_to_py", "g_callbacks", "callbacks_per_s"), ("py_to_py", "g_callbacks", "callbacks_per_s"), 1.0),
    ("Go `root.add` (CALLATTR, 1 frame) vs Python `root.add` as written", ("go_to_py", "b_add_callattr", "calls_per_s"), ("py_to_py", "b_add", "calls_per_s"), 2.0),
    ("Go↔Go vs Go net/rpc", None),
    ("sync add (CALLATTR vs Arith.Add)", ("go_to_go_v6", "b_add_callattr", "calls_per_s"), ("netrpc", "add_sync", "calls_per_s"), 1.5),
    ("pipelined 10k", ("go_to_go_v6", "f_async_10k", "calls_per_s"), ("netrpc", "add_pipelined_10k", "calls_per_s"), 2.0),
    ("1 MiB echo (no zlib)", ("go_to_go_nocomp", "d_echo_1MiB", "MB_per_s"), ("netrpc", "echo_1MiB", "MB_per_s"), 1.2),
    ("1 MiB echo (default zlib on, info)", ("go_to_go_v6", "d_echo_1MiB", "MB_per_s"), ("netrpc", "echo_1MiB", "MB_per_s"), None),
    ("8 connections aggregate (info)", ("go_to_go_v6", "i_conc8_conns", "calls_per_s"), ("netrpc", "add_conc8", "calls_per_s"), None),
    ("sync add vs raw TCP ping-pong (the floor; info)", ("go_to_go_v6", "b_add_callattr", "calls_per_s"), ("netrpc", "tcp_pingpong_8B", "calls_per_s"), None),
    ("Performance goals (issue 13)", None),
    ("Go↔Go pipelined vs net/rpc", ("go_to_go_v6", "f_async_10k", "calls_per_s"), ("netrpc", "add_pipelined_10k", "calls_per_s"), 1.0),
    ("Go↔Go 8 connections aggregate vs net/rpc", ("go_to_go_v6", "i_conc8_conns", "calls_per_s"), ("netrpc", "add_conc8", "calls_per_s"), 1.0),
    ("sync add vs raw TCP ping-pong", ("go_to_go_v6", "b_add_callattr", "calls_per_s"), ("netrpc", "tcp_pingpong_8B", "calls_per_s"), 0.9),
    ("1 MiB random echo, default config vs zlib off", ("go_to_go_v6", "d_echo_1MiB", "MB_per_s"), ("go_to_go_nocomp", "d_echo_1MiB", "MB_per_s"), 0.9),
    ("Go↔Go pipelined vs the raw pipelined floor (info)", ("go_to_go_v6", "f_async_10k", "calls_per_s"), ("rawtcp", "tcp_pipelined_8B_w100", "calls_per_s"), None),
    ("Go↔Go vs gRPC-go", None),
    ("sync add", ("go_to_go_v6", "b_add_callattr", "calls_per_s"), ("grpc", "add_sync", "calls_per_s"), None),
    ("pipelined 10k (gRPC: 10k concurrent unary)", ("go_to_go_v6", "f_async_10k", "calls_per_s"), ("grpc", "add_concurrent_10k", "calls_per_s"), None),
    ("1 MiB echo (no zlib)", ("go_to_go_nocomp", "d_echo_1MiB", "MB_per_s"), ("grpc", "echo_1MiB", "MB_per_s"), None),
]

print()
print("## Ratios (median / median; range = worst min/max .. best max/min)")
for row in RATIOS:
    if row[1] is None:
        print()
        print("### " + row[0])
        print()
        print("| ratio | value | range | goal | |")
        print("|---|---|---|---|---|")
        continue
    label, num, den, goal = row
    a, b = get(*num), get(*den)
    if a is None or b is None or b == 0:
        print("| %s | – | | %s | missing data |" % (label, "≥%.1f×" % goal if goal else ""))
        continue
    r = a / b
    lo_a, hi_a = get(*num, stat="min"), get(*num, stat="max")
    lo_b, hi_b = get(*den, stat="min"), get(*den, stat="max")
    rng = "%.2f–%.2f" % (lo_a / hi_b, hi_a / lo_b) if lo_b and hi_b else ""
    verdict = ""
    if goal:
        verdict = "ok" if r >= goal else "**MISSED**"
    print("| %s | %.2f× | %s | %s | %s |" % (label, r, rng, "≥%.1f×" % goal if goal else "", verdict))
