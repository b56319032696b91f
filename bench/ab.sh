#!/bin/bash
# A/B: the rpyc-go BENCH server and client of an older build (OLD, a
# directory holding its bench/server and bench/client binaries as
# "server" and "client") against this tree's, side by side in one run, with
# the same clients: Python's BENCH client against each server, and each
# build's Go client against its own server. Runs alternate (old, new, old,
# new...) so that a noisy machine weighs on both alike.
#
#   git worktree add /tmp/old <commit> && (cd /tmp/old && go build -o /tmp/oldbin/server ./bench/server && go build -o /tmp/oldbin/client ./bench/client)
#   OLD=/tmp/oldbin bench/ab.sh
#
# OLD=python puts Python rpyc's own BENCH server (the shared peer's
# server.py) in the old build's place: Python's client against Python's
# server and against ours, alternating rounds in one run (the Go client
# then speaks the 5.x layout to Python's server).
# Environment: OLD (required), ROUNDS=2, REPS=3, DUR=1, ONLY=b_add,f_,i_, SHARED=../shared, PY=/usr/bin/python3,
# PIN=split (servers on CPU 0, clients on CPU 1) or PIN=none (unpinned, as users run)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OLD=${OLD:?set OLD to the directory holding the old server and client binaries}
ROUNDS=${ROUNDS:-2}; REPS=${REPS:-3}; DUR=${DUR:-1}
ONLY=${ONLY:-b_add,f_,i_conc8,d_echo_1MiB}
PY=${PY:-/usr/bin/python3}
PEERS=$(cd "${SHARED:-../shared}/bench" && pwd)
OUT=${OUT:-bench/results-ab}
mkdir -p "$OUT" bench/bin
go build -o bench/bin/server ./bench/server && go build -o bench/bin/client ./bench/client || exit 1
S="taskset -c 0"; C="taskset -c 1"
command -v taskset >/dev/null || { S=""; C=""; }
[ "${PIN:-split}" = none ] && { S=""; C=""; }
run() {  # run TAG BINDIR ROUND
  local tag=$1 bin=$2 r=$3 port=18990 layout=6 cbin=$2
  if [ "$bin" = python ]; then
    cbin=$ROOT/bench/bin # this tree's Go client meets Python's server
    $S "$PY" "$PEERS/python/server.py" --port $port > "$OUT/$tag-server.log" 2>&1 &
    layout=5
  else
    $S "$bin/server" -port $port > "$OUT/$tag-server.log" 2>&1 &
  fi
  local pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
  $C "$PY" "$PEERS/python/client.py" 127.0.0.1 $port --reps "$REPS" --duration "$DUR" --only "$ONLY" > "$OUT/$tag-py-$r.json" 2>/dev/null
  $C "$cbin/client" -addr 127.0.0.1:$port -layout $layout -reps "$REPS" -duration "$DUR" -only "$ONLY" > "$OUT/$tag-go-$r.json" 2>/dev/null
  kill $pid; wait $pid 2>/dev/null
}
for r in $(seq "$ROUNDS"); do
  run old "$OLD" "$r"
  run new "$ROOT/bench/bin" "$r"
done
"$PY" - "$OUT" "$ROUNDS" <<'PYEOF'
import json, sys, os, statistics
out, rounds = sys.argv[1], int(sys.argv[2])
def load(tag, who):
    vals = {}
    for r in range(1, rounds + 1):
        try:
            d = json.load(open(os.path.join(out, "%s-%s-%d.json" % (tag, who, r))))
        except (OSError, ValueError):
            continue
        for k, v in d.get("results", {}).items():
            for m in ("calls_per_s", "MB_per_s", "callbacks_per_s"):
                if m in v:
                    vals.setdefault((k, m), []).append(v[m]["median"])
    return vals
print("| client | measurement | old | new | new/old |")
print("|---|---|---|---|---|")
for who, label in (("py", "Python client"), ("go", "Go client (own build)")):
    o, n = load("old", who), load("new", who)
    for key in sorted(set(o) & set(n)):
        a, b = statistics.median(o[key]), statistics.median(n[key])
        print("| %s | %s %s | %.0f | %.0f | %.2f× |" % (label, key[0], key[1], a, b, b / a if a else 0))
PYEOF
