package main

// The children of a ClusterAgent, as the operator renders them
// (`clusteragent-operator render`, reconcilers/clusteragent/build_*.cpp):
// same kinds, names, labels (but managed-by = --managed-by-value), owner
// references on the namespaced ones, the same pod spec. Each is written with
// controllerutil.CreateOrUpdate: the mutate functions below set only the
// fields the peer owns on the object read from the cache, with the values
// the API server would default spelled out (probe timeouts, port protocols,
// Secret volume modes), so an unchanged ClusterAgent compares equal and
// makes no write.

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
)

const (
	finalizerName           = "argoproj.io/clusteragent-peer-cleanup"
	labelManagedBy          = "app.kubernetes.io/managed-by"
	labelName               = "app.kubernetes.io/name"
	labelInstance           = "app.kubernetes.io/instance"
	labelClusterAgent       = "argoproj.io/clusteragent"
	labelClusterAgentNS     = "argoproj.io/clusteragent-namespace"
	annCredentialsHash      = "argoproj.io/credentials-hash"
	defaultAgentImage       = "quay.io/argoprojlabs/argocd-agent:v0.9.0"
	metricsPort             = 8181
	healthPort              = 8001
	credsMountPath          = "/app/config/creds"
	userpassCredsKey        = "userpass.creds"
	defaultTokenKey         = "token"
	defaultClientCertSecret = "argocd-agent-client-tls"
	defaultCaSecret         = "argocd-agent-ca"
	defaultRedisSecret      = "argocd-redis"
	defaultRedisKey         = "auth"
)

// agentSpec: the ClusterAgent's spec with defaults applied (the subset the
// peer supports; see parseSpec).
type agentSpec struct {
	name, ns        string
	serverHost      string
	serverPort      int
	clusterName     string
	userpass        bool // else mtls
	tokenInline     string
	tokenSecret     string
	tokenKey        string
	argocdNamespace string
	mode            string
	image           string
	pullPolicy      corev1.PullPolicy
	replicas        int32
	resources       corev1.ResourceRequirements
	logLevel        string
	logFormat       string
	redisAddr       string
	env             []corev1.EnvVar
}

