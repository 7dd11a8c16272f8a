package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Reconciler turns a ClusterAgent into the children the operator creates
// for it. Every read goes through the manager's client, i.e. the cache.
type Reconciler struct {
	client.Client
	Scheme    *runtime.Scheme
	Recorder  record.EventRecorder
	ManagedBy string
}

func (r *Reconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager, maxConcurrent int) error {
	if err := mgr.GetFieldIndexer().IndexField(ctx, &ClusterAgent{}, secretRefIndex, referencedSecrets); err != nil {
		return err
	}
	// The controller's watches create their informers only when it starts,
	// after the cache: created here, before the cache starts, /readyz
	// (WaitForCacheSync over the cache's informers) waits for all of them.
	for _, o := range []client.Object{&corev1.ServiceAccount{}, &rbacv1.Role{}, &rbacv1.RoleBinding{},
		&corev1.Secret{}, &appsv1.Deployment{}, &corev1.Service{}, &rbacv1.ClusterRole{}, &rbacv1.ClusterRoleBinding{}} {
		if _, err := mgr.GetCache().GetInformer(ctx, o); err != nil {
			return err
		}
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&ClusterAgent{}).
		Named("clusteragent").
		Owns(&corev1.ServiceAccount{}).
		Owns(&rbacv1.Role{}).
		Owns(&rbacv1.RoleBinding{}).
		Owns(&corev1.Secret{}).
		Owns(&appsv1.Deployment{}).
		Owns(&corev1.Service{}).
		// Cluster-scoped children cannot carry an owner reference to a
		// namespaced owner: mapped back through their labels.
		Watches(&rbacv1.ClusterRole{}, handler.EnqueueRequestsFromMapFunc(ownerFromLabels)).
		Watches(&rbacv1.ClusterRoleBinding{}, handler.EnqueueRequestsFromMapFunc(ownerFromLabels)).
		// Secrets a ClusterAgent reads (token, default TLS Secrets, redis).
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.referencingClusterAgents)).
		WithOptions(controller.Options{MaxConcurrentReconciles: maxConcurrent}).
		Complete(r)
}

func ownerFromLabels(_ context.Context, o client.Object) []reconcile.Request {
	l := o.GetLabels()
	name, ns := l[labelClusterAgent], l[labelClusterAgentNS]
	if name == "" || ns == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}}}
}

func (r *Reconciler) referencingClusterAgents(ctx context.Context, o client.Object) []reconcile.Request {
	var cas ClusterAgentList
	if err := r.List(ctx, &cas, client.InNamespace(o.GetNamespace()),
		client.MatchingFields{secretRefIndex: o.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "listing ClusterAgents that reference a Secret")
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(cas.Items))
	for _, ca := range cas.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: ca.Namespace, Name: ca.Name}})
	}
	return reqs
}

func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ca := &ClusterAgent{}
	if err := r.Get(ctx, req.NamespacedName, ca); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !ca.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.finalize(ctx, ca)
	}

	in := statusInputs{generation: ca.Generation, specValid: true, deployName: ca.Name + "-agent"}
	spec, err := parseSpec(ca)
	if err != nil {
		in.specValid, in.specMessage = false, err.Error()
		// Nothing to retry until the spec changes.
		return ctrl.Result{}, r.updateStatus(ctx, ca, in)
	}

	if !controllerutil.ContainsFinalizer(ca, finalizerName) {
		patch := client.MergeFromWithOptions(ca.DeepCopy(), client.MergeFromWithOptimisticLock{})
		controllerutil.AddFinalizer(ca, finalizerName)
		if err := r.Patch(ctx, ca, patch); err != nil {
			return ctrl.Result{}, fmt.Errorf("adding the finalizer: %w", err)
		}
	}

	errs := r.ensureChildren(ctx, ca, spec, &in)
	if err := r.updateStatus(ctx, ca, in); err != nil {
		if apierrors.IsConflict(err) && len(errs) == 0 {
			// The ClusterAgent changed after the cache read it: the watch
			// event is on its way; look again from the newer version.
			return ctrl.Result{RequeueAfter: 500 * time.Millisecond}, nil
		}
		errs = append(errs, fmt.Errorf("status: %w", err))
	}
	return ctrl.Result{}, errors.Join(errs...)
}

