#include "controller/manager/event_recorder_impl.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "controller/logging/logger.h"

namespace ctrl::manager {

using nlohmann::json;

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string hostname() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0 || !host[0]) return "unknown";
  return host;
}

std::string objectKey(const json& involved) {
  const json meta = involved.value("metadata", json::object());
  std::string uid = meta.value("uid", "");
  if (!uid.empty()) return uid;
  return involved.value("kind", "") + "/" + meta.value("namespace", "") + "/" +
         meta.value("name", "");
}

json objectReference(const json& involved) {
  const json meta = involved.value("metadata", json::object());
  json ref = {{"apiVersion", involved.value("apiVersion", "")},
              {"kind", involved.value("kind", "")},
              {"name", meta.value("name", "")}};
  if (meta.contains("namespace")) ref["namespace"] = meta["namespace"];
  if (meta.contains("uid")) ref["uid"] = meta["uid"];
  if (meta.contains("resourceVersion")) ref["resourceVersion"] = meta["resourceVersion"];
  return ref;
}

}  // namespace

KubeEventRecorder::KubeEventRecorder(kube::KubeClientPtr client, EventRecorderOptions options)
    : client_(std::move(client)), options_(std::move(options)) {
  if (!options_.clock) options_.clock = std::make_shared<RealClock>();
  if (options_.instance.empty()) options_.instance = hostname();
  worker_ = std::thread([this] { loop(); });
}

KubeEventRecorder::~KubeEventRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void KubeEventRecorder::event(const json& involved, const std::string& type,
                              const std::string& reason, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= options_.queueCapacity) {
      ++dropped_;
      return;
    }
    queue_.push_back({involved, type, reason, message});
    ++enqueued_;
  }
  cv_.notify_all();
}

void KubeEventRecorder::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  uint64_t target = enqueued_;
  cv_.wait(lock, [&] { return processed_ >= target; });
}

uint64_t KubeEventRecorder::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void KubeEventRecorder::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything written
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    // An exception here would end the process (std::terminate on a thread);
    // an Event is never worth that, whatever the object or text it carries.
    try {
      write(p);
    } catch (const std::exception& e) {
      logging::warn("dropping an event that could not be written",
                    {{"reason", p.reason}, {"error", e.what()}});
    } catch (...) {
      logging::warn("dropping an event that could not be written", {{"reason", p.reason}});
    }
    lock.lock();
    ++processed_;
    cv_.notify_all();
  }
}

bool KubeEventRecorder::allow(const std::string& key) {
  auto now = options_.clock->now();
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    it = buckets_.emplace(key, Bucket{static_cast<double>(options_.spamBurst), now}).first;
  }
  Bucket& b = it->second;
  double refill = std::chrono::duration<double>(now - b.refilled).count() /
                  std::chrono::duration<double>(options_.spamRefillInterval).count();
  b.tokens = std::min<double>(options_.spamBurst, b.tokens + refill);
  b.refilled = now;
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

void KubeEventRecorder::prune(std::chrono::steady_clock::time_point now) {
  if (now - last_prune_ < std::chrono::minutes(1)) return;
  last_prune_ = now;
  for (auto it = aggregates_.begin(); it != aggregates_.end();) {
    if (now - it->second.lastSeen >= options_.aggregationWindow)
      it = aggregates_.erase(it);
    else
      ++it;
  }
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    // A full bucket carries no state worth keeping.
    double full = std::chrono::duration<double>(now - it->second.refilled).count() /
                      std::chrono::duration<double>(options_.spamRefillInterval).count() +
                  it->second.tokens;
    if (full >= options_.spamBurst)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

void KubeEventRecorder::write(const Pending& p) {
  auto now = options_.clock->now();
  auto wallNow = options_.clock->wallNow();
  prune(now);
  json ref = objectReference(p.involved);
  std::string objKey = objectKey(p.involved);
  json logFields = {{"object", ref.value("namespace", "") + "/" + ref.value("name", "")},
                    {"kind", ref.value("kind", "")},
                    {"reason", p.reason}};
  if (!allow(objKey)) {
    std::lock_guard<std::mutex> lock(mu_);
    ++dropped_;
    logging::debug("event dropped by spam filter", logFields);
    return;
  }
  std::string aggKey = objKey + "\x1f" + p.type + "\x1f" + p.reason + "\x1f" + p.message;
  auto agg = aggregates_.find(aggKey);
  if (agg != aggregates_.end() && now - agg->second.lastSeen < options_.aggregationWindow) {
    int count = agg->second.count + 1;
    json patch = {{"count", count}, {"lastTimestamp", rfc3339(wallNow)}};
    auto patched = client_->patch(kube::resources::kEvents, agg->second.ns, agg->second.name,
                                  kube::PatchType::kMerge, patch);
    if (patched.isOk()) {
      agg->second.count = count;
      agg->second.lastSeen = now;
      return;
    }
    if (!kube::isNotFound(patched.status())) {
      logFields["error"] = patched.status().toString();
      logging::warn("updating event failed", logFields);
      return;
    }
    aggregates_.erase(agg);  // the Event expired server-side: start a new one
  }

  std::string ns = ref.value("namespace", "");
  if (ns.empty()) ns = "default";
  char suffix[32];
  std::snprintf(suffix, sizeof(suffix), "%llx",
                static_cast<unsigned long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(wallNow.time_since_epoch())
                        .count()));
  std::string name = ref.value("name", "object") + "." + suffix;
  std::string ts = rfc3339(wallNow);
  json ev = {{"apiVersion", "v1"},
             {"kind", "Event"},
             {"metadata", {{"name", name}, {"namespace", ns}}},
             {"involvedObject", ref},
             {"reason", p.reason},
             {"message", p.message},
             {"type", p.type},
             {"source", {{"component", options_.component}}},
             {"firstTimestamp", ts},
             {"lastTimestamp", ts},
             {"count", 1},
             {"reportingComponent", options_.component},
             {"reportingInstance", options_.instance}};
  auto created = client_->create(kube::resources::kEvents, ns, ev);
  if (!created.isOk()) {
    logFields["error"] = created.status().toString();
    logging::warn("creating event failed", logFields);
    return;
  }
  aggregates_[aggKey] = Aggregate{ns, name, 1, now};
}

}  // namespace ctrl::manager