// parseSpec validates what the peer acts on. The CRD's schema has already
// checked types and enums; this adds what it cannot (serverAddr's shape,
// clusterName a DNS label) and refuses what the peer does not implement.
func parseSpec(ca *ClusterAgent) (*agentSpec, error) {
	s := ca.Spec
	out := &agentSpec{name: ca.Name, ns: ca.Namespace, clusterName: s.ClusterName}
	host, port, err := parseServerAddr(s.ServerAddr)
	if err != nil {
		return nil, fmt.Errorf("spec.serverAddr: %v", err)
	}
	out.serverHost, out.serverPort = host, port
	if errs := validation.IsDNS1123Label(s.ClusterName); len(errs) > 0 {
		return nil, fmt.Errorf("spec.clusterName: %s", strings.Join(errs, "; "))
	}
	method := ""
	if s.Auth != nil {
		method = s.Auth.Method
	}
	hasToken := s.AuthToken != "" || s.AuthTokenSecretRef != nil
	switch {
	case method == "userpass" || (method == "" && hasToken):
		out.userpass = true
		if !hasToken {
			return nil, fmt.Errorf("spec.authTokenSecretRef: auth method userpass needs a token")
		}
	case method == "mtls" || method == "":
	default:
		return nil, fmt.Errorf("spec.auth.method: %q is not implemented by the peer", method)
	}
	if out.userpass {
		if s.AuthTokenSecretRef != nil {
			out.tokenSecret = s.AuthTokenSecretRef.Name
			out.tokenKey = s.AuthTokenSecretRef.Key
			if out.tokenKey == "" {
				out.tokenKey = defaultTokenKey
			}
		} else {
			out.tokenInline = s.AuthToken
		}
	}
	out.argocdNamespace = ca.Namespace
	if s.ArgocdNamespace != "" && s.ArgocdNamespace != ca.Namespace {
		return nil, fmt.Errorf("spec.argocdNamespace: another namespace than the ClusterAgent's is not implemented by the peer")
	}
	out.mode = s.Mode
	if out.mode == "" {
		out.mode = "managed"
	}
	out.image = s.Image
	if out.image == "" {
		out.image = defaultAgentImage
	}
	out.pullPolicy = s.ImagePullPolicy
	out.replicas = 1
	if s.Replicas != nil {
		out.replicas = *s.Replicas
	}
	out.resources = *s.Resources.DeepCopy()
	// The API server defaults a missing request to its limit: say so here,
	// or the Deployment would differ from what we write on every reconcile.
	for res, limit := range out.resources.Limits {
		if _, ok := out.resources.Requests[res]; !ok {
			if out.resources.Requests == nil {
				out.resources.Requests = corev1.ResourceList{}
			}
			out.resources.Requests[res] = limit.DeepCopy()
		}
	}
	out.logLevel = orDefault(s.LogLevel, "info")
	out.logFormat = orDefault(s.LogFormat, "text")
	out.redisAddr = fmt.Sprintf("argocd-redis.%s.svc:6379", out.argocdNamespace)
	if s.Redis != nil && s.Redis.Address != "" {
		out.redisAddr = s.Redis.Address
	}
	out.env = s.Env
	return out, nil
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// parseServerAddr accepts "https://host[:port]" and "host:port".
func parseServerAddr(addr string) (string, int, error) {
	rest := addr
	scheme := strings.HasPrefix(addr, "https://")
	if scheme {
		rest = strings.TrimPrefix(addr, "https://")
	}
	if rest == "" || strings.ContainsAny(rest, "/?#@ ") {
		return "", 0, fmt.Errorf("%q is not https://host[:port] or host:port", addr)
	}
	host, portText, err := net.SplitHostPort(rest)
	if err != nil {
		if !scheme {
			return "", 0, fmt.Errorf("%q is not https://host[:port] or host:port", addr)
		}
		return strings.Trim(rest, "[]"), 443, nil
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 1 || port > 65535 || host == "" {
		return "", 0, fmt.Errorf("%q: bad port", addr)
	}
	return host, port, nil
}

func (s *agentSpec) agentName() string       { return s.name + "-agent" }
func (s *agentSpec) credsName() string       { return s.name + "-agent-creds" }
func (s *agentSpec) metricsName() string     { return s.name + "-agent-metrics" }
func (s *agentSpec) clusterRoleName() string { return "clusteragent:" + s.ns + ":" + s.name }

func (s *agentSpec) selectorLabels() map[string]string {
	return map[string]string{labelName: "argocd-agent", labelInstance: s.name, labelClusterAgent: s.name}
}

func (s *agentSpec) commonLabels(managedBy string) map[string]string {
	l := s.selectorLabels()
	l[labelManagedBy] = managedBy
	return l
}

func (s *agentSpec) clusterScopedLabels(managedBy string) map[string]string {
	l := s.commonLabels(managedBy)
	l[labelClusterAgentNS] = s.ns
	return l
}

// setLabels adds ours to whatever labels the object has.
func setLabels(m *metav1.ObjectMeta, labels map[string]string) {
	if m.Labels == nil {
		m.Labels = map[string]string{}
	}
	for k, v := range labels {
		m.Labels[k] = v
	}
}

var allVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

func roleRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		{APIGroups: []string{"argoproj.io"}, Resources: []string{"applications", "appprojects", "applicationsets"}, Verbs: allVerbs},
		{APIGroups: []string{""}, Resources: []string{"secrets", "configmaps"}, Verbs: allVerbs},
		{APIGroups: []string{""}, Resources: []string{"events"}, Verbs: []string{"create", "list"}},
	}
}

func clusterRoleRules() []rbacv1.PolicyRule {
	return []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"namespaces"}, Verbs: []string{"get", "list", "watch"}},
	}
}

func (s *agentSpec) saSubject() []rbacv1.Subject {
	return []rbacv1.Subject{{Kind: "ServiceAccount", Name: s.agentName(), Namespace: s.ns}}
}

