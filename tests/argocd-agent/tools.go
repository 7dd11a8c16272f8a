//go:build tools

// Package argocdagent pins the upstream argocd-agent release whose binaries the
// tests run (the agent the operator deploys, and a principal for it to talk to).
package argocdagent

import (
	_ "github.com/argoproj-labs/argocd-agent/cmd/argocd-agent"
	_ "github.com/argoproj-labs/argocd-agent/cmd/ctl"
)
