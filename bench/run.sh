#!/bin/bash
# Builds the BENCH servers and clients and runs them side by side, in one
# run, on loopback: Python rpyc, rpyc-go, Go net/rpc and gRPC-go. Results go
# to $OUT/<name>.json (per-repetition lines in <name>.log); the table of
# figures and ratios is printed at the end and kept in $OUT/table.md.
#
# Usage (from anywhere):  bench/run.sh
# Environment:
#   REPS=3 DUR=1        repetitions per measurement, seconds per timed loop
#   PIN=both            the whole run twice, pinned (split: servers on CPU 0,
#                       clients on CPU 1, each Go process then runs with
#                       GOMAXPROCS 1) and unpinned (none: the configuration
#                       users run), tables side by side; PIN=split or
#                       PIN=none runs one
#   SYSCALLS=0          with PIN=both, skip counting the servers' system
#                       calls per call and per connection (bench/syscalls,
#                       which needs strace: apt-get install strace)
#   SHARED=../shared    the shared peers, relative to the repo root (the
#                       peers are in $SHARED/bench); missing ones are skipped
#   PY=/usr/bin/python3 a Python with rpyc 5.x
#   OUT=bench/results   where results go (relative to the repo root)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
REPS=${REPS:-3}
DUR=${DUR:-1}
PY=${PY:-/usr/bin/python3}
SHARED=${SHARED:-../shared}
PEERS=$(cd "$ROOT" && cd "$SHARED/bench" 2>/dev/null && pwd)
OUT=${OUT:-bench/results}
BIN=$ROOT/bench/bin
mkdir -p "$OUT" "$BIN"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/*.json "$OUT"/*.log

PIN=${PIN:-both}
if [ "$PIN" = both ]; then
  # Each half writes its own results; the tables are printed together.
  BASE=$OUT
  for p in split none; do
    PIN=$p OUT="$BASE/$p" SYSCALLS=0 "$0" >/dev/null || exit 1
  done
  for p in split none; do
    echo; echo "### PIN=$p"; echo; cat "$BASE/$p/table.md"
  done | tee "$BASE/table.md"
  if [ "${SYSCALLS:-1}" = 1 ]; then
    echo; go run ./bench/syscalls -pin none | tee "$BASE/syscalls.md"
  fi
  exit 0
fi
S=""; C=""
if [ "$PIN" = split ]; then
  if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    S="taskset -c 0"; C="taskset -c 1"
  else
    echo "note: no taskset or fewer than 2 CPUs: running unpinned" >&2; PIN=none
  fi
fi

note() { echo "== $*" >&2; }

# ------------------------------------------------------------------ build
note "building rpyc-go bench server and client"
go build -o "$BIN/server" ./bench/server && go build -o "$BIN/client" ./bench/client && go build -o "$BIN/rawtcp" ./bench/rawtcp || exit 1
HAVE_PY=0; HAVE_NETRPC=0; HAVE_GRPC=0
if [ -z "$PEERS" ]; then
  echo "SKIP: no shared peers at $SHARED/bench (set SHARED=...): Python, net/rpc and gRPC peers skipped" >&2
else
  if [ -f "$PEERS/python/server.py" ] && "$PY" -c 'import rpyc' 2>/dev/null; then HAVE_PY=1
  else echo "SKIP: Python peer ($PEERS/python, $PY with rpyc) not available" >&2; fi
  if [ -d "$PEERS/go-netrpc" ]; then
    note "building Go net/rpc peer"
    if (cd "$PEERS/go-netrpc" && go build -o "$BIN/netrpc-server" ./cmd/server && go build -o "$BIN/netrpc-client" ./cmd/client); then HAVE_NETRPC=1
    else echo "SKIP: go-netrpc did not build" >&2; fi
  else echo "SKIP: no $PEERS/go-netrpc" >&2; fi
  if [ -d "$PEERS/go-grpc" ]; then
    note "building gRPC-go peer (may download modules)"
    if (cd "$PEERS/go-grpc" && go build -o "$BIN/grpc-server" ./cmd/server && go build -o "$BIN/grpc-client" ./cmd/client); then HAVE_GRPC=1
    else echo "SKIP: go-grpc did not build (module proxy unreachable?)" >&2; fi
  else echo "SKIP: no $PEERS/go-grpc" >&2; fi
fi

# ------------------------------------------------------------------ servers
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; PIDS=(); }
trap cleanup EXIT

SERVER_PID=0
start() {  # start NAME PORT CMD...: runs a server and waits for its port
  local name=$1 port=$2; shift 2
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "port $port is already in use: cannot start $name" >&2; return 1
  fi
  $S "$@" > "$OUT/$name.server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server $name did not come up on $port" >&2; return 1
}
stop() { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; PIDS=(); }

pyclient() {  # pyclient NAME PORT [args]
  local name=$1 port=$2; shift 2
  note "$name: Python client -> 127.0.0.1:$port"
  $C "$PY" "$PEERS/python/client.py" 127.0.0.1 "$port" --reps "$REPS" --duration "$DUR" "$@" \
    > "$OUT/$name.json" 2> "$OUT/$name.log" || { echo "FAILED: $name (see $OUT/$name.log)" >&2; tail -20 "$OUT/$name.log" >&2; }
}
goclient() {  # goclient NAME PORT [args]
  local name=$1 port=$2; shift 2
  note "$name: Go client -> 127.0.0.1:$port $*"
  $C "$BIN/client" -addr "127.0.0.1:$port" -reps "$REPS" -duration "$DUR" "$@" \
    > "$OUT/$name.json" 2> "$OUT/$name.log" || { echo "FAILED: $name (see $OUT/$name.log)" >&2; tail -20 "$OUT/$name.log" >&2; }
}

T0=$(date +%s)
# (a) Python -> Python and (c) Go -> Python, default rpyc config (zlib on)
if [ $HAVE_PY = 1 ]; then
  if start py_server 18861 "$PY" "$PEERS/python/server.py" --port 18861; then
    pyclient py_to_py 18861
    goclient go_to_py 18861 -layout 5
    stop
  fi
fi
# (b) Python -> Go and (d) Go -> Go (both layouts), default config (zlib on)
if start go_server 18862 "$BIN/server" -port 18862; then
  [ $HAVE_PY = 1 ] && pyclient py_to_go 18862
  goclient go_to_go_v6 18862 -layout 6
  goclient go_to_go_v5 18862 -layout 5 -only b_,d_,f_,g_
  stop
fi
# (d') Go -> Go with compression off on both ends: the like-for-like
# comparison with net/rpc and gRPC, which do not compress
if start go_server_nocomp 18864 "$BIN/server" -port 18864 -no-compress; then
  goclient go_to_go_nocomp 18864 -layout 6 -no-compress -only d_,e_
  stop
fi
# (e, f) Go net/rpc (with the raw TCP ping-pong floor) and gRPC-go
if [ $HAVE_NETRPC = 1 ] && start netrpc 18870 "$BIN/netrpc-server" -port 18870 -pingport 18871; then
  note "netrpc: net/rpc client and raw TCP ping-pong"
  $C "$BIN/netrpc-client" -port 18870 -pingport 18871 -reps "$REPS" -duration "${DUR}s" \
    > "$OUT/netrpc.json" 2> "$OUT/netrpc.log" || echo "FAILED: netrpc (see $OUT/netrpc.log)" >&2
  stop
fi
if [ $HAVE_GRPC = 1 ] && start grpc 18880 "$BIN/grpc-server" -port 18880; then
  note "grpc: gRPC-go client"
  $C "$BIN/grpc-client" -port 18880 -server-pid "$SERVER_PID" -reps "$REPS" -duration "${DUR}s" \
    > "$OUT/grpc.json" 2> "$OUT/grpc.log" || echo "FAILED: grpc (see $OUT/grpc.log)" >&2
  stop
fi
# (g) the raw TCP floor with pipelining: 8-byte messages, 100 in flight
if start rawtcp 18890 "$BIN/rawtcp" -serve -port 18890; then
  note "rawtcp: pipelined 8-byte messages, window 100"
  $C "$BIN/rawtcp" -port 18890 -window 100 -reps "$REPS" -duration "${DUR}s" \
    > "$OUT/rawtcp.json" 2> "$OUT/rawtcp.log" || echo "FAILED: rawtcp (see $OUT/rawtcp.log)" >&2
  stop
fi
note "measured in $(( $(date +%s) - T0 ))s (PIN=$PIN, REPS=$REPS, DUR=${DUR}s)"

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPUs ($(uname -m)), loopback, PIN=$PIN, REPS=$REPS, DUR=${DUR}s"
  echo
  "$PY" "$ROOT/bench/table.py" "$OUT"
} | tee "$OUT/table.md"
