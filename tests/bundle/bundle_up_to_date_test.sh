#!/usr/bin/env bash
# The committed OLM bundle (manifests/bundle) is exactly what `make bundle`
# writes from today's manifests/base, crds/ and samples: regenerate into a
# temporary directory and diff. A difference means someone changed a manifest
# and forgot `make bundle` (or hand-edited the bundle).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v go >/dev/null 2>&1; then
  echo "bundle_up_to_date: go is not installed (make deps installs it)" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$ROOT/hack/generate-bundle.sh" "$tmp/bundle"
if ! diff -ru "$ROOT/manifests/bundle" "$tmp/bundle"; then
  echo "bundle_up_to_date: manifests/bundle is stale: run 'make bundle' and commit the result" >&2
  exit 1
fi
echo "bundle_up_to_date: manifests/bundle matches hack/generate-bundle.sh output"
