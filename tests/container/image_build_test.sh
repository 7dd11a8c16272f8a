#!/usr/bin/env bash
# Builds the Containerfile with whichever container engine works here and runs
# the image: --help must exit 0 (every shared library resolves in the slim
# runtime) as UID 65532. With no usable engine it says so and exits 77, which
# CTest reports as Skipped: the image build was NOT exercised.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine=""
for candidate in podman docker; do
  if command -v "$candidate" >/dev/null 2>&1 && timeout 20 "$candidate" info >/dev/null 2>&1; then
    engine="$candidate"
    break
  fi
done
if [ -z "$engine" ]; then
  echo "image_build: SKIPPED: no usable container engine (podman/docker installed with a running" \
       "daemon); the Containerfile was not built. runtime_packages_test.sh still checks its" \
       "runtime package list against ldd."
  exit 77
fi

tag="localhost/clusteragent-operator:test-$$"
trap '"$engine" rmi -f "$tag" >/dev/null 2>&1 || true' EXIT
echo "image_build: $engine build -f Containerfile -t $tag $ROOT"
"$engine" build -f "$ROOT/Containerfile" -t "$tag" "$ROOT"
"$engine" run --rm "$tag" --help >/dev/null
uid="$("$engine" run --rm --entrypoint id "$tag" -u)"
[ "$uid" = "65532" ] || { echo "image_build: runs as UID $uid, want 65532" >&2; exit 1; }
echo "image_build: built, --help runs in the runtime image, as UID $uid"
