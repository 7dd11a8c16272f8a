#include "controller/cache/reflector.h"

#include <exception>
#include <random>

#include "controller/kube/watch_framing.h"
#include "controller/logging/logger.h"

namespace ctrl::cache {

int jitteredWatchTimeout(std::chrono::seconds base) {
  thread_local std::mt19937 gen{std::random_device{}()};
  std::uniform_real_distribution<double> factor(1.0, 2.0);
  return static_cast<int>(static_cast<double>(base.count()) * factor(gen));
}

using kube::Code;
using kube::Status;
using kube::StatusOr;
using kube::WatchEvent;

namespace {

std::string resourceVersionOf(const json& obj) {
  auto md = obj.find("metadata");
  if (md == obj.end() || !md->is_object()) return "";
  auto rv = md->find("resourceVersion");
  return rv != md->end() && rv->is_string() ? rv->get<std::string>() : "";
}

// A stream that ends this soon without a single event is a failure, not a
// timeout: reconnecting at once would spin.
constexpr auto kMinHealthyWatch = std::chrono::seconds(1);

}  // namespace

Reflector::Reflector(kube::KubeClientPtr client, ReflectorOptions opts, Store& store,
                     ReflectorSink sink)
    : client_(std::move(client)),
      opts_(std::move(opts)),
      store_(store),
      sink_(std::move(sink)),
      backoff_(opts_.backoff) {}

json Reflector::logFields() const {
  return {{"resource", opts_.resource.qualifiedName()}, {"namespace", opts_.ns}};
}

std::string Reflector::lastResourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return resource_version_;
}

