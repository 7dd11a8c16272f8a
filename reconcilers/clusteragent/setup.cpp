#include "reconcilers/clusteragent/setup.h"

#include "controller/manager/metrics.h"
#include "controller/queue/enqueue_handlers.h"
#include "reconcilers/clusteragent/agent_pods.h"
#include "reconcilers/clusteragent/child_cache_transform.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/prober/openssl_tls_prober.h"
#include "reconcilers/clusteragent/secret_digest.h"
#include "reconcilers/clusteragent/secret_references.h"
#include "reconcilers/clusteragent/target_namespaces.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;
using nlohmann::json;

std::vector<std::string> ownerKeys(const json& obj) {
  std::string k = ownerKeyOf(obj);
  return k.empty() ? std::vector<std::string>{} : std::vector<std::string>{k};
}

ctrl::manager::Counter& reconcileCounter() {
  return ctrl::manager::Registry::global().counter("clusteragent_reconcile_total",
                                                   "ClusterAgent reconciles by result.");
}
ctrl::manager::Histogram& reconcileDuration() {
  return ctrl::manager::Registry::global().histogram("clusteragent_reconcile_duration_seconds",
                                                     "Time spent in one ClusterAgent reconcile.");
}
ctrl::manager::Counter& applyCounter() {
  return ctrl::manager::Registry::global().counter(
      "clusteragent_child_apply_total",
      "Children passed through the apply helper, by kind and outcome (unchanged = no API call).");
}

}  // namespace

ClusterAgentOperator::ClusterAgentOperator(ctrl::kube::KubeClientPtr client,
                                           ctrl::manager::EventRecorder* recorder,
                                           OperatorOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  auto cas = makeInformer(kClusterAgents, false);
  cas->addIndex(kSecretRefIndex, referencedSecretKeys);
  cas->addIndex(kTargetNamespaceIndex, targetNamespaceKeys);
  const ctrl::cache::Store& caStore = cas->store();
  addInformer(std::move(cas), &caches_.clusterAgents);
  addInformer(makeInformer(res::kDeployments, true), &caches_.deployments);
  addInformer(makeInformer(res::kServices, true), &caches_.services);
  addInformer(makeInformer(res::kServiceAccounts, true), &caches_.serviceAccounts);
  addInformer(makeInformer(res::kRoles, true), &caches_.roles);
  addInformer(makeInformer(res::kRoleBindings, true), &caches_.roleBindings);
  addInformer(makeInformer(res::kClusterRoles, true), &caches_.clusterRoles);
  addInformer(makeInformer(res::kClusterRoleBindings, true), &caches_.clusterRoleBindings);
  addInformer(makeInformer(res::kPods, true), &caches_.pods);
  ctrl::cache::Informer* pods = informers_.back().get();
  addInformer(makeInformer(res::kSecrets, false), &caches_.secrets);
  ctrl::cache::Informer* secrets = informers_.back().get();
  // Not an owned kind: the target Namespaces' opt-in labels (tenant_policy.h).
  // Before the reconciler is made: it takes its own copy of caches_.
  addInformer(makeInformer(res::kNamespaces, false), &caches_.namespaces);
  ctrl::cache::Informer* namespaces = informers_.back().get();

  ReconcilerOptions ro;
  ro.agentImage = options_.agentImage;
  ro.tenantPolicy = options_.tenantPolicy;
  // --agent-image is the operator's own choice, never refused.
  ro.tenantPolicy.operatorImage = options_.agentImage;
  ro.tenantPolicy.watchedNamespaces = options_.namespaces;
  ro.childCachesHoldAll = true;
  ro.statusDetailInterval = options_.statusDetailInterval;
  ro.onApply = [](const std::string& kind, ctrl::apply::ApplyOutcome o) {
    applyCounter().inc({{"kind", kind}, {"outcome", ctrl::apply::outcomeName(o)}});
  };
  connection_ = std::make_shared<ConnectionObserver>(
      options_.prober ? options_.prober
                      : std::make_shared<prober::OpensslTlsProber>(options_.probeAddresses),
      options_.connection, options_.clock);
  ro.connection = connection_;
  reconciler_ =
      std::make_unique<ClusterAgentReconciler>(client_, caches_, recorder, ro, options_.clock);

  ctrl::queue::ControllerOptions co;
  co.workers = options_.maxConcurrentReconciles;
  co.clock = options_.clock;
  co.onReconcile = [extra = options_.onReconcile](const ctrl::queue::ReconcileObservation& o) {
    reconcileCounter().inc({{"result", ctrl::queue::resultKindName(o.kind)}});
    reconcileDuration().observe(o.duration.count());
    if (extra) extra(o);
  };
  controller_ = std::make_unique<ctrl::queue::Controller>("clusteragent", *reconciler_, co);

  // Handlers only enqueue keys.
  auto& c = *controller_;
  // A probe's answer usually lands while the new agent's pod is starting:
  // one status write for both.
  connection_->setOnResultChanged([&c, delay = options_.childStatusDelay](const std::string& key) {
    c.enqueueAfter(key, delay);
  });
  informers_[0]->addEventHandlers(ctrl::queue::enqueueSelf(c));
  for (size_t i = 1; i < informers_.size(); ++i) {
    if (informers_[i].get() == namespaces) continue;
    if (informers_[i].get() == pods) {
      // Observed, never applied: a pod's start is a handful of events in a
      // second or two, and its ClusterAgent's status need change once.
      informers_[i]->addEventHandlers(
          ctrl::queue::enqueueMappedAfter(c, ownerKeys, options_.childStatusDelay));
      continue;
    }
    informers_[i]->addEventHandlers(
        ctrl::queue::enqueueMappedCoalescingStatus(c, ownerKeys, options_.childStatusDelay));
  }
  // Secrets also wake every ClusterAgent that references them.
  secrets->addEventHandlers(
      ctrl::queue::enqueueMapped(c, ctrl::queue::mapByIndex(caStore, kSecretRefIndex, nullptr)));
  // A Namespace's opt-in labels changing wakes the ClusterAgents that target it.
  namespaces->addEventHandlers(ctrl::queue::enqueueMapped(
      c, ctrl::queue::mapByIndex(caStore, kTargetNamespaceIndex, [](const json& ns) {
        return ns.value("/metadata/name"_json_pointer, std::string());
      })));
}

