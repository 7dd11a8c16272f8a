#!/usr/bin/env bash
# Builds (or reuses) bench/peer's clusteragent-peer, the controller-runtime
# reconciler `make bench` compares the operator with (bench/README.md, "The
# controller-runtime peer"). Modules come through the Go module proxy
# (GOPROXY, default https://proxy.golang.org) at the versions in
# bench/peer/go.sum. The binary goes to
# .cache/bench-peer/<hash>/clusteragent-peer, where <hash> covers go.mod,
# go.sum, every source file of bench/peer and the Go version, so it is rebuilt
# only when one of them changes. Prints the binary's path on stdout, nothing
# else (build output goes to stderr).
#   GOFLAGS=-p=1 hack/build-bench-peer.sh   # on a shared machine
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
SRC="$ROOT/bench/peer"

command -v go >/dev/null || { echo "build-bench-peer: go is not installed (run hack/install-deps.sh)" >&2; exit 1; }

hash="$(
  cd "$SRC"
  {
    go env GOVERSION
    find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16
)"
OUT="$ROOT/.cache/bench-peer/$hash"
BIN="$OUT/clusteragent-peer"

if [ ! -x "$BIN" ]; then
  echo "build-bench-peer: building $BIN" >&2
  mkdir -p "$OUT"
  (cd "$SRC" && GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}" \
    go build -mod=readonly -trimpath -ldflags "-s -w" -o "$BIN.partial" .) >&2 ||
    { echo "build-bench-peer: go build failed" >&2; exit 1; }
  mv "$BIN.partial" "$BIN"
fi
echo "$BIN"