void Reflector::setResourceVersion(const std::string& rv) {
  if (rv.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  resource_version_ = rv;
}

void Reflector::interrupt() {
  std::lock_guard<std::mutex> lock(mu_);
  interrupted_ = true;
  if (current_) current_->cancel();
}

bool Reflector::sleepFor(const StopSignal& stop, std::chrono::milliseconds d) {
  if (opts_.sleep) return opts_.sleep(d) || stop.stopRequested();
  return stop.waitFor(d);
}

void Reflector::run(const StopSignal& stop) {
  bool needList = opts_.initialWatchResourceVersion.empty();
  if (!needList) setResourceVersion(opts_.initialWatchResourceVersion);
  while (!stop.stopRequested()) {
    if (needList) {
      Status st = listAndReplace(stop);
      if (!st.isOk()) {
        // kCancelled: the client was shut down for the process to end; nothing will work again.
        if (stop.stopRequested() || st.code() == Code::kCancelled) return;
        auto delay = backoff_.next();
        json f = logFields();
        f["error"] = st.toString();
        f["retry_in_ms"] = delay.count();
        logging::warn("list failed", f);
        if (sleepFor(stop, delay)) return;
        continue;
      }
      needList = false;
    }
    const char* reason = "";
    const WatchEnd end = watchOnce(stop);
    switch (end) {
      case WatchEnd::kStopped:
        return;
      case WatchEnd::kReconnect:
        reason = "watch ended";
        break;
      case WatchEnd::kRelist:
        needList = true;
        reason = "resource version too old";
        break;
      case WatchEnd::kBackoffRewatch:
      case WatchEnd::kBackoffRelist: {
        // Only a failure we cannot read as "resume from here" pays a relist.
        needList = end == WatchEnd::kBackoffRelist;
        auto delay = backoff_.next();
        json f = logFields();
        f["retry_in_ms"] = delay.count();
        logging::info("watch backing off", f);
        if (sleepFor(stop, delay)) return;
        reason = "watch failed";
        break;
      }
    }
    json f = logFields();
    f["reason"] = reason;
    f["resource_version"] = lastResourceVersion();
    // A periodic server-side watch timeout is routine; anything else is worth a line.
    if (end == WatchEnd::kReconnect) {
      logging::debug("watch restarting", f);
    } else {
      logging::info(needList ? "relisting" : "watch restarting", f);
    }
    if (sink_.onRestart) sink_.onRestart(reason);
  }
}

StatusOr<std::vector<ObjectPtr>> Reflector::listAll(std::string* resourceVersion, int64_t limit) {
  std::vector<ObjectPtr> out;
  kube::ListOptions lo;
  lo.labelSelector = opts_.labelSelector;
  lo.fieldSelector = opts_.fieldSelector;
  lo.limit = limit;
  for (;;) {
    auto page = client_->list(opts_.resource, opts_.ns, lo);
    if (!page.isOk()) return page.status();
    const json& list = *page;
    auto items = list.find("items");
    if (items != list.end() && items->is_array()) {
      for (const auto& item : *items) {
        if (auto obj = prepare(item)) out.push_back(std::move(obj));
      }
    }
    const json md = list.value("metadata", json::object());
    *resourceVersion = md.value("resourceVersion", "");
    lo.continueToken = md.value("continue", "");
    if (lo.continueToken.empty()) break;
  }
  return out;
}

Status Reflector::listAndReplace(const StopSignal& stop) {
  std::string rv;
  auto items = listAll(&rv, opts_.pageSize);
  if (!items.isOk() && kube::isGone(items.status()) && opts_.pageSize > 0 &&
      !stop.stopRequested()) {
    // The continue token expired between pages: one unpaged list is consistent.
    logging::info("paged list expired, listing without paging", logFields());
    items = listAll(&rv, 0);
  }
  if (!items.isOk()) return items.status();
  ++lists_;

  std::optional<std::string> scope;
  if (!opts_.ns.empty()) scope = opts_.ns;
  ReplaceDiff diff = store_.replaceScoped(std::move(*items), scope);
  setResourceVersion(rv);
  json f = logFields();
  f["objects"] = store_.size();
  f["added"] = diff.added.size();
  f["updated"] = diff.updated.size();
  f["removed"] = diff.removed.size();
  f["resource_version"] = rv;
  logging::debug("listed", f);

  for (const auto& obj : diff.removed) {
    if (sink_.onDelete) sink_.onDelete(obj);
  }
  for (const auto& obj : diff.added) {
    if (sink_.onAdd) sink_.onAdd(obj);
  }
  for (const auto& [oldObj, newObj] : diff.updated) {
    if (sink_.onUpdate) sink_.onUpdate(oldObj, newObj);
  }
  synced_ = true;
  if (sink_.onSynced) sink_.onSynced();
  return Status::ok();
}

ObjectPtr Reflector::prepare(json obj) const {
  // List items carry no kind/apiVersion; handlers and owner lookups want them.
  if (!obj.contains("kind")) obj["kind"] = opts_.resource.kind;
  if (!obj.contains("apiVersion")) obj["apiVersion"] = opts_.resource.apiVersion();
  if (!opts_.transform) return std::make_shared<const json>(std::move(obj));
  std::string key = objectKey(obj);
  std::string error;
  try {
    json out = opts_.transform(std::move(obj));
    // Stored under another key (or none), it would shadow or lose an object.
    if (out.is_object() && objectKey(out) == key) {
      return std::make_shared<const json>(std::move(out));
    }
    error = "transform returned no object with the same namespace and name";
  } catch (const std::exception& e) {
    error = e.what();
  }
  // Caching the untransformed object could keep data the transform drops (Secret values).
  json f = logFields();
  f["object"] = key;
  f["error"] = error;
  logging::error("transform failed, object not cached", f);
  return nullptr;
}

bool Reflector::apply(const WatchEvent& ev) {
  const std::string rv = resourceVersionOf(ev.object);
  ObjectPtr obj = prepare(ev.object);
  // Not cached: the event must not be skipped by moving past its version.
  if (!obj) return false;
  if (ev.type == WatchEvent::Type::kDeleted) {
    ObjectPtr prev = store_.remove(objectKey(*obj));
    if (sink_.onDelete) sink_.onDelete(obj);
  } else {
    ObjectPtr prev = store_.upsert(obj);
    if (prev) {
      if (sink_.onUpdate) sink_.onUpdate(prev, obj);
    } else if (sink_.onAdd) {
      sink_.onAdd(obj);
    }
  }
  setResourceVersion(rv);
  return true;
}

Reflector::WatchEnd Reflector::watchOnce(const StopSignal& stop) {
  kube::WatchOptions wo;
  wo.labelSelector = opts_.labelSelector;
  wo.fieldSelector = opts_.fieldSelector;
  wo.resourceVersion = lastResourceVersion();
  wo.allowWatchBookmarks = true;
  wo.timeoutSeconds = jitteredWatchTimeout(opts_.watchTimeout);
  ++watches_;

  auto opened = client_->watch(opts_.resource, opts_.ns, wo);
  if (!opened.isOk()) {
    if (stop.stopRequested() || opened.status().code() == Code::kCancelled) {
      return WatchEnd::kStopped;
    }
    if (kube::isGone(opened.status())) return WatchEnd::kRelist;
    json f = logFields();
    f["error"] = opened.status().toString();
    logging::warn("watch failed to open", f);
    return kube::isRetryable(opened.status()) ? WatchEnd::kBackoffRewatch
                                              : WatchEnd::kBackoffRelist;
  }
  kube::WatchStreamPtr stream = std::move(*opened);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (interrupted_ || stop.stopRequested()) {
      stream->cancel();
      return WatchEnd::kStopped;
    }
    current_ = stream.get();
  }
  struct Unregister {
    Reflector* r;
    ~Unregister() {
      std::lock_guard<std::mutex> lock(r->mu_);
      r->current_ = nullptr;
    }
  } unregister{this};

  const auto opened_at = std::chrono::steady_clock::now();
  uint64_t events = 0;
  for (;;) {
    auto next = stream->next();
    if (stop.stopRequested()) return WatchEnd::kStopped;
    if (!next.isOk()) {
      const Status& st = next.status();
      if (st.code() == Code::kCancelled) return WatchEnd::kStopped;
      if (kube::isGone(st)) return WatchEnd::kRelist;
      json f = logFields();
      f["error"] = st.toString();
      f["resource_version"] = lastResourceVersion();
      if (st.code() == Code::kTimeout) {
        // No bytes for the client's read timeout: the connection is presumed dead.
        logging::warn("watch went silent, reconnecting", f);
        return WatchEnd::kReconnect;
      }
      logging::warn("watch stream failed", f);
      return WatchEnd::kBackoffRewatch;
    }
    if (!next->has_value()) {
      if (events == 0 && std::chrono::steady_clock::now() - opened_at < kMinHealthyWatch) {
        return WatchEnd::kBackoffRewatch;
      }
      return WatchEnd::kReconnect;
    }
    const WatchEvent& ev = **next;
    switch (ev.type) {
      case WatchEvent::Type::kError: {
        // Read defensively: a string code or an object message must not throw
        // out of the watch loop.
        const kube::WatchErrorStatus error = kube::watchErrorStatus(ev.object);
        if (error.code == 410) return WatchEnd::kRelist;
        json f = logFields();
        f["code"] = error.code;
        f["message"] = error.message;
        logging::warn("watch error event", f);
        return WatchEnd::kBackoffRelist;
      }
      case WatchEvent::Type::kBookmark:
        setResourceVersion(resourceVersionOf(ev.object));
        break;
      default:
        if (!apply(ev)) {
          // The store would otherwise keep the object's previous state (or a
          // deleted object) with nothing to correct it until a 410. A relist
          // re-reads the current state; the backoff keeps a transform that
          // keeps failing from spinning list calls.
          json f = logFields();
          f["resource_version"] = lastResourceVersion();
          logging::warn("watch event not cached, relisting", f);
          return WatchEnd::kBackoffRelist;
        }
        break;
    }
    ++events;
    backoff_.reset();
  }
}

}  // namespace ctrl::cache
