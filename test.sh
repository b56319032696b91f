#!/usr/bin/env bash
# The one command that runs every test of rpyc-go: formatting, vet, the
# unit and interop tests under the race detector, and a short fuzz run of
# every fuzz target. It installs Debian's python3-rpyc (the real Python
# peer of the interop tests) when it is missing. Usage: ./test.sh
set -euo pipefail
cd "$(dirname "$0")"

PY=/usr/bin/python3
FUZZTIME=${FUZZTIME:-10s}

# The real peers of the tests: Python rpyc (interop), etcd (registry
# backend), sshd (the SSH transport). Each is installed when missing.
need=()
"$PY" -c 'import rpyc' >/dev/null 2>&1 || need+=(python3-rpyc)
command -v etcd >/dev/null 2>&1 || [ -x /usr/bin/etcd ] || need+=(etcd-server)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]} (test peers)"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq "${need[@]}" </dev/null
  "$PY" -c 'import rpyc; print("python rpyc", rpyc.__version__)'
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 -timeout 12m ./...

echo "== stress (hostile peers against a real server, short form)"
go run ./bench/stress -short

echo "== fuzz (${FUZZTIME} per target)"
# Every Fuzz* target of every package, briefly; the kept corpora under
# testdata/fuzz run as plain tests above as well.
# Go's fuzz coordinator sometimes ends a run that found nothing with
# "context deadline exceeded" (a worker still busy when the time is up); such
# a run is repeated, up to three tries. A real finding ("Failing input
# written to testdata/fuzz/...") fails at once.
fuzz() {
  local pkg=$1 target=$2 try out
  for try in 1 2 3; do
    if out=$(go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=2s "$pkg" 2>&1); then
      echo "$out" | tail -n 3
      return 0
    fi
    echo "$out" | tail -n 20
    if echo "$out" | grep -q 'Failing input written' || ! echo "$out" | grep -q 'context deadline exceeded'; then
      return 1
    fi
    echo "-- fuzz run ended on the coordinator's deadline without a finding; again ($try/3)"
  done
  return 1
}
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
    echo "-- $pkg $target"
    fuzz "$pkg" "$target"
  done
done

echo "== cross-build (go vet for every OS and architecture the library supports)"
# Build and vet the library, the commands, the examples and the tests for
# Linux, macOS and Windows on amd64 and arm64: what cannot work on an OS
# is left out by build tags and fails at run time with a clear error, so
# each target must build.
for os in linux darwin windows; do
  for arch in amd64 arm64; do
    echo "-- $os/$arch"
    GOOS=$os GOARCH=$arch go vet ./...
  done
done

echo "== all tests passed"
