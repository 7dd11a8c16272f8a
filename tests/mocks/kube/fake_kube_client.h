#pragma once
// An in-memory API server for reconciler unit tests (controller-runtime's
// client/fake): objects keyed by resource/namespace/name, resourceVersion
// bumped on every real change (and only then, like the server), server-side
// apply merged into the existing object, merge and JSON patches, finalizers
// holding deletion, the status subresource kept apart from the main one,
// error injection, and a record of every write so tests can assert that an
// unchanged reconcile makes zero writes. Watches are not served: unit tests
// feed caches with syncStore().

#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "controller/cache/store.h"
#include "controller/kube/kube_client.h"
#include "tests/support/base64.h"

namespace testmocks {

using nlohmann::json;
namespace kube = ctrl::kube;

class FakeKubeClient : public kube::KubeClient {
 public:
  struct Call {
    std::string verb;      // get list create update patch delete watch
    std::string resource;  // plural
    std::string ns;
    std::string name;
    std::string subresource;
    kube::PatchType patchType = kube::PatchType::kMerge;
    json body;
    std::string fieldManager;  // create and patch
  };
  static Call makeCall(std::string verb, const kube::Resource& r, std::string ns, std::string name,
                       std::string subresource = "", kube::PatchType t = kube::PatchType::kMerge,
                       json body = json()) {
    Call c;
    c.verb = std::move(verb);
    c.resource = r.plural;
    c.ns = r.namespaced ? std::move(ns) : "";
    c.name = std::move(name);
    c.subresource = std::move(subresource);
    c.patchType = t;
    c.body = std::move(body);
    return c;
  }
  // Return a non-OK Status to make the call fail (before it has any effect).
  using Injector = std::function<std::optional<kube::Status>(const Call&)>;

