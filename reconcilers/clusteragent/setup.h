#pragma once
// Wires the ClusterAgent operator into a Manager: one informer per watched
// kind (owned kinds by the managed-by label selector; Secrets in full but
// digested, see secret_digest.h), the indexes, the handlers that map a change
// back to the ClusterAgent keys it concerns, the Controller and the reconciler.
//
// What wakes a ClusterAgent:
//   the ClusterAgent itself;
//   an owned child (controller owner reference, or the ownership labels for
//     cluster-scoped / cross-namespace RBAC);
//   a Secret it references (index kSecretRefIndex on the ClusterAgent store),
//     and its own creds Secret;
//   the Namespace its spec.argocdNamespace names (index kTargetNamespaceIndex),
//     whose labels opt in to agents from other namespaces.

#include <memory>
#include <string>
#include <vector>

#include "controller/cache/informer.h"
#include "controller/kube/kube_client.h"
#include "controller/manager/event_recorder.h"
#include "controller/manager/manager.h"
#include "controller/queue/controller.h"
#include "reconcilers/clusteragent/agent_image.h"
#include "reconcilers/clusteragent/caches.h"
#include "reconcilers/clusteragent/clusteragent_reconciler.h"
#include "reconcilers/clusteragent/connection_observer.h"
#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/tenant_policy.h"

namespace clusteragent {

struct OperatorOptions {
  std::vector<std::string> namespaces;  // empty: all
  std::string agentImage = kDefaultAgentImage;
  // What ClusterAgents may ask for (the --allow-* flags); agentImage is
  // always allowed on top of its image prefixes.
  TenantPolicy tenantPolicy;
  int maxConcurrentReconciles = 2;
  std::chrono::milliseconds resyncPeriod{std::chrono::minutes(10)};
  // A child's update that leaves its generation (status written by the
  // Deployment controller, a pod starting) wakes its ClusterAgent this much
  // later, once per burst (enqueueMappedCoalescingStatus). 0: at once.
  std::chrono::milliseconds childStatusDelay{std::chrono::seconds(1)};
  // A status change that flips no condition waits this long after the
  // ClusterAgent's last status write (status_write_pacer.h). 0: at once.
  std::chrono::milliseconds statusDetailInterval{std::chrono::seconds(5)};
  ctrl::ClockPtr clock;                  // null: real time
  ConnectionObserverOptions connection;  // --probe-interval, --probe-timeout
  prober::TlsProberPtr prober;           // null: OpensslTlsProber with probeAddresses
  // --probe-deny-cidrs / --probe-allow-cidrs on top of the fixed rules.
  prober::AddressPolicy probeAddresses;
  // Also called after every reconcile (besides the metrics), e.g. by tests.
  std::function<void(const ctrl::queue::ReconcileObservation&)> onReconcile;
};

class ClusterAgentOperator {
 public:
  // recorder may be null (no Events). The operator does not own it.
  ClusterAgentOperator(ctrl::kube::KubeClientPtr client, ctrl::manager::EventRecorder* recorder,
                       OperatorOptions options);
  ~ClusterAgentOperator();
  ClusterAgentOperator(const ClusterAgentOperator&) = delete;
  ClusterAgentOperator& operator=(const ClusterAgentOperator&) = delete;

  // Adds the informers as caches and the controller as a leader-gated runnable.
  void registerWith(ctrl::manager::Manager& manager);

  // Without a Manager (tests): start informers, wait for sync, start workers.
  bool start(std::chrono::milliseconds syncTimeout);
  void stop();

  const Caches& caches() const { return caches_; }
  ctrl::queue::Controller& controller() { return *controller_; }
  ConnectionObserver& connection() { return *connection_; }

 private:
  std::unique_ptr<ctrl::cache::Informer> makeInformer(const ctrl::kube::Resource& r,
                                                      bool ownedKind);
  void addInformer(std::unique_ptr<ctrl::cache::Informer> inf, const ctrl::cache::Store** slot);

  ctrl::kube::KubeClientPtr client_;
  OperatorOptions options_;
  std::vector<std::unique_ptr<ctrl::cache::Informer>> informers_;
  Caches caches_;
  std::shared_ptr<ConnectionObserver> connection_;
  std::unique_ptr<ClusterAgentReconciler> reconciler_;
  std::unique_ptr<ctrl::queue::Controller> controller_;
};

}  // namespace clusteragent
