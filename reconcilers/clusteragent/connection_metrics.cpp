#include "reconcilers/clusteragent/connection_metrics.h"

namespace clusteragent {

ConnectionMetrics::ConnectionMetrics(ctrl::manager::Registry& registry)
    : connected_(registry.gauge(kConnectedMetric,
                                "1 when the ClusterAgent's agent is connected to the principal "
                                "(a Ready agent pod), else 0.")),
      reachable_(registry.gauge(kServerReachableMetric,
                                "1 when the operator's last probe of serverAddr completed a "
                                "verified TLS handshake, else 0.")),
      expiry_(
          registry.gauge(kCertificateExpiryMetric,
                         "notAfter of the certificate serverAddr presented, in Unix seconds.")) {}

void ConnectionMetrics::removeLocked(const std::string& key) {
  auto it = labels_.find(key);
  if (it == labels_.end()) return;
  connected_.remove(it->second);
  reachable_.remove(it->second);
  expiry_.remove(it->second);
  labels_.erase(it);
}

void ConnectionMetrics::record(const ConnectionSample& s) {
  const std::string key = s.ns + "/" + s.name;
  const ctrl::manager::Labels labels{{"namespace", s.ns}, {"name", s.name}, {"cluster", s.cluster}};
  std::lock_guard<std::mutex> lock(mu_);
  auto it = labels_.find(key);
  if (it != labels_.end() && it->second != labels) removeLocked(key);
  labels_[key] = labels;
  auto setOrRemove = [&](ctrl::manager::Gauge& g, std::optional<double> v) {
    if (v) {
      g.set(labels, *v);
    } else {
      g.remove(labels);
    }
  };
  setOrRemove(connected_, s.connected ? std::optional<double>(*s.connected ? 1 : 0) : std::nullopt);
  setOrRemove(reachable_,
              s.serverReachable ? std::optional<double>(*s.serverReachable ? 1 : 0) : std::nullopt);
  std::optional<double> expiry;
  if (s.certificateNotAfter) {
    expiry = static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(s.certificateNotAfter->time_since_epoch())
            .count());
  }
  setOrRemove(expiry_, expiry);
}

void ConnectionMetrics::forget(const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  removeLocked(ns + "/" + name);
}

}  // namespace clusteragent
