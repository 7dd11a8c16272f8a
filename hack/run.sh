#!/usr/bin/env bash
# `make run`: runs the operator against the current cluster (KUBECONFIG or
# ~/.kube/config), or against this worktree's local control plane when there
# is none. Installs the CRDs and the sample first. Extra operator flags: ARGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CTL="$ROOT/tests/controlplane/ctl"
OPERATOR="${OPERATOR:-$ROOT/${BUILD_DIR:-build}/clusteragent-operator}"

say() { echo "run: $*" >&2; }

if [ -n "${KUBECONFIG:-}" ]; then
  kubeconfig="$KUBECONFIG"
  say "using KUBECONFIG=$kubeconfig"
elif [ -f "$HOME/.kube/config" ]; then
  kubeconfig="$HOME/.kube/config"
  say "using $kubeconfig"
else
  say "no KUBECONFIG and no ~/.kube/config: starting the local control plane ($CTL up)"
  "$CTL" up
  kubeconfig="$ROOT/.cache/controlplane/admin.kubeconfig"
  local_control_plane=1
  say "using $kubeconfig"
fi

# The pinned kubectl when built; any kubectl otherwise.
if [ -x "$ROOT/.cache/controlplane/bin/kubectl" ]; then
  kubectl_bin=("$ROOT/.cache/controlplane/bin/kubectl")
elif command -v kubectl >/dev/null 2>&1; then
  kubectl_bin=(kubectl)
else
  "$CTL" build
  kubectl_bin=("$ROOT/.cache/controlplane/bin/kubectl")
fi
kubectl() { "${kubectl_bin[@]}" --kubeconfig "$kubeconfig" "$@"; }

# A just-established CRD may take a moment to reach kubectl's discovery.
apply_with_retry() {
  local i
  for i in 1 2 3 4 5; do
    kubectl apply -f "$1" && return 0
    sleep 2
  done
  return 1
}

# Upstream's agent needs a TLS client certificate and a CA: without
# spec.auth.clientCertSecretRef it loads Secret argocd-agent-client-tls from its
# namespace, and the operator reports CredentialsReady=False
# (ClientCertificateMissing) until it exists. For the samples' namespaces, make
# a throwaway self-signed one when there is none, so the sample comes up
# healthy; a real agent needs one issued by the principal's CA
# (`argocd-agentctl pki issue agent`). An existing Secret is never touched.
ensure_sample_client_certs() {
  local ns dir
  for ns in $(sed -n 's/^  namespace:[[:space:]]*\([a-z0-9-]*\).*/\1/p' "$@" | sort -u); do
    kubectl -n "$ns" get secret argocd-agent-client-tls >/dev/null 2>&1 && continue
    say "creating a self-signed sample client certificate: Secret $ns/argocd-agent-client-tls"
    dir="$(mktemp -d)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
      -subj "/CN=sample-agent" -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
    kubectl -n "$ns" create secret tls argocd-agent-client-tls \
      --cert="$dir/tls.crt" --key="$dir/tls.key"
    rm -rf "$dir"
    kubectl -n "$ns" annotate secret argocd-agent-client-tls \
      clusteragent.argoproj.io/sample="self-signed by hack/run.sh; replace with a real one"
  done
  # Likewise the CA that verifies the principal (argocd-agent-ca, key ca.crt,
  # as `argocd-agentctl pki propagate` writes it).
  for ns in $(sed -n 's/^  namespace:[[:space:]]*\([a-z0-9-]*\).*/\1/p' "$@" | sort -u); do
    kubectl -n "$ns" get secret argocd-agent-ca >/dev/null 2>&1 && continue
    say "creating a self-signed sample CA: Secret $ns/argocd-agent-ca"
    dir="$(mktemp -d)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
      -subj "/CN=sample-ca" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    kubectl -n "$ns" create secret generic argocd-agent-ca --from-file=ca.crt="$dir/ca.crt"
    rm -rf "$dir"
  done
}

