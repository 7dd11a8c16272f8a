#include "reconcilers/clusteragent/connection_observer.h"

#include "controller/kube/base64.h"
#include "controller/logging/logger.h"
#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "reconcilers/clusteragent/secret_digest.h"

namespace clusteragent {

namespace res = ctrl::kube::resources;
using ctrl::kube::Code;
using ctrl::kube::Status;

namespace {

// The proxy URL is remembered beside the CA, under the ClusterAgent's key
// plus this ('#' is in no object key, so it never collides with another's).
constexpr const char* kProxyMemoSuffix = "#proxy";

// What status leaves out (resolved addresses, certificate names, the proxy's
// answer) is for the operator's log, once per changed result.
void logProbeResult(const std::string& key, const prober::ProbeResult& r) {
  ctrl::logging::info("server probe result changed", {{"clusteragent", key},
                                                      {"reason", prober::reasonName(r.reason)},
                                                      {"message", r.message},
                                                      {"detail", r.detail},
                                                      {"address", r.resolvedAddress},
                                                      {"durationMs", r.duration.count()}});
}

}  // namespace

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
      [this](const std::string& key, const prober::ProbeObservation& obs, bool changed) {
        if (!changed) return;
        logProbeResult(key, obs.result);
        if (on_changed_) on_changed_(key);
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

std::optional<ConnectionObserver::SecretSource> ConnectionObserver::caSourceOf(
    const ClusterAgentSpec& spec) {
  if (spec.insecureSkipVerify) return std::nullopt;
  if (spec.caSecretRef)
    return SecretSource{spec.meta.ns, spec.caSecretRef->name, spec.caSecretRef->key};
  if (auto name = agentDefaultCaSecret(spec)) return SecretSource{spec.argocdNamespace, *name, ""};
  return std::nullopt;
}

namespace {

// The digests of the keys the bundle is made of, joined; empty when a key is
// missing (or the Secret has no data).
std::string bundleDigest(const json& digested, const std::string& key) {
  if (!key.empty()) {
    const json* d = dataDigest(digested, key);
    return d ? d->value("sha256", "") : "";
  }
  std::string joined;
  const json digests = digested.value(kDataDigestField, json::object());
  for (const auto& [k, d] : digests.items()) {
    joined += k + "=" + d.value("sha256", "") + ";";
  }
  return joined;
}

}  // namespace

ctrl::kube::StatusOr<std::optional<std::string>> ConnectionObserver::secretValue(
    const std::string& key, const SecretSource& source, const ctrl::cache::Store* secrets,
    ctrl::kube::KubeClient& client, std::string* whyNot) {
  const std::string where = "Secret " + source.ns + "/" + source.name +
                            (source.key.empty() ? "" : " key \"" + source.key + "\"");
  std::string digest;
  if (secrets != nullptr) {
    auto cached = secrets->get(ctrl::cache::objectKey(source.ns, source.name));
    digest = cached ? bundleDigest(*cached, source.key) : "";
    if (digest.empty()) {
      const char* missing = source.key.empty() ? " has no data" : " does not exist";
      *whyNot = where + (cached ? missing : ": the Secret does not exist");
      return std::optional<std::string>();
    }
  }
  // Shared only for a digest the cache vouches for: the same Secret, key and content.
  const std::string sourceKey =
      digest.empty() ? "" : source.ns + "/" + source.name + "#" + source.key + "@" + digest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = values_.find(key);
    if (!digest.empty() && it != values_.end() && it->second.digest == digest) {
      return std::optional<std::string>(*it->second.value);
    }
    auto shared = sourceKey.empty() ? bySource_.end() : bySource_.find(sourceKey);
    if (shared != bySource_.end()) {
      if (auto value = shared->second.lock()) {
        values_[key] = CachedValue{digest, value};
        return std::optional<std::string>(*value);
      }
      bySource_.erase(shared);
    }
  }
  auto secret = client.get(res::kSecrets, source.ns, source.name);
  if (!secret.isOk()) {
    if (secret.status().code() == Code::kNotFound) {
      *whyNot = where + ": the Secret does not exist";
      return std::optional<std::string>();
    }
    return secret.status();
  }
  std::string value;
  const json data = secret->value("data", json::object());
  for (const auto& [k, v] : data.items()) {
    if (!source.key.empty() && k != source.key) continue;
    auto decoded = v.is_string() ? ctrl::kube::base64Decode(v.get<std::string>()) : std::nullopt;
    if (!decoded) {
      *whyNot =
          "Secret " + source.ns + "/" + source.name + " key \"" + k + "\" is not valid base64";
      return std::optional<std::string>();
    }
    if (!value.empty() && value.back() != '\n') value += '\n';
    value += *decoded;
  }
  if (value.empty()) {
    *whyNot = where + " does not exist";
    return std::optional<std::string>();
  }
  auto held = std::make_shared<const std::string>(value);
  std::lock_guard<std::mutex> lock(mu_);
  values_[key] = CachedValue{digest.empty() ? sha256Hex(value) : digest, held};
  pruneSharedLocked();  // a value this one replaced
  if (!sourceKey.empty()) bySource_[sourceKey] = held;
  return std::optional<std::string>(value);
}

ctrl::kube::StatusOr<ServerReachability> ConnectionObserver::observeServer(
    const std::string& key, const ClusterAgentSpec& spec, const ctrl::cache::Store* secrets,
    ctrl::kube::KubeClient& client) {
  auto notProbed = [&](const char* reason, std::string message) {
    ServerReachability r;
    r.host = spec.serverHost;
    r.port = spec.serverPort;
    r.notProbedReason = reason;
    r.notProbedMessage = std::move(message);
    return r;
  };
  if (!options_.probeEnabled) {
    return notProbed("ProbeDisabled",
                     "not probed: the operator's own probe of serverAddr is off (--probe=false); "
                     "Connected still reports the agent's connection");
  }
  prober::ProbeTarget target;
  target.host = spec.serverHost;
  target.port = static_cast<uint16_t>(spec.serverPort);
  target.insecureSkipVerify = spec.insecureSkipVerify;
  {
    std::string whyNot;
    auto proxy = httpsProxy(key, spec, secrets, client, &whyNot);
    if (!proxy.isOk()) return proxy.status();
    if (!*proxy) {
      // A direct probe would test a path the agent does not take.
      scheduler_->remove(key);
      return notProbed("ProxyUnavailable", "not probed: the proxy URL in " + whyNot);
    }
    target.httpsProxy = std::move(**proxy);
  }
  target.noProxy = spec.proxy.noProxy;
  target.timeout = options_.probeTimeout;
  if (auto source = caSourceOf(spec)) {
    std::string whyNot;
    auto pem = secretValue(key, *source, secrets, client, &whyNot);
    if (!pem.isOk()) return pem.status();
    if (!*pem) {
      // Probing against the system roots instead would report a misleading
      // CertificateUntrusted; CredentialsReady already names the Secret.
      scheduler_->remove(key);
      return notProbed("CAUnavailable", "not probed: the CA bundle in " + whyNot);
    }
    target.caPem = **pem;
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    values_.erase(key);
  }
  scheduler_->schedule(key, target);
  return gatherServerReachability(spec.serverHost, spec.serverPort, scheduler_->latest(key),
                                  clock_->wallNow());
}

ctrl::kube::StatusOr<std::optional<std::string>> ConnectionObserver::httpsProxy(
    const std::string& key, const ClusterAgentSpec& spec, const ctrl::cache::Store* secrets,
    ctrl::kube::KubeClient& client, std::string* whyNot) {
  const std::string memoKey = key + kProxyMemoSuffix;
  if (!spec.proxy.httpsProxySecretRef) {
    std::lock_guard<std::mutex> lock(mu_);
    values_.erase(memoKey);
    return std::optional<std::string>(spec.proxy.httpsProxy);
  }
  const SecretKeyRef& ref = *spec.proxy.httpsProxySecretRef;
  return secretValue(memoKey, SecretSource{spec.meta.ns, ref.name, ref.key}, secrets, client,
                     whyNot);
}

void ConnectionObserver::pruneSharedLocked() {
  for (auto it = bySource_.begin(); it != bySource_.end();) {
    it = it->second.expired() ? bySource_.erase(it) : std::next(it);
  }
}

void ConnectionObserver::forget(const std::string& ns, const std::string& name) {
  const std::string key = ctrl::cache::objectKey(ns, name);
  scheduler_->remove(key);
  {
    std::lock_guard<std::mutex> lock(mu_);
    values_.erase(key);
    values_.erase(key + kProxyMemoSuffix);
    pruneSharedLocked();
  }
  metrics_.forget(ns, name);
}

}  // namespace clusteragent
