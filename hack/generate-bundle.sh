#!/usr/bin/env bash
# `make bundle`: (re)writes the OLM bundle in manifests/bundle (or the directory
# given as $1) from manifests/base, crds/ and manifests/samples, with the Go
# tool in hack/bundle. tests/bundle checks the committed bundle is what this
# writes, so run it after changing any of those and commit the result.
#   BUNDLE_VERSION  CSV version (default 0.1.0)
#   IMG             operator image (default quay.io/argoprojlabs/clusteragent-operator:v$BUNDLE_VERSION)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$ROOT/manifests/bundle}"
version="${BUNDLE_VERSION:-0.1.0}"
image="${IMG:-quay.io/argoprojlabs/clusteragent-operator:v$version}"
# The operator's --agent-image default: the image every ClusterAgent without
# spec.image runs, so disconnected mirrors must carry it too.
agent_image="$(sed -n 's/.*kDefaultAgentImage = "\([^"]*\)".*/\1/p' "$ROOT/reconcilers/clusteragent/agent_image.h")"
[ -n "$agent_image" ] || { echo "generate-bundle: no kDefaultAgentImage in reconcilers/clusteragent/agent_image.h" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
# Only what the tool writes is replaced; a stale file would otherwise linger.
rm -rf "$out/manifests" "$out/metadata" "$out/bundle.Dockerfile"
cd "$ROOT/hack/bundle"
go run . --root "$ROOT" --out "$out" --version "$version" --image "$image" --agent-image "$agent_image"