func (r *Reconciler) ensureChildren(ctx context.Context, ca *ClusterAgent, s *agentSpec, in *statusInputs) []error {
	var errs []error
	apply := func(what string, obj client.Object, mutate func() error) {
		if _, err := controllerutil.CreateOrUpdate(ctx, r.Client, obj, mutate); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", what, obj.GetName(), err))
		}
	}
	owned := func(m *metav1.ObjectMeta, obj client.Object) error {
		setLabels(m, s.commonLabels(r.ManagedBy))
		return controllerutil.SetControllerReference(ca, obj, r.Scheme)
	}
	nsMeta := func(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Namespace: s.ns} }

	sa := &corev1.ServiceAccount{ObjectMeta: nsMeta(s.agentName())}
	apply("ServiceAccount", sa, func() error { return owned(&sa.ObjectMeta, sa) })

	role := &rbacv1.Role{ObjectMeta: nsMeta(s.agentName())}
	apply("Role", role, func() error {
		role.Rules = roleRules()
		return owned(&role.ObjectMeta, role)
	})
	rb := &rbacv1.RoleBinding{ObjectMeta: nsMeta(s.agentName())}
	apply("RoleBinding", rb, func() error {
		rb.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: s.agentName()}
		rb.Subjects = s.saSubject()
		return owned(&rb.ObjectMeta, rb)
	})
	cr := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: s.clusterRoleName()}}
	apply("ClusterRole", cr, func() error {
		setLabels(&cr.ObjectMeta, s.clusterScopedLabels(r.ManagedBy))
		cr.Rules = clusterRoleRules()
		return nil
	})
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: s.clusterRoleName()}}
	apply("ClusterRoleBinding", crb, func() error {
		setLabels(&crb.ObjectMeta, s.clusterScopedLabels(r.ManagedBy))
		crb.RoleRef = rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: s.clusterRoleName()}
		crb.Subjects = s.saSubject()
		return nil
	})

	creds, err := r.assessCredentials(ctx, s)
	if err != nil {
		return append(errs, fmt.Errorf("credentials: %w", err))
	}
	in.credentials = &creds
	if creds.ready && s.userpass {
		sec := &corev1.Secret{ObjectMeta: nsMeta(s.credsName())}
		apply("Secret", sec, func() error {
			if sec.CreationTimestamp.IsZero() {
				sec.Type = corev1.SecretTypeOpaque
			}
			// The agent reads the first line as <client id>:<secret>.
			sec.Data = map[string][]byte{userpassCredsKey: []byte(s.clusterName + ":" + creds.token)}
			return owned(&sec.ObjectMeta, sec)
		})
	}

	// Like the operator: the Deployment is applied only while the
	// credentials are ready; until then an existing one is left as it is.
	if creds.ready {
		d := &appsv1.Deployment{ObjectMeta: nsMeta(s.agentName())}
		apply("Deployment", d, func() error {
			s.mutateDeployment(d, r.ManagedBy, creds.hash)
			return controllerutil.SetControllerReference(ca, d, r.Scheme)
		})
	}
	var live appsv1.Deployment
	var a deploymentAssessment
	switch err := r.Get(ctx, client.ObjectKey{Namespace: s.ns, Name: s.agentName()}, &live); {
	case apierrors.IsNotFound(err):
		a = assessDeployment(nil, s.agentName(), s.replicas)
	case err != nil:
		errs = append(errs, fmt.Errorf("reading the Deployment: %w", err))
	default:
		a = assessDeployment(&live, s.agentName(), s.replicas)
	}
	if a.reason != "" {
		if !creds.ready && !a.exists {
			a.reason, a.message = "WaitingForCredentials", "the Deployment is created once the credentials are ready"
		}
		in.deployment = &a
	}

	svc := &corev1.Service{ObjectMeta: nsMeta(s.metricsName())}
	apply("Service", svc, func() error {
		s.mutateService(svc, r.ManagedBy)
		return owned(&svc.ObjectMeta, svc)
	})
	return errs
}

// updateStatus writes the status only when it differs from the cached one:
// a reconcile with nothing to do makes no request.
func (r *Reconciler) updateStatus(ctx context.Context, ca *ClusterAgent, in statusInputs) error {
	next := evaluateStatus(ca.Status, in)
	if equality.Semantic.DeepEqual(ca.Status, next) {
		return nil
	}
	old := ca.Status.Conditions
	patch := client.MergeFromWithOptions(ca.DeepCopy(), client.MergeFromWithOptimisticLock{})
	ca.Status = next
	if err := r.Status().Patch(ctx, ca, patch); err != nil {
		return err
	}
	for _, f := range flips(old, next.Conditions) {
		kind := corev1.EventTypeNormal
		if f.warning {
			kind = corev1.EventTypeWarning
		}
		r.Recorder.Eventf(ca, kind, f.condition.Reason, "%s is %s: %s", f.condition.Type, f.condition.Status, f.condition.Message)
	}
	return nil
}

// finalize deletes the cluster-scoped children (the garbage collector takes
// the namespaced ones, which carry owner references) and releases the finalizer.
func (r *Reconciler) finalize(ctx context.Context, ca *ClusterAgent) error {
	if !controllerutil.ContainsFinalizer(ca, finalizerName) {
		return nil
	}
	sel := client.MatchingLabels{labelClusterAgent: ca.Name, labelClusterAgentNS: ca.Namespace, labelManagedBy: r.ManagedBy}
	var crbs rbacv1.ClusterRoleBindingList
	if err := r.List(ctx, &crbs, sel); err != nil {
		return err
	}
	for i := range crbs.Items {
		if err := r.Delete(ctx, &crbs.Items[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	var crs rbacv1.ClusterRoleList
	if err := r.List(ctx, &crs, sel); err != nil {
		return err
	}
	for i := range crs.Items {
		if err := r.Delete(ctx, &crs.Items[i]); client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	patch := client.MergeFromWithOptions(ca.DeepCopy(), client.MergeFromWithOptimisticLock{})
	controllerutil.RemoveFinalizer(ca, finalizerName)
	return client.IgnoreNotFound(r.Patch(ctx, ca, patch))
}
