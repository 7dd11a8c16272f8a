// clusteragent-peer: a minimal kubebuilder-style controller-runtime
// reconciler for ClusterAgent (argoproj.io/v1alpha1) that does the same job
// as clusteragent-operator, so `make bench` can run both against the same
// objects and compare requests, writes, memory and CPU. Not a product: see
// bench/README.md ("The controller-runtime peer") for what it does and does
// not do like the operator.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

func main() {
	// Our own FlagSet: controller-runtime's config package registers its
	// own --kubeconfig on flag.CommandLine.
	fs := flag.NewFlagSet("clusteragent-peer", flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig to connect with. Default: $KUBECONFIG, else in-cluster, else ~/.kube/config.")
	namespace := fs.String("namespace", "", "watch ClusterAgents and their namespaced children only in NS (the cache is restricted to it). Default: all namespaces.")
	metricsAddr := fs.String("metrics-bind-address", ":8080", "host:port serving Prometheus /metrics; 0 disables.")
	probeAddr := fs.String("health-probe-bind-address", ":8081", "host:port serving /healthz and /readyz (200 once the caches have synced); 0 disables.")
	qps := fs.Float64("qps", 20, "client-side rate limit, requests per second (rest.Config.QPS); -1 turns it off.")
	burst := fs.Int("burst", 30, "client-side rate limit burst (rest.Config.Burst).")
	maxConcurrent := fs.Int("max-concurrent-reconciles", 1, "ClusterAgents reconciled in parallel.")
	managedBy := fs.String("managed-by-value", "clusteragent-peer", "value of the app.kubernetes.io/managed-by label on every child (and the selector the cluster-scoped children are cached by).")
	zapOpts := zap.Options{}
	zapOpts.BindFlags(fs)
	_ = fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected arguments: %v\n", fs.Args())
		os.Exit(2)
	}
	if *maxConcurrent < 1 {
		fmt.Fprintln(os.Stderr, "--max-concurrent-reconciles must be at least 1")
		os.Exit(2)
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&zapOpts)))
	setupLog := ctrl.Log.WithName("setup")

	cfg, err := loadConfig(*kubeconfig)
	if err != nil {
		setupLog.Error(err, "loading the kubeconfig")
		os.Exit(1)
	}
	cfg.QPS = float32(*qps)
	cfg.Burst = *burst
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return &countingTransport{next: rt} }

	scheme := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(addClusterAgentTypes(scheme))

	managedBySelector := labels.SelectorFromSet(labels.Set{labelManagedBy: *managedBy})
	cacheOpts := cache.Options{
		// Cluster-scoped children are cached by our label only: the default
		// would hold every ClusterRole and ClusterRoleBinding of the cluster.
		// Namespaced kinds use the default cache (all objects of the kind in
		// the watched namespace), as a kubebuilder project does.
		ByObject: map[client.Object]cache.ByObject{
			&rbacv1.ClusterRole{}:        {Label: managedBySelector},
			&rbacv1.ClusterRoleBinding{}: {Label: managedBySelector},
		},
	}
	if *namespace != "" {
		cacheOpts.DefaultNamespaces = map[string]cache.Config{*namespace: {}}
	}

	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Cache:                  cacheOpts,
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: *probeAddr,
	})
	if err != nil {
		setupLog.Error(err, "creating the manager")
		os.Exit(1)
	}

	ctx := ctrl.SetupSignalHandler()
	r := &Reconciler{
		Client:    mgr.GetClient(),
		Scheme:    mgr.GetScheme(),
		Recorder:  mgr.GetEventRecorderFor("clusteragent-peer"),
		ManagedBy: *managedBy,
	}
	if err := r.SetupWithManager(ctx, mgr, *maxConcurrent); err != nil {
		setupLog.Error(err, "setting up the controller")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "adding the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", cachesSynced(mgr.GetCache())); err != nil {
		setupLog.Error(err, "adding the readiness check")
		os.Exit(1)
	}

	setupLog.Info("starting", "namespace", *namespace, "qps", *qps, "burst", *burst,
		"maxConcurrentReconciles", *maxConcurrent, "managedBy", *managedBy)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "running the manager")
		os.Exit(1)
	}
}

// loadConfig: --kubeconfig when given, else controller-runtime's rules
// ($KUBECONFIG, in-cluster, ~/.kube/config).
func loadConfig(path string) (*rest.Config, error) {
	if path != "" {
		return clientcmd.BuildConfigFromFlags("", path)
	}
	return ctrl.GetConfig()
}

// cachesSynced: /readyz fails until every informer of the cache has synced
// (SetupWithManager creates all of them before the manager starts).
func cachesSynced(c cache.Cache) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), 500*time.Millisecond)
		defer cancel()
		if !c.WaitForCacheSync(ctx) {
			return fmt.Errorf("caches not synced")
		}
		return nil
	}
}
