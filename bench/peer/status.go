package main

// Status after the operator's status_evaluation.cpp / readiness.cpp, without
// what the peer does not observe (Connected from the agent pods,
// ServerReachable from probing serverAddr, status.server).

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type deploymentAssessment struct {
	exists, available bool
	reason, message   string
	image             string
	readyReplicas     int32
}

// assessDeployment: assessDeployment() of status_evaluation.cpp.
func assessDeployment(d *appsv1.Deployment, name string, desiredReplicas int32) deploymentAssessment {
	a := deploymentAssessment{}
	if d == nil {
		a.reason, a.message = "NotCreated", fmt.Sprintf("Deployment %s does not exist yet", name)
		return a
	}
	a.exists = true
	if cs := d.Spec.Template.Spec.Containers; len(cs) > 0 {
		a.image = cs[0].Image
	}
	replicas := int32(1)
	if d.Spec.Replicas != nil {
		replicas = *d.Spec.Replicas
	}
	st := d.Status
	a.readyReplicas = st.ReadyReplicas
	switch {
	case desiredReplicas == 0 && replicas == 0:
		a.reason, a.message = "Paused", "spec.replicas is 0: the agent is paused"
	case st.ObservedGeneration < d.Generation:
		a.reason = "Progressing"
		a.message = fmt.Sprintf("Deployment %s generation %d not yet observed by the deployment controller", name, d.Generation)
	case st.UpdatedReplicas < replicas || st.Replicas > st.UpdatedReplicas:
		a.reason = "Progressing"
		a.message = fmt.Sprintf("Deployment %s is rolling out: %d of %d replicas updated", name, st.UpdatedReplicas, replicas)
	case st.AvailableReplicas < replicas:
		a.reason = "Unavailable"
		a.message = fmt.Sprintf("Deployment %s: %d of %d replicas available", name, st.AvailableReplicas, replicas)
	default:
		a.available = true
		a.reason, a.message = "Available", fmt.Sprintf("Deployment %s is rolled out and available", name)
	}
	return a
}

type statusInputs struct {
	generation  int64
	specValid   bool
	specMessage string
	credentials *credentials // nil: not evaluated
	deployment  *deploymentAssessment
	deployName  string
}

func boolStatus(b bool) metav1.ConditionStatus {
	if b {
		return metav1.ConditionTrue
	}
	return metav1.ConditionFalse
}

// evaluateStatus returns the status to have, from the current one (kept
// condition transition times) and the inputs.
func evaluateStatus(cur ClusterAgentStatus, in statusInputs) ClusterAgentStatus {
	var next ClusterAgentStatus
	cur.DeepCopyInto(&next)
	g := in.generation
	set := func(t string, s metav1.ConditionStatus, reason, message string) {
		meta.SetStatusCondition(&next.Conditions, metav1.Condition{
			Type: t, Status: s, Reason: reason, Message: message, ObservedGeneration: g})
	}
	next.ObservedGeneration = g
	agent := &AgentStatus{Deployment: in.deployName}
	if in.deployment != nil {
		agent.ReadyReplicas = in.deployment.readyReplicas
		agent.Image = in.deployment.image
	}
	next.Agent = agent

	if in.credentials != nil && in.credentials.redisWarning != "" {
		set("RedisPasswordMissing", metav1.ConditionTrue, "NoRedisPassword", in.credentials.redisWarning)
	} else {
		meta.RemoveStatusCondition(&next.Conditions, "RedisPasswordMissing")
	}

	if !in.specValid {
		set("SpecValid", metav1.ConditionFalse, "InvalidSpec", in.specMessage)
		set("CredentialsReady", metav1.ConditionUnknown, "InvalidSpec", "not evaluated: the spec is invalid")
		set("DeploymentAvailable", metav1.ConditionUnknown, "InvalidSpec", "not evaluated: the spec is invalid")
		set("Ready", metav1.ConditionFalse, "InvalidSpec", in.specMessage)
		next.Phase = "Invalid"
		return next
	}
	set("SpecValid", metav1.ConditionTrue, "Valid", "spec is valid")
	notEvaluated := func(t string) {
		set(t, metav1.ConditionUnknown, "NotEvaluated", "not evaluated: an earlier step stopped the reconcile")
	}
	if in.credentials != nil {
		set("CredentialsReady", boolStatus(in.credentials.ready), in.credentials.reason, in.credentials.message)
	} else {
		notEvaluated("CredentialsReady")
	}
	if in.deployment != nil {
		set("DeploymentAvailable", boolStatus(in.deployment.available), in.deployment.reason, in.deployment.message)
	} else {
		notEvaluated("DeploymentAvailable")
	}

	// readiness.cpp's deriveReadiness without the connection assessment.
	switch {
	case in.credentials == nil || !in.credentials.ready:
		msg := "credentials not evaluated"
		if in.credentials != nil {
			msg = in.credentials.message
		}
		set("Ready", metav1.ConditionFalse, "CredentialsNotReady", msg)
		next.Phase = "Degraded"
	case in.deployment == nil || !in.deployment.available:
		phase, msg := "Pending", "the Deployment was not evaluated"
		if in.deployment != nil {
			msg = in.deployment.message
			if in.deployment.exists {
				phase = "Progressing"
			}
			if in.deployment.reason == "Paused" {
				phase = "Disconnected"
			}
		}
		set("Ready", metav1.ConditionFalse, "DeploymentNotAvailable", msg)
		next.Phase = phase
	default:
		set("Ready", metav1.ConditionTrue, "AgentReady", "the agent is deployed and available")
		next.Phase = "Progressing"
	}
	return next
}

type conditionFlip struct {
	condition metav1.Condition
	warning   bool
}

// flips: conditions whose status changed (or appeared) from old to next,
// for Events, as nextStatus() in the operator reports them.
func flips(old, next []metav1.Condition) []conditionFlip {
	var out []conditionFlip
	for _, c := range next {
		prev := meta.FindStatusCondition(old, c.Type)
		if prev != nil && prev.Status == c.Status {
			continue
		}
		bad := c.Status != metav1.ConditionTrue
		if c.Type == "RedisPasswordMissing" {
			bad = c.Status == metav1.ConditionTrue
		}
		out = append(out, conditionFlip{c, bad})
	}
	return out
}
