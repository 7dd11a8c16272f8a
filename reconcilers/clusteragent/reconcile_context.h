#pragma once
// What one reconcile of one ClusterAgent carries from step to step: the
// object, its parsed spec, the client and caches, and the status inputs the
// steps gather as they go. Steps are functions `StepResult ensureX(ReconcileContext&)`.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/apply/apply.h"
#include "controller/kube/kube_client.h"
#include "reconcilers/clusteragent/agent_image.h"
#include "reconcilers/clusteragent/caches.h"
#include "reconcilers/clusteragent/credential_sources.h"
#include "reconcilers/clusteragent/desired_object.h"
#include "reconcilers/clusteragent/spec.h"
#include "reconcilers/clusteragent/status_evaluation.h"
#include "reconcilers/clusteragent/tenant_policy.h"

namespace clusteragent {

using nlohmann::json;
class ConnectionObserver;

struct ReconcilerOptions {
  std::string agentImage = kDefaultAgentImage;
  // What a ClusterAgent may ask for (tenant_policy.h); refused specs are
  // SpecValid=False and get nothing applied.
  TenantPolicy tenantPolicy;
  // Called once per applied child (metrics: writes by kind and outcome).
  std::function<void(const std::string& kind, ctrl::apply::ApplyOutcome)> onApply;
  // Server probes + connection metrics (connection_observer.h); null: not observed.
  std::shared_ptr<ConnectionObserver> connection;
  // The child caches hold every object of their kinds in the namespaces the
  // operator watches (child_cache_transform.h), so a child not cached there
  // does not exist and is created without a read first. False for caches
  // that hold only ours (tests).
  bool childCachesHoldAll = false;
  // Status changes that flip nothing wait this long after the last write to
  // the same ClusterAgent (status_write_pacer.h). 0: written at once.
  std::chrono::milliseconds statusDetailInterval{0};
};

struct ReconcileContext {
  ReconcileContext(json cr, ctrl::kube::KubeClient& client, const Caches& caches,
                   const ReconcilerOptions& options)
      : cr(std::move(cr)), client(client), caches(caches), options(options) {}

  json cr;  // a copy of the cached ClusterAgent, with apiVersion and kind set
  ctrl::kube::KubeClient& client;
  const Caches& caches;
  const ReconcilerOptions& options;

  std::string ns;
  std::string name;
  std::string key;        // "ns/name": on every log line about this object
  ClusterAgentSpec spec;  // valid once ensure steps run

  StatusInputs status;
  CredentialSources credentials;              // set by ensureCredentials
  std::chrono::system_clock::time_point now;  // the reconcile's wall clock
  // Set by a step that expects news nothing will send an event for.
  std::optional<std::chrono::milliseconds> requeueAfter;
  // Set by the reconcile when a step before the Deployment failed: the
  // Deployment is then left as it is (ensure_deployment.cpp).
  bool siblingFailed = false;

  // The one write path, with the outcome reported to options.onApply.
  ctrl::kube::StatusOr<ctrl::apply::ApplyOutcome> apply(const ctrl::kube::Resource& r,
                                                        const json& desired, const json* live,
                                                        const ctrl::apply::ApplyOptions& o = {});
  ctrl::kube::StatusOr<ctrl::apply::ApplyOutcome> apply(const DesiredObject& d, const json* live,
                                                        const ctrl::apply::ApplyOptions& o = {}) {
    return apply(d.resource, d.object, live, o);
  }
  // The cached object of d's kind, namespace and name in store.
  const json* cachedFor(const ctrl::cache::Store* store, const DesiredObject& d) {
    return cached(store, d.ns(), d.name());
  }
  // The cached object of r at ns/name (ns ignored for cluster-scoped kinds).
  const json* cached(const ctrl::cache::Store* store, const std::string& ns,
                     const std::string& name);

 private:
  std::vector<ctrl::cache::ObjectPtr> pinned_;  // keeps returned cache objects alive
};

// continue (stop=false) or stop the sequence; error is aggregated either way.
struct StepResult {
  bool stop = false;
  ctrl::kube::Status error;
  static StepResult next() { return {}; }
  static StepResult halt() { return {true, {}}; }
  static StepResult fail(ctrl::kube::Status s) { return {false, std::move(s)}; }
};

}  // namespace clusteragent
