package main

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

func TestRequestVerb(t *testing.T) {
	cases := []struct{ method, url, want string }{
		{"GET", "/api/v1/namespaces/ns/secrets", "LIST"},
		{"GET", "/api/v1/namespaces/ns/secrets?watch=true&resourceVersion=5", "WATCH"},
		{"GET", "/api/v1/namespaces/ns/secrets/tok", "GET"},
		{"GET", "/api/v1/namespaces", "LIST"},
		{"GET", "/api/v1/namespaces/ns", "GET"},
		{"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles?labelSelector=a%3Db", "LIST"},
		{"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles?watch=true", "WATCH"},
		{"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x", "GET"},
		{"GET", "/apis/argoproj.io/v1alpha1/namespaces/ns/clusteragents/a/status", "GET"},
		{"GET", "/apis/argoproj.io/v1alpha1/clusteragents", "LIST"},
		{"GET", "/apis/apps/v1/watch/namespaces/ns/deployments", "WATCH"},
		{"GET", "/apis/apps/v1", "GET"},
		{"GET", "/api", "GET"},
		{"GET", "/version", "GET"},
		{"PATCH", "/apis/argoproj.io/v1alpha1/namespaces/ns/clusteragents/a/status", "PATCH"},
		{"POST", "/api/v1/namespaces/ns/events", "POST"},
		{"DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/x", "DELETE"},
	}
	for _, c := range cases {
		u, err := url.Parse("https://127.0.0.1:6443" + c.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := requestVerb(&http.Request{Method: c.method, URL: u}); got != c.want {
			t.Errorf("%s %s: %s, want %s", c.method, c.url, got, c.want)
		}
	}
}

func TestParseServerAddr(t *testing.T) {
	for addr, want := range map[string]string{
		"https://127.0.0.1:1": "127.0.0.1:1", "https://principal.example.com": "principal.example.com:443",
		"principal:8443": "principal:8443", "https://[::1]:9": "::1:9",
	} {
		h, p, err := parseServerAddr(addr)
		if err != nil || h+":"+strconv.Itoa(p) != want {
			t.Errorf("%s: %s %d %v, want %s", addr, h, p, err, want)
		}
	}
	for _, bad := range []string{"", "http://x", "https://x/path", "x", "https://x:0", "https://u@x:1"} {
		if _, _, err := parseServerAddr(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