func envVar(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

// agentEnv: build_deployment.cpp's agentEnv for the supported subset.
func (s *agentSpec) agentEnv() []corev1.EnvVar {
	env := []corev1.EnvVar{
		envVar("ARGOCD_AGENT_REMOTE_SERVER", s.serverHost),
		envVar("ARGOCD_AGENT_REMOTE_PORT", strconv.Itoa(s.serverPort)),
		envVar("ARGOCD_AGENT_MODE", s.mode),
		envVar("ARGOCD_AGENT_NAMESPACE", s.argocdNamespace),
	}
	if s.userpass {
		env = append(env, envVar("ARGOCD_AGENT_CREDS", "userpass:"+credsMountPath+"/"+userpassCredsKey))
	} else {
		env = append(env, envVar("ARGOCD_AGENT_CREDS", "mtls:any"))
	}
	env = append(env,
		envVar("ARGOCD_AGENT_TLS_INSECURE", "false"),
		envVar("ARGOCD_AGENT_LOG_LEVEL", s.logLevel),
		envVar("ARGOCD_AGENT_LOG_FORMAT", s.logFormat),
		envVar("ARGOCD_AGENT_METRICS_PORT", strconv.Itoa(metricsPort)),
		envVar("ARGOCD_AGENT_HEALTH_CHECK_PORT", strconv.Itoa(healthPort)),
		envVar("REDIS_ADDR", s.redisAddr),
		corev1.EnvVar{Name: "REDIS_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: defaultRedisSecret},
			Key:                  defaultRedisKey,
			Optional:             ptr.To(true),
		}}},
	)
	for _, e := range s.env {
		env = append(env, *e.DeepCopy())
	}
	return env
}

func (s *agentSpec) mutateDeployment(d *appsv1.Deployment, managedBy, credentialsHash string) {
	setLabels(&d.ObjectMeta, s.commonLabels(managedBy))
	d.Spec.Replicas = ptr.To(s.replicas)
	d.Spec.Strategy = appsv1.DeploymentStrategy{Type: appsv1.RecreateDeploymentStrategyType}
	if d.Spec.Selector == nil { // immutable once created
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: s.selectorLabels()}
	}
	t := &d.Spec.Template
	t.Labels = s.commonLabels(managedBy)
	if t.Annotations == nil {
		t.Annotations = map[string]string{}
	}
	t.Annotations[annCredentialsHash] = credentialsHash

	ps := &t.Spec
	ps.ServiceAccountName = s.agentName()
	ps.SecurityContext = &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr.To(true),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	volumes := []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	mounts := []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}}
	if s.userpass {
		volumes = append(volumes, corev1.Volume{Name: "creds", VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{SecretName: s.credsName(), DefaultMode: ptr.To(int32(0o644))}}})
		mounts = append(mounts, corev1.VolumeMount{Name: "creds", MountPath: credsMountPath, ReadOnly: true})
	}
	ps.Volumes = volumes

	// Start from the live container so fields the server defaulted and we do
	// not set (terminationMessagePath, imagePullPolicy, ...) compare equal.
	var c corev1.Container
	if len(ps.Containers) == 1 && ps.Containers[0].Name == "agent" {
		c = ps.Containers[0]
	}
	c.Name = "agent"
	c.Image = s.image
	if s.pullPolicy != "" {
		c.ImagePullPolicy = s.pullPolicy
	}
	c.Args = []string{"agent"}
	c.Env = s.agentEnv()
	c.Ports = []corev1.ContainerPort{
		{Name: "metrics", ContainerPort: metricsPort, Protocol: corev1.ProtocolTCP},
		{Name: "health", ContainerPort: healthPort, Protocol: corev1.ProtocolTCP},
	}
	c.ReadinessProbe = &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: "/healthz", Port: intstr.FromString("health"), Scheme: corev1.URISchemeHTTP}},
		PeriodSeconds: 5, FailureThreshold: 3, TimeoutSeconds: 1, SuccessThreshold: 1,
	}
	c.LivenessProbe = &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString("health")}},
		InitialDelaySeconds: 15, PeriodSeconds: 20, FailureThreshold: 3, TimeoutSeconds: 1, SuccessThreshold: 1,
	}
	c.SecurityContext = &corev1.SecurityContext{
		RunAsNonRoot:             ptr.To(true),
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
	c.VolumeMounts = mounts
	c.Resources = *s.resources.DeepCopy()
	ps.Containers = []corev1.Container{c}
}

func (s *agentSpec) mutateService(svc *corev1.Service, managedBy string) {
	setLabels(&svc.ObjectMeta, s.commonLabels(managedBy))
	svc.Spec.Ports = []corev1.ServicePort{{
		Name: "metrics", Port: metricsPort, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromString("metrics"),
	}}
	svc.Spec.Selector = s.selectorLabels()
}
