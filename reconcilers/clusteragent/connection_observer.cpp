#include "reconcilers/clusteragent/connection_observer.h"

#include "controller/kube/base64.h"
#include "reconcilers/clusteragent/secret_digest.h"

namespace clusteragent {

namespace res = ctrl::kube::resources;
using ctrl::kube::Code;
using ctrl::kube::Status;

ConnectionObserver::ConnectionObserver(prober::TlsProberPtr prober,
                                       ConnectionObserverOptions options, ctrl::ClockPtr clock,
                                       ctrl::manager::Registry& registry)
    : options_(options),
      clock_(clock ? std::move(clock) : std::make_shared<ctrl::RealClock>()),
      metrics_(registry) {
  prober::ProbeSchedulerOptions so;
  so.workers = options_.probeWorkers;
  so.interval = options_.probeInterval;
  so.maxIdleWait = options_.maxIdleWait;
  scheduler_ = std::make_unique<prober::ProbeScheduler>(
      std::move(prober), clock_, so,
      [this](const std::string& key, const prober::ProbeObservation&, bool changed) {
        if (changed && on_changed_) on_changed_(key);
      });
}

ConnectionObserver::~ConnectionObserver() {
  stop();
}

void ConnectionObserver::setOnResultChanged(std::function<void(const std::string&)> fn) {
  on_changed_ = std::move(fn);
}

void ConnectionObserver::start() {
  scheduler_->start();
}
void ConnectionObserver::stop() {
  scheduler_->stop();
}
void ConnectionObserver::run(const ctrl::StopSignal& stop) {
  scheduler_->run(stop);
}

ctrl::kube::StatusOr<std::optional<std::string>> ConnectionObserver::caPem(
    const std::string& key, const ClusterAgentSpec& spec, const ctrl::cache::Store* secrets,
    ctrl::kube::KubeClient& client, std::string* whyNot) {
  const SecretKeyRef& ref = *spec.caSecretRef;
  const std::string where = "Secret " + spec.meta.ns + "/" + ref.name + " key \"" + ref.key + "\"";
  std::string digest;
  if (secrets != nullptr) {
    auto cached = secrets->get(ctrl::cache::objectKey(spec.meta.ns, ref.name));
    const json* d = cached ? dataDigest(*cached, ref.key) : nullptr;
    if (d == nullptr) {
      *whyNot = where + (cached ? " does not exist" : ": the Secret does not exist");
      return std::optional<std::string>();
    }
    digest = d->value("sha256", "");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ca_bundles_.find(key);
    if (!digest.empty() && it != ca_bundles_.end() && it->second.digest == digest) {
      return std::optional<std::string>(it->second.pem);
    }
  }
  auto secret = client.get(res::kSecrets, spec.meta.ns, ref.name);
  if (!secret.isOk()) {
    if (secret.status().code() == Code::kNotFound) {
      *whyNot = where + ": the Secret does not exist";
      return std::optional<std::string>();
    }
    return secret.status();
  }
  const json& data = secret->value("data", json::object());
  auto it = data.find(ref.key);
  if (it == data.end() || !it->is_string()) {
    *whyNot = where + " does not exist";
    return std::optional<std::string>();
  }
  auto decoded = ctrl::kube::base64Decode(it->get<std::string>());
  if (!decoded) {
    *whyNot = where + " is not valid base64";
    return std::optional<std::string>();
  }
  std::lock_guard<std::mutex> lock(mu_);
  ca_bundles_[key] = CaBundle{digest.empty() ? sha256Hex(*decoded) : digest, *decoded};
  return std::optional<std::string>(*decoded);
}

ctrl::kube::StatusOr<ServerReachability> ConnectionObserver::observeServer(
    const std::string& key, const ClusterAgentSpec& spec, const ctrl::cache::Store* secrets,
    ctrl::kube::KubeClient& client) {
  prober::ProbeTarget target;
  target.host = spec.serverHost;
  target.port = static_cast<uint16_t>(spec.serverPort);
  target.insecureSkipVerify = spec.insecureSkipVerify;
  target.httpsProxy = spec.proxy.httpsProxy;
  target.noProxy = spec.proxy.noProxy;
  target.timeout = options_.probeTimeout;
  if (spec.caSecretRef && !spec.insecureSkipVerify) {
    std::string whyNot;
    auto pem = caPem(key, spec, secrets, client, &whyNot);
    if (!pem.isOk()) return pem.status();
    if (!*pem) {
      // Probing against the system roots instead would report a misleading
      // CertificateUntrusted; CredentialsReady already names the Secret.
      scheduler_->remove(key);
      ServerReachability r;
      r.host = spec.serverHost;
      r.port = spec.serverPort;
      r.notProbedReason = "CAUnavailable";
      r.notProbedMessage = "not probed: the CA bundle in " + whyNot;
      return r;
    }
    target.caPem = **pem;
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    ca_bundles_.erase(key);
  }
  scheduler_->schedule(key, target);
  return gatherServerReachability(spec.serverHost, spec.serverPort, scheduler_->latest(key),
                                  clock_->wallNow());
}

void ConnectionObserver::forget(const std::string& ns, const std::string& name) {
  const std::string key = ctrl::cache::objectKey(ns, name);
  scheduler_->remove(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ca_bundles_.erase(key);
  }
  metrics_.forget(ns, name);
}

}  // namespace clusteragent
