package main

// The ClusterAgent type as the peer sees it: a hand-written Go struct for the
// subset of argoproj.io/v1alpha1 ClusterAgent (crds/clusteragents.argoproj.io.yaml)
// the peer acts on, registered in the scheme like kubebuilder's generated types.
// Fields the peer does not model are not lost: it never PUTs a ClusterAgent
// (the finalizer and status are merge patches of what changed).

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var groupVersion = schema.GroupVersion{Group: "argoproj.io", Version: "v1alpha1"}

type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key,omitempty"`
}

type AuthSpec struct {
	Method string `json:"method,omitempty"`
}

type RedisSpec struct {
	Address string `json:"address,omitempty"`
}

type ClusterAgentSpec struct {
	ServerAddr         string                      `json:"serverAddr"`
	ClusterName        string                      `json:"clusterName"`
	AuthToken          string                      `json:"authToken,omitempty"`
	AuthTokenSecretRef *SecretKeyRef               `json:"authTokenSecretRef,omitempty"`
	Auth               *AuthSpec                   `json:"auth,omitempty"`
	Mode               string                      `json:"mode,omitempty"`
	ArgocdNamespace    string                      `json:"argocdNamespace,omitempty"`
	Image              string                      `json:"image,omitempty"`
	ImagePullPolicy    corev1.PullPolicy           `json:"imagePullPolicy,omitempty"`
	Replicas           *int32                      `json:"replicas,omitempty"`
	Resources          corev1.ResourceRequirements `json:"resources,omitempty"`
	LogLevel           string                      `json:"logLevel,omitempty"`
	LogFormat          string                      `json:"logFormat,omitempty"`
	Redis              *RedisSpec                  `json:"redis,omitempty"`
	Env                []corev1.EnvVar             `json:"env,omitempty"`
}

type AgentStatus struct {
	Deployment    string `json:"deployment,omitempty"`
	ReadyReplicas int32  `json:"readyReplicas"`
	Image         string `json:"image,omitempty"`
}

type ClusterAgentStatus struct {
	ObservedGeneration int64              `json:"observedGeneration,omitempty"`
	Phase              string             `json:"phase,omitempty"`
	Conditions         []metav1.Condition `json:"conditions,omitempty"`
	Agent              *AgentStatus       `json:"agent,omitempty"`
}

type ClusterAgent struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              ClusterAgentSpec   `json:"spec,omitempty"`
	Status            ClusterAgentStatus `json:"status,omitempty"`
}

type ClusterAgentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterAgent `json:"items"`
}

// Deep copies, written out as controller-gen would generate them (the cache
// hands out copies on every read, so they must be cheap, not a JSON round trip).

func (in *ClusterAgentSpec) DeepCopyInto(out *ClusterAgentSpec) {
	*out = *in
	if in.AuthTokenSecretRef != nil {
		r := *in.AuthTokenSecretRef
		out.AuthTokenSecretRef = &r
	}
	if in.Auth != nil {
		a := *in.Auth
		out.Auth = &a
	}
	if in.Replicas != nil {
		r := *in.Replicas
		out.Replicas = &r
	}
	in.Resources.DeepCopyInto(&out.Resources)
	if in.Redis != nil {
		r := *in.Redis
		out.Redis = &r
	}
	if in.Env != nil {
		out.Env = make([]corev1.EnvVar, len(in.Env))
		for i := range in.Env {
			in.Env[i].DeepCopyInto(&out.Env[i])
		}
	}
}

func (in *ClusterAgentStatus) DeepCopyInto(out *ClusterAgentStatus) {
	*out = *in
	if in.Conditions != nil {
		out.Conditions = make([]metav1.Condition, len(in.Conditions))
		for i := range in.Conditions {
			in.Conditions[i].DeepCopyInto(&out.Conditions[i])
		}
	}
	if in.Agent != nil {
		a := *in.Agent
		out.Agent = &a
	}
}

func (in *ClusterAgent) DeepCopyInto(out *ClusterAgent) {
	*out = *in
	out.TypeMeta = in.TypeMeta
	in.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	in.Spec.DeepCopyInto(&out.Spec)
	in.Status.DeepCopyInto(&out.Status)
}

func (in *ClusterAgent) DeepCopy() *ClusterAgent {
	if in == nil {
		return nil
	}
	out := new(ClusterAgent)
	in.DeepCopyInto(out)
	return out
}

func (in *ClusterAgent) DeepCopyObject() runtime.Object { return in.DeepCopy() }

func (in *ClusterAgentList) DeepCopyObject() runtime.Object {
	if in == nil {
		return nil
	}
	out := new(ClusterAgentList)
	*out = *in
	in.ListMeta.DeepCopyInto(&out.ListMeta)
	if in.Items != nil {
		out.Items = make([]ClusterAgent, len(in.Items))
		for i := range in.Items {
			in.Items[i].DeepCopyInto(&out.Items[i])
		}
	}
	return out
}

func addClusterAgentTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(groupVersion, &ClusterAgent{}, &ClusterAgentList{})
	metav1.AddToGroupVersion(s, groupVersion)
	return nil
}
