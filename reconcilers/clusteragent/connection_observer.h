#pragma once
// What the reconciler needs to report the connection: the ProbeScheduler that
// probes each ClusterAgent's serverAddr off the reconcile workers, the CA
// bundles those probes verify with, and the connection metrics.
//
// CA bundles: the Secret cache holds digests only (secret_digest.h), so the
// PEM is fetched with one GET when the digest of tls.caSecretRef's key
// changes, and kept in memory per ClusterAgent. A CA certificate is not a
// secret, but it is never logged or written to status either.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "controller/cache/store.h"
#include "controller/clock/clock.h"
#include "controller/clock/stop_signal.h"
#include "controller/kube/kube_client.h"
#include "reconcilers/clusteragent/connection_metrics.h"
#include "reconcilers/clusteragent/prober/probe_scheduler.h"
#include "reconcilers/clusteragent/server_reachability.h"
#include "reconcilers/clusteragent/spec.h"

namespace clusteragent {

struct ConnectionObserverOptions {
  // --probe: false leaves every serverAddr unprobed; ServerReachable then
  // says so (Unknown, ProbeDisabled) instead of a stale or guessed result.
  bool probeEnabled = true;
  std::chrono::milliseconds probeInterval{60000};  // --probe-interval
  std::chrono::milliseconds probeTimeout{5000};    // --probe-timeout, the whole probe
  size_t probeWorkers = 4;
  // How often idle probe workers re-read the clock (simulated clocks in tests).
  std::chrono::milliseconds maxIdleWait{1000};
};

class ConnectionObserver {
 public:
  // onResultChanged(key) is called on a prober thread when a key's probe
  // result differs from its previous one (enqueue the ClusterAgent).
  ConnectionObserver(prober::TlsProberPtr prober, ConnectionObserverOptions options,
                     ctrl::ClockPtr clock = nullptr,
                     ctrl::manager::Registry& registry = ctrl::manager::Registry::global());
  ~ConnectionObserver();

  // Before start().
  void setOnResultChanged(std::function<void(const std::string& key)> fn);
  void start();
  void stop();
  void run(const ctrl::StopSignal& stop);

  // (Re)schedules the probe of key from the spec (cheap when nothing
  // changed) and returns what ServerReachable should say now. Errors only
  // when the GET of the CA or proxy Secret fails (retry).
  ctrl::kube::StatusOr<ServerReachability> observeServer(const std::string& key,
                                                         const ClusterAgentSpec& spec,
                                                         const ctrl::cache::Store* secrets,
                                                         ctrl::kube::KubeClient& client);
  // Stops probing key and drops its metric series (deleted or invalid).
  void forget(const std::string& ns, const std::string& name);

  ConnectionMetrics& metrics() { return metrics_; }
  prober::ProbeScheduler& scheduler() { return *scheduler_; }

 private:
  struct CachedValue {
    std::string digest;
    std::shared_ptr<const std::string> value;
  };
  // A Secret value the probe needs: the CA (tls.caSecretRef's key, or every
  // key of the agent's default CA Secret, agent_default_secrets.h) or the
  // proxy URL (proxy.httpsProxySecretRef).
  struct SecretSource {
    std::string ns;
    std::string name;
    std::string key;  // empty: every key joined, as upstream reads its default CA Secret
  };
  // nullopt: the agent uses a file in its image (tls.rootCAPath) or verifies nothing.
  static std::optional<SecretSource> caSourceOf(const ClusterAgentSpec& spec);
  // The value of source, remembered under memoKey: from memory when the
  // cached digest is unchanged, else by GET. nullopt + *whyNot (naming the
  // Secret and key, never the value) when unavailable.
  ctrl::kube::StatusOr<std::optional<std::string>> secretValue(const std::string& memoKey,
                                                               const SecretSource& source,
                                                               const ctrl::cache::Store* secrets,
                                                               ctrl::kube::KubeClient& client,
                                                               std::string* whyNot);
  // The proxy URL the agent uses: spec.proxy.httpsProxy, or the Secret's
  // value. nullopt + *whyNot when the Secret is unavailable.
  ctrl::kube::StatusOr<std::optional<std::string>> httpsProxy(const std::string& key,
                                                              const ClusterAgentSpec& spec,
                                                              const ctrl::cache::Store* secrets,
                                                              ctrl::kube::KubeClient& client,
                                                              std::string* whyNot);

  void pruneSharedLocked();  // mu_ held; drops bySource_ entries no memo holds

  ConnectionObserverOptions options_;
  ctrl::ClockPtr clock_;
  ConnectionMetrics metrics_;
  std::function<void(const std::string&)> on_changed_;
  std::unique_ptr<prober::ProbeScheduler> scheduler_;
  std::mutex mu_;
  std::map<std::string, CachedValue> values_;  // by memo key: the ClusterAgent's, plus "#proxy"
  // The same values by Secret and digest: ClusterAgents of a namespace share
  // its default CA Secret, and the first one's GET serves the others (issue
  // 12: one GET per ClusterAgent, 8 % of a new one's requests). Entries
  // expire with the last memo holding the value.
  std::map<std::string, std::weak_ptr<const std::string>> bySource_;
};

}  // namespace clusteragent