  // ---- test-side helpers (no write is recorded) ----
  void seed(const kube::Resource& r, json obj) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string ns = r.namespaced ? obj["metadata"].value("namespace", "") : "";
    std::string name = obj["metadata"].value("name", "");
    stamp(r, &obj, nullptr);
    objects_[key(r, ns, name)] = obj;
  }
  std::optional<json> object(const kube::Resource& r, const std::string& ns,
                             const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key(r, r.namespaced ? ns : "", name));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<json> objects(const kube::Resource& r) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<json> out;
    for (const auto& [k, v] : objects_) {
      if (std::get<0>(k) == r.qualifiedName()) out.push_back(v);
    }
    return out;
  }
  // Makes the store hold exactly what the fake holds for r (through the
  // informer's transform when given), as a synced informer would.
  void syncStore(const kube::Resource& r, ctrl::cache::Store* store,
                 const std::function<json(json)>& transform = nullptr) const {
    std::vector<ctrl::cache::ObjectPtr> objs;
    for (auto& o : objects(r)) {
      objs.push_back(std::make_shared<const json>(transform ? transform(o) : o));
    }
    store->replace(std::move(objs));
  }

  void setInjector(Injector i) {
    std::lock_guard<std::mutex> lock(mu_);
    injector_ = std::move(i);
  }
  // Fails the next call matching verb (and resource plural, when given) once.
  void failNext(const std::string& verb, const std::string& plural, kube::Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    one_shot_.push_back({verb, plural, std::move(s)});
  }

  std::vector<Call> writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  void clearRecords() {
    std::lock_guard<std::mutex> lock(mu_);
    writes_.clear();
    calls_.clear();
  }
  size_t writeCount() const { return writes().size(); }
  size_t callCount(const std::string& verb, const std::string& plural = "") const {
    size_t n = 0;
    for (const auto& c : calls()) {
      if (c.verb == verb && (plural.empty() || c.resource == plural)) ++n;
    }
    return n;
  }

  // ---- KubeClient ----
  kube::StatusOr<json> get(const kube::Resource& r, const std::string& ns, const std::string& name,
                           const std::string& subresource = "") override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("get", r, ns, name, subresource);
    if (auto s = record(c, false)) return *s;
    auto it = objects_.find(key(r, c.ns, name));
    if (it == objects_.end()) return notFound(r, name);
    return it->second;
  }

  kube::StatusOr<json> list(const kube::Resource& r, const std::string& ns,
                            const kube::ListOptions& = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("list", r, ns, "");
    if (auto s = record(c, false)) return *s;
    json items = json::array();
    for (const auto& [k, v] : objects_) {
      if (std::get<0>(k) != r.qualifiedName()) continue;
      if (!c.ns.empty() && std::get<1>(k) != c.ns) continue;
      items.push_back(v);
    }
    return json{{"apiVersion", r.apiVersion()},
                {"kind", r.kind + "List"},
                {"metadata", {{"resourceVersion", std::to_string(rv_)}}},
                {"items", items}};
  }

  kube::StatusOr<json> create(const kube::Resource& r, const std::string& ns, const json& obj,
                              const std::string& fieldManager = "") override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string name = obj["metadata"].value("name", "");
    Call c = makeCall("create", r, ns, name, "", kube::PatchType::kMerge, obj);
    c.fieldManager = fieldManager;
    if (auto s = record(c, true)) return *s;
    auto k = key(r, c.ns, name);
    if (objects_.count(k)) {
      return kube::Status(kube::Code::kAlreadyExists,
                          r.qualifiedName() + " \"" + name + "\" already exists");
    }
    json o = obj;
    if (r.namespaced) o["metadata"]["namespace"] = c.ns;
    stamp(r, &o, nullptr);
    objects_[k] = o;
    return o;
  }

  kube::StatusOr<json> update(const kube::Resource& r, const std::string& ns, const json& obj,
                              const kube::UpdateOptions& opts = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string name = obj["metadata"].value("name", "");
    Call c = makeCall("update", r, ns, name, opts.subresource, kube::PatchType::kMerge, obj);
    if (auto s = record(c, true)) return *s;
    auto it = objects_.find(key(r, c.ns, name));
    if (it == objects_.end()) return notFound(r, name);
    std::string wantRv = obj["metadata"].value("resourceVersion", "");
    if (!wantRv.empty() && wantRv != it->second["metadata"].value("resourceVersion", "")) {
      return kube::Status(kube::Code::kConflict, "the object has been modified");
    }
    json next = it->second;
    if (opts.subresource == "status") {
      next["status"] = obj.value("status", json::object());
    } else {
      json status = it->second.value("status", json());
      next = obj;
      next["metadata"]["uid"] = it->second["metadata"]["uid"];
      next["metadata"]["creationTimestamp"] = it->second["metadata"]["creationTimestamp"];
      if (!status.is_null())
        next["status"] = status;
      else
        next.erase("status");
    }
    return commit(r, it, std::move(next));
  }

  kube::StatusOr<json> patch(const kube::Resource& r, const std::string& ns,
                             const std::string& name, kube::PatchType type, const json& body,
                             const kube::PatchOptions& opts = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("patch", r, ns, name, opts.subresource, type, body);
    c.fieldManager = opts.fieldManager;
    if (auto s = record(c, true)) return *s;
    if (type == kube::PatchType::kApply && opts.fieldManager.empty()) {
      return kube::Status(kube::Code::kBadRequest, "fieldManager is required for apply");
    }
    auto k = key(r, c.ns, name);
    auto it = objects_.find(k);
    if (it == objects_.end()) {
      if (type != kube::PatchType::kApply) return notFound(r, name);
      json o = body;
      if (r.namespaced) o["metadata"]["namespace"] = c.ns;
      if (opts.subresource != "status") o.erase("status");
      stamp(r, &o, nullptr);
      objects_[k] = o;
      return o;
    }
    // A resourceVersion in a merge patch is an optimistic lock, as on the server.
    if (type == kube::PatchType::kMerge && body.contains("metadata") &&
        body["metadata"].is_object() && body["metadata"].contains("resourceVersion") &&
        body["metadata"]["resourceVersion"] != it->second["metadata"]["resourceVersion"]) {
      return kube::Status(kube::Code::kConflict, "the object has been modified");
    }
    json next = it->second;
    try {
      switch (type) {
        case kube::PatchType::kApply:
        case kube::PatchType::kStrategicMerge:
          applyMerge(&next, body);
          break;
        case kube::PatchType::kMerge:
          next.merge_patch(body);
          break;
        case kube::PatchType::kJson:
          next = next.patch(body);
          break;
      }
    } catch (const json::exception& e) {
      // A failed JSON patch "test" op is a 422 on the real server.
      return kube::Status(kube::Code::kInvalid, std::string("patch failed: ") + e.what());
    }
    if (opts.subresource == "status") {
      json status = next.value("status", json());
      next = it->second;
      next["status"] = status;
    } else if (it->second.contains("status")) {
      next["status"] = it->second["status"];
    } else {
      next.erase("status");
    }
    return commit(r, it, std::move(next));
  }

  kube::Status remove(const kube::Resource& r, const std::string& ns, const std::string& name,
                      const kube::DeleteOptions& = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("delete", r, ns, name);
    if (auto s = record(c, true)) return *s;
    auto it = objects_.find(key(r, c.ns, name));
    if (it == objects_.end()) return notFound(r, name);
    const json& fin = it->second["metadata"].value("finalizers", json::array());
    if (!fin.empty()) {
      if (!it->second["metadata"].contains("deletionTimestamp")) {
        it->second["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        bump(&it->second);
      }
      return kube::Status::ok();
    }
    objects_.erase(it);
    return kube::Status::ok();
  }

  kube::StatusOr<kube::WatchStreamPtr> watch(const kube::Resource& r, const std::string& ns,
                                             const kube::WatchOptions& = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("watch", r, ns, "");
    if (auto s = record(c, false)) return *s;
    return kube::Status(kube::Code::kMethodNotAllowed, "FakeKubeClient does not serve watches");
  }

  // What podLogs answers for ns/pod (every container); NotFound otherwise.
  void setPodLog(const std::string& ns, const std::string& pod, std::string text) {
    std::lock_guard<std::mutex> lock(mu_);
    logs_[ns + "/" + pod] = std::move(text);
  }

  kube::StatusOr<std::string> podLogs(const std::string& ns, const std::string& pod,
                                      const kube::LogOptions& = {}) override {
    std::lock_guard<std::mutex> lock(mu_);
    Call c = makeCall("get", kube::resources::kPods, ns, pod, "log");
    if (auto s = record(c, false)) return *s;
    auto it = logs_.find(ns + "/" + pod);
    if (it == logs_.end()) return notFound(kube::resources::kPods, pod);
    return it->second;
  }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  struct OneShot {
    std::string verb;
    std::string plural;
    kube::Status status;
  };

  static Key key(const kube::Resource& r, const std::string& ns, const std::string& name) {
    return {r.qualifiedName(), r.namespaced ? ns : "", name};
  }
  static std::string nsOf(const kube::Resource& r, const std::string& ns) {
    return r.namespaced ? ns : "";
  }
  static kube::Status notFound(const kube::Resource& r, const std::string& name) {
    return kube::Status(kube::Code::kNotFound, r.qualifiedName() + " \"" + name + "\" not found");
  }

  std::optional<kube::Status> record(const Call& c, bool isWrite) {
    calls_.push_back(c);
    for (auto it = one_shot_.begin(); it != one_shot_.end(); ++it) {
      if (it->verb == c.verb && (it->plural.empty() || it->plural == c.resource)) {
        kube::Status s = it->status;
        one_shot_.erase(it);
        return s;
      }
    }
    if (injector_) {
      if (auto s = injector_(c)) return s;
    }
    if (isWrite) writes_.push_back(c);
    return std::nullopt;
  }

  void bump(json* o) { (*o)["metadata"]["resourceVersion"] = std::to_string(++rv_); }

  // The server folds a Secret's stringData into data.
  static void foldStringData(json* o) {
    auto sd = o->find("stringData");
    if (sd == o->end()) return;
    if (sd->is_object()) {
      for (auto it = sd->begin(); it != sd->end(); ++it) {
        (*o)["data"][it.key()] = testsupport::base64Encode(it.value().get<std::string>());
      }
    }
    o->erase("stringData");
  }

  void stamp(const kube::Resource& r, json* o, const json* /*prev*/) {
    if (r.kind == "Secret") foldStringData(o);
    (*o)["apiVersion"] = r.apiVersion();
    (*o)["kind"] = r.kind;
    json& m = (*o)["metadata"];
    if (!m.contains("uid")) m["uid"] = "uid-" + std::to_string(++uid_);
    if (!m.contains("creationTimestamp")) m["creationTimestamp"] = "2026-01-01T00:00:00Z";
    if (!m.contains("generation")) m["generation"] = 1;
    bump(o);
  }

  // Apply and strategic merge, simplified: objects merge key by key; lists of
  // objects that all carry "name" merge by name; other lists are replaced.
  static void applyMerge(json* into, const json& patch) {
    if (!patch.is_object() || !into->is_object()) {
      *into = patch;
      return;
    }
    for (auto it = patch.begin(); it != patch.end(); ++it) {
      if (it.value().is_null()) {
        into->erase(it.key());
        continue;
      }
      json& dst = (*into)[it.key()];
      if (it.value().is_object() && dst.is_object()) {
        applyMerge(&dst, it.value());
      } else if (it.value().is_array() && dst.is_array() && namedList(it.value()) &&
                 namedList(dst)) {
        json merged = json::array();
        for (const auto& pe : it.value()) {
          json elem = pe;
          for (const auto& de : dst) {
            if (de["name"] == pe["name"]) {
              elem = de;
              applyMerge(&elem, pe);
              break;
            }
          }
          merged.push_back(elem);
        }
        dst = merged;
      } else {
        dst = it.value();
      }
    }
  }
  static bool namedList(const json& a) {
    if (a.empty()) return false;
    for (const auto& e : a) {
      if (!e.is_object() || !e.contains("name")) return false;
    }
    return true;
  }

  template <typename It>
  kube::StatusOr<json> commit(const kube::Resource& r, It it, json next) {
    if (r.kind == "Secret") foldStringData(&next);
    json& prev = it->second;
    next["metadata"]["resourceVersion"] = prev["metadata"]["resourceVersion"];
    next["metadata"]["generation"] = prev["metadata"].value("generation", 1);
    if (next == prev) return prev;  // a no-op write changes nothing, as on the server
    json prevSpec = prev.value("spec", json());
    if (next.value("spec", json()) != prevSpec) {
      next["metadata"]["generation"] = prev["metadata"].value("generation", 1) + 1;
    }
    bump(&next);
    // Finalizers all gone on an object being deleted: it goes away.
    if (next["metadata"].contains("deletionTimestamp") &&
        next["metadata"].value("finalizers", json::array()).empty()) {
      objects_.erase(it);
      return next;
    }
    prev = std::move(next);
    return prev;
  }

  mutable std::mutex mu_;
  std::map<Key, json> objects_;
  std::map<std::string, std::string> logs_;
  std::vector<Call> writes_;
  std::vector<Call> calls_;
  std::vector<OneShot> one_shot_;
  Injector injector_;
  uint64_t rv_ = 100;
  uint64_t uid_ = 0;
};

}  // namespace testmocks
