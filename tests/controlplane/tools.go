//go:build tools

// Package controlplane pins the Kubernetes and etcd releases whose binaries
// the tests run. It only exists so that `go build` can resolve
// k8s.io/kubernetes, whose staging modules must be replaced in the main module.
package controlplane

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
