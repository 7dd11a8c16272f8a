#include "controller/kube/fenced_kube_client.h"

namespace ctrl::kube {

FencedKubeClient::FencedKubeClient(KubeClientPtr inner, std::function<bool()> writesAllowed)
    : inner_(std::move(inner)), writes_allowed_(std::move(writesAllowed)) {}

Status FencedKubeClient::fence(const char* verb, const Resource& r, const std::string& ns,
                               const std::string& name) const {
  if (writes_allowed_()) return Status::ok();
  std::string what = r.qualifiedName();
  if (!ns.empty())
    what += " " + ns + "/" + name;
  else if (!name.empty())
    what += " " + name;
  return Status(Code::kCancelled,
                std::string(verb) + " " + what + ": not sent, this replica no longer leads");
}

StatusOr<json> FencedKubeClient::get(const Resource& r, const std::string& ns,
                                     const std::string& name, const std::string& subresource) {
  return inner_->get(r, ns, name, subresource);
}

StatusOr<json> FencedKubeClient::list(const Resource& r, const std::string& ns,
                                      const ListOptions& opts) {
  return inner_->list(r, ns, opts);
}

StatusOr<json> FencedKubeClient::create(const Resource& r, const std::string& ns, const json& obj,
                                        const std::string& fieldManager) {
  const std::string name = obj.value("/metadata/name"_json_pointer, std::string());
  if (Status s = fence("POST", r, ns, name); !s.isOk()) return s;
  return inner_->create(r, ns, obj, fieldManager);
}

StatusOr<json> FencedKubeClient::update(const Resource& r, const std::string& ns, const json& obj,
                                        const UpdateOptions& opts) {
  const std::string name = obj.value("/metadata/name"_json_pointer, std::string());
  if (Status s = fence("PUT", r, ns, name); !s.isOk()) return s;
  return inner_->update(r, ns, obj, opts);
}

StatusOr<json> FencedKubeClient::patch(const Resource& r, const std::string& ns,
                                       const std::string& name, PatchType type, const json& body,
                                       const PatchOptions& opts) {
  if (Status s = fence("PATCH", r, ns, name); !s.isOk()) return s;
  return inner_->patch(r, ns, name, type, body, opts);
}

Status FencedKubeClient::remove(const Resource& r, const std::string& ns, const std::string& name,
                                const DeleteOptions& opts) {
  if (Status s = fence("DELETE", r, ns, name); !s.isOk()) return s;
  return inner_->remove(r, ns, name, opts);
}

StatusOr<WatchStreamPtr> FencedKubeClient::watch(const Resource& r, const std::string& ns,
                                                 const WatchOptions& opts) {
  return inner_->watch(r, ns, opts);
}

StatusOr<std::string> FencedKubeClient::podLogs(const std::string& ns, const std::string& pod,
                                                const LogOptions& opts) {
  return inner_->podLogs(ns, pod, opts);
}

void FencedKubeClient::shutdown() {
  inner_->shutdown();
}

}  // namespace ctrl::kube