shopt -s nullglob
crds=("$ROOT"/crds/*.yaml)
if [ ${#crds[@]} -gt 0 ]; then
  say "applying CRDs: ${crds[*]#"$ROOT/"}"
  for f in "${crds[@]}"; do kubectl apply -f "$f"; done
  for f in "${crds[@]}"; do
    kubectl wait --for=condition=Established --timeout=60s -f "$f"
  done
else
  say "no crds/*.yaml yet; skipping CRD installation"
fi

samples="$ROOT/manifests/samples"
sample_files=("$samples"/*.yaml)
if [ ${#sample_files[@]} -gt 0 ]; then
  # Namespaces first, so the objects that live in them can be created.
  for f in "${sample_files[@]}"; do
    if grep -qE '^kind:[[:space:]]*Namespace[[:space:]]*$' "$f"; then
      say "applying ${f#"$ROOT/"}"
      kubectl apply -f "$f"
    fi
  done
  for f in "${sample_files[@]}"; do
    if ! grep -qE '^kind:[[:space:]]*Namespace[[:space:]]*$' "$f"; then
      say "applying ${f#"$ROOT/"}"
      apply_with_retry "$f"
    fi
  done
  ensure_sample_client_certs "${sample_files[@]}"
else
  say "no manifests/samples/*.yaml yet; skipping the sample"
fi

[ -x "$OPERATOR" ] || { say "operator binary $OPERATOR not built (make build)"; exit 1; }

# On the local control plane nothing runs pods and no principal exists, so
# the samples can never connect. Bring up both, as the e2e tests do: upstream's
# principal (pinned in tests/argocd-agent/go.mod) on loopback, and the process
# kubelet (tests/kubelet/) running the agent image as the real argocd-agent
# binary, for one ClusterAgent pointed at that principal. LOCAL_AGENT=0 skips it.
LOCAL_NS=clusteragent-local
LOCAL_AGENT_NAME=local-agent
PRINCIPAL_NS=argocd-principal
KUBELET="$ROOT/${BUILD_DIR:-build}/process-kubelet"
kubelet_pid=""
stop_local_agent() {
  [ -z "$kubelet_pid" ] || kill "$kubelet_pid" 2>/dev/null || true
  [ -z "$kubelet_pid" ] || wait "$kubelet_pid" 2>/dev/null || true
  PRINCIPAL_NAMESPACE="$PRINCIPAL_NS" KUBECONFIG="$kubeconfig" \
    "$ROOT/tests/argocd-agent/principal" stop >/dev/null 2>&1 || true
}
start_local_agent() {
  local bin image port
  [ -x "$KUBELET" ] || { say "$KUBELET not built (make build)"; return 1; }
  say "building the pinned upstream argocd-agent if needed (first time: several minutes)"
  bin="$("$ROOT/tests/argocd-agent/build")"
  image="$(sed -n 's/.*kDefaultAgentImage = "\([^"]*\)".*/\1/p' \
    "$ROOT/reconcilers/clusteragent/agent_image.h")"
  export PRINCIPAL_NAMESPACE="$PRINCIPAL_NS"
  KUBECONFIG="$kubeconfig" "$ROOT/tests/argocd-agent/principal" start
  port="$(KUBECONFIG="$kubeconfig" "$ROOT/tests/argocd-agent/principal" env |
    sed -n 's/^export PRINCIPAL_PORT=//p')"
  kubectl get namespace "$LOCAL_NS" >/dev/null 2>&1 || kubectl create namespace "$LOCAL_NS"
  kubectl -n "$LOCAL_NS" get secret argocd-agent-client-tls >/dev/null 2>&1 ||
    KUBECONFIG="$kubeconfig" "$ROOT/tests/argocd-agent/principal" issue-agent \
      "$LOCAL_NS" "$LOCAL_AGENT_NAME" >/dev/null
  mkdir -p "$ROOT/.cache/kubelet"
  say "starting the process kubelet for namespace $LOCAL_NS (log .cache/kubelet/run.log)"
  "$KUBELET" --kubeconfig "$kubeconfig" --image "$image=$bin/argocd-agent" \
    --namespace "$LOCAL_NS" >"$ROOT/.cache/kubelet/run.log" 2>&1 &
  kubelet_pid=$!
  # The client certificate's CN is the agent's name at the principal, which
  # authenticates by certificate: auth.method mtls, no token.
  local manifest="$ROOT/.cache/kubelet/local-clusteragent.yaml"
  cat >"$manifest" <<YAML
apiVersion: argoproj.io/v1alpha1
kind: ClusterAgent
metadata:
  name: $LOCAL_AGENT_NAME
  namespace: $LOCAL_NS
spec:
  serverAddr: https://127.0.0.1:$port
  clusterName: $LOCAL_AGENT_NAME
  auth:
    method: mtls
YAML
  apply_with_retry "$manifest"
  say "ClusterAgent $LOCAL_NS/$LOCAL_AGENT_NAME points at the local principal (127.0.0.1:$port). Look at it with:"
  say "  KUBECONFIG=$kubeconfig kubectl get clusteragent -A"
  say "  KUBECONFIG=$kubeconfig kubectl wait --for=condition=Connected -n $LOCAL_NS clusteragent/$LOCAL_AGENT_NAME --timeout=180s"
}

if [ -n "${local_control_plane:-}" ] && [ "${LOCAL_AGENT:-1}" != 0 ]; then
  trap stop_local_agent EXIT
  trap 'exit 130' INT TERM
  start_local_agent || say "could not start the local principal and kubelet; the operator runs without them"
  # The local principal listens on loopback, which the operator's prober
  # refuses unless allowed (docs/security.md).
  say "running ${OPERATOR#"$ROOT/"} --kubeconfig $kubeconfig --probe-allow-cidrs=127.0.0.0/8 ${ARGS:-}"
  # shellcheck disable=SC2086 # ARGS is a flag list on purpose
  "$OPERATOR" --kubeconfig "$kubeconfig" --probe-allow-cidrs=127.0.0.0/8 ${ARGS:-} &
  operator_pid=$!
  # Ctrl-C reaches the operator itself (same process group); a SIGTERM to
  # this script is passed on. Either way the operator shuts down gracefully.
  trap 'wait $operator_pid; exit 130' INT
  trap 'kill -TERM $operator_pid 2>/dev/null; wait $operator_pid; exit 143' TERM
  wait "$operator_pid"
  exit $?
fi

say "exec ${OPERATOR#"$ROOT/"} --kubeconfig $kubeconfig ${ARGS:-}"
# shellcheck disable=SC2086 # ARGS is a flag list on purpose
exec "$OPERATOR" --kubeconfig "$kubeconfig" ${ARGS:-}