ClusterAgentOperator::~ClusterAgentOperator() {
  stop();
}

std::unique_ptr<ctrl::cache::Informer> ClusterAgentOperator::makeInformer(
    const ctrl::kube::Resource& r, bool ownedKind) {
  ctrl::cache::InformerOptions io;
  io.resource = r;
  if (r.namespaced) io.namespaces = options_.namespaces;
  io.resyncPeriod = options_.resyncPeriod;
  // Every object of an applied kind, others' trimmed to metadata: absence
  // from the cache then means absence (child_cache_transform.h).
  if (ownedKind) io.transform = trimChildForCache;
  if (r == res::kSecrets) io.transform = digestSecret;
  if (r == res::kNamespaces) io.transform = trimNamespace;
  if (r == res::kPods) {
    io.labelSelector = kAgentPodSelector;
    io.transform = trimAgentPod;
  }
  auto inf = std::make_unique<ctrl::cache::Informer>(client_, io, options_.clock);
  if (!(r == kClusterAgents)) {
    inf->addIndex(kOwnerIndex, ownerKeys);
  }
  return inf;
}

void ClusterAgentOperator::addInformer(std::unique_ptr<ctrl::cache::Informer> inf,
                                       const ctrl::cache::Store** slot) {
  *slot = &inf->store();
  informers_.push_back(std::move(inf));
}

void ClusterAgentOperator::registerWith(ctrl::manager::Manager& manager) {
  for (auto& inf : informers_) {
    ctrl::cache::Informer* p = inf.get();
    manager.addCache(
        p->resource().qualifiedName(), [p] { p->start(); },
        [p](std::chrono::milliseconds t) { return p->waitForSync(t); }, [p] { p->stop(); });
  }
  ConnectionObserver* conn = connection_.get();
  manager.addRunnable(
      "clusteragent-server-prober", [conn](const ctrl::StopSignal& stop) { conn->run(stop); },
      false);
  ctrl::queue::Controller* c = controller_.get();
  manager.addRunnable(
      "clusteragent-controller",
      [c](const ctrl::StopSignal& stop) {
        c->start();
        stop.wait();
        c->stop(std::chrono::seconds(25));
      },
      true);
}

bool ClusterAgentOperator::start(std::chrono::milliseconds syncTimeout) {
  for (auto& inf : informers_) inf->start();
  for (auto& inf : informers_) {
    if (!inf->waitForSync(syncTimeout)) return false;
  }
  connection_->start();
  controller_->start();
  return true;
}

void ClusterAgentOperator::stop() {
  if (controller_) controller_->stop(std::chrono::seconds(10));
  if (connection_) connection_->stop();
  for (auto& inf : informers_) inf->stop();
}

}  // namespace clusteragent
