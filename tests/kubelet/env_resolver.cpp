#include "tests/kubelet/env_resolver.h"

#include <map>

#include "tests/kubelet/var_expansion.h"

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::isNotFound;
using ctrl::kube::Status;
using ctrl::kube::StatusOr;
using nlohmann::json;

namespace {

// Keeps first-definition order while letting later definitions override.
class OrderedEnv {
 public:
  void set(const std::string& k, const std::string& v) {
    auto it = index_.find(k);
    if (it == index_.end()) {
      index_[k] = list_.size();
      list_.emplace_back(k, v);
    } else {
      list_[it->second].second = v;
    }
  }
  std::map<std::string, std::string> asMap() const { return {list_.begin(), list_.end()}; }
  EnvList take() { return std::move(list_); }

 private:
  EnvList list_;
  std::map<std::string, size_t> index_;
};

// C identifier-ish env names, as the kubelet checks envFrom keys (invalid ones are skipped).
bool validEnvName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return false;
    }
  }
  return !std::isdigit(static_cast<unsigned char>(name[0]));
}

std::string str(const json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>()
                                                                      : "";
}

bool optionalRef(const json& ref) {
  return ref.is_object() && ref.contains("optional") && ref["optional"].is_boolean() &&
         ref["optional"].get<bool>();
}

// "metadata.labels['app']" -> "app" for the given prefix.
std::optional<std::string> subscript(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string rest = path.substr(prefix.size());
  if (rest.size() < 4 || rest.front() != '[' || rest.back() != ']') return std::nullopt;
  rest = rest.substr(1, rest.size() - 2);
  if (rest.size() >= 2 && (rest.front() == '\'' || rest.front() == '"')) {
    rest = rest.substr(1, rest.size() - 2);
  }
  return rest;
}

// The value of key `key` in a Secret/ConfigMap reference, or nullopt for an
// optional reference that does not resolve.
StatusOr<std::optional<std::string>> keyRef(const json& ref, const std::string& ns, bool secret,
                                            ObjectSource& objects) {
  const std::string name = str(ref, "name");
  const std::string key = str(ref, "key");
  const bool optional = optionalRef(ref);
  const char* kind = secret ? "secret" : "configmap";
  auto data = secret ? objects.secretData(ns, name) : objects.configMapData(ns, name);
  if (!data.isOk()) {
    if (isNotFound(data.status()) && optional) return std::optional<std::string>();
    if (isNotFound(data.status())) {
      return Status(Code::kNotFound, std::string(kind) + " \"" + name + "\" not found");
    }
    return data.status();
  }
  auto it = data->find(key);
  if (it == data->end()) {
    if (optional) return std::optional<std::string>();
    return Status(Code::kNotFound, "couldn't find key " + key + " in " +
                                       (secret ? "Secret " : "ConfigMap ") + ns + "/" + name);
  }
  return std::optional<std::string>(it->second);
}

}  // namespace

EnvList kubernetesServiceEnv(const std::string& host, const std::string& port) {
  const std::string url = "tcp://" + host + ":" + port;
  return {{"KUBERNETES_SERVICE_HOST", host},
          {"KUBERNETES_SERVICE_PORT", port},
          {"KUBERNETES_SERVICE_PORT_HTTPS", port},
          {"KUBERNETES_PORT", url},
          {"KUBERNETES_PORT_" + port + "_TCP", url},
          {"KUBERNETES_PORT_" + port + "_TCP_PROTO", "tcp"},
          {"KUBERNETES_PORT_" + port + "_TCP_PORT", port},
          {"KUBERNETES_PORT_" + port + "_TCP_ADDR", host}};
}

StatusOr<std::string> podFieldValue(const std::string& path, const EnvContext& ctx) {
  const json& pod = *ctx.pod;
  const json& meta = pod.value("metadata", json::object());
  const json& spec = pod.value("spec", json::object());
  if (path == "metadata.name") return str(meta, "name");
  if (path == "metadata.namespace") return str(meta, "namespace");
  if (path == "metadata.uid") return str(meta, "uid");
  if (path == "spec.nodeName") return str(spec, "nodeName");
  if (path == "spec.serviceAccountName") return str(spec, "serviceAccountName");
  if (path == "status.podIP" || path == "status.podIPs") return ctx.podIP;
  if (path == "status.hostIP" || path == "status.hostIPs") return ctx.hostIP;
  for (const char* field : {"labels", "annotations"}) {
    if (auto key = subscript(path, std::string("metadata.") + field)) {
      return str(meta.value(field, json::object()), key->c_str());
    }
  }
  return Status(Code::kInvalidArgument, "unsupported fieldRef " + path);
}

StatusOr<EnvList> resolveEnv(const json& container, const EnvContext& ctx, ObjectSource& objects) {
  const std::string ns = str(ctx.pod->value("metadata", json::object()), "namespace");
  OrderedEnv result;
  for (const auto& [k, v] : ctx.imageEnv) result.set(k, v);
  // What $(VAR) may refer to: the service env and what this container defined so far.
  std::map<std::string, std::string> defined;
  const std::map<std::string, std::string> serviceEnv(ctx.serviceEnv.begin(), ctx.serviceEnv.end());
  auto lookup = lookupIn({&defined, &serviceEnv});
  for (const auto& [k, v] : ctx.serviceEnv) result.set(k, v);

  for (const auto& from : container.value("envFrom", json::array())) {
    const bool secret = from.contains("secretRef");
    const json& ref = secret ? from["secretRef"] : from.value("configMapRef", json::object());
    const std::string name = str(ref, "name");
    auto data = secret ? objects.secretData(ns, name) : objects.configMapData(ns, name);
    if (!data.isOk()) {
      if (isNotFound(data.status()) && optionalRef(ref)) continue;
      if (isNotFound(data.status())) {
        return Status(Code::kNotFound,
                      std::string(secret ? "secret" : "configmap") + " \"" + name + "\" not found");
      }
      return data.status();
    }
    const std::string prefix = str(from, "prefix");
    for (const auto& [key, value] : *data) {
      if (!validEnvName(prefix + key)) continue;
      defined[prefix + key] = value;
      result.set(prefix + key, value);
    }
  }

  for (const auto& var : container.value("env", json::array())) {
    const std::string name = str(var, "name");
    std::string value = str(var, "value");
    if (!value.empty()) {
      value = expandVars(value, lookup);
    } else if (var.contains("valueFrom")) {
      const json& from = var["valueFrom"];
      if (from.contains("fieldRef")) {
        auto v = podFieldValue(str(from["fieldRef"], "fieldPath"), ctx);
        if (!v.isOk()) return v.status();
        value = *v;
      } else if (from.contains("secretKeyRef") || from.contains("configMapKeyRef")) {
        const bool secret = from.contains("secretKeyRef");
        auto v =
            keyRef(secret ? from["secretKeyRef"] : from["configMapKeyRef"], ns, secret, objects);
        if (!v.isOk()) return v.status();
        if (!v->has_value()) continue;  // optional and absent: the variable is not set at all
        value = **v;
      } else {
        return Status(Code::kInvalidArgument,
                      "env " + name + ": unsupported valueFrom " +
                          (from.empty() ? std::string("{}") : from.begin().key()) +
                          " (process-kubelet resolves fieldRef, "
                          "secretKeyRef, configMapKeyRef)");
      }
    }
    defined[name] = value;
    result.set(name, value);
  }
  return result.take();
}

}  // namespace processkubelet
