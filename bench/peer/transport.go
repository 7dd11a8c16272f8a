package main

// bench_api_requests_total{verb,code}: every request this process sends to
// the API server, counted by a RoundTripper wrapped around the rest.Config's
// transport (rest.Config.WrapTransport), so the manager's client, the cache's
// list/watches and the event recorder all pass through it.

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

var apiRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "bench_api_requests_total",
	Help: "API requests sent, by verb (GET, LIST, WATCH, POST, PUT, PATCH, DELETE) and HTTP status code.",
}, []string{"verb", "code"})

func init() {
	ctrlmetrics.Registry.MustRegister(apiRequests)
}

type countingTransport struct {
	next http.RoundTripper
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	code := "error" // no HTTP response at all (connection refused, timeout, ...)
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	apiRequests.WithLabelValues(requestVerb(req), code).Inc()
	return resp, err
}

// requestVerb: the HTTP method, except that a GET is LIST on a collection
// path and WATCH with watch=true (or on a legacy /watch/ path).
func requestVerb(req *http.Request) string {
	if req.Method != http.MethodGet {
		return req.Method
	}
	q := req.URL.Query()
	if w := q.Get("watch"); w == "true" || w == "1" {
		return "WATCH"
	}
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	var rest []string
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		rest = segs[2:] // /api/v1/...
	case len(segs) >= 3 && segs[0] == "apis":
		rest = segs[3:] // /apis/<group>/<version>/...
	default:
		return "GET" // /version, /openapi, discovery roots
	}
	if len(rest) > 0 && rest[0] == "watch" {
		return "WATCH"
	}
	switch {
	case len(rest) == 0:
		return "GET" // discovery of a group version
	case rest[0] == "namespaces" && len(rest) == 1:
		return "LIST" // the Namespaces collection
	case rest[0] == "namespaces" && len(rest) == 2:
		return "GET" // one Namespace
	case rest[0] == "namespaces" && len(rest) == 3:
		return "LIST" // a namespaced collection
	case rest[0] == "namespaces":
		return "GET" // one namespaced object or its subresource
	case len(rest) == 1:
		return "LIST" // a cluster-scoped collection
	default:
		return "GET"
	}
}
