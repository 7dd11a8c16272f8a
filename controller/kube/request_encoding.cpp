#include "controller/kube/request_encoding.h"

namespace ctrl::kube {

std::string percentEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

QueryString& QueryString::add(const std::string& key, const std::string& value) {
  params_.emplace_back(key, value);
  return *this;
}

QueryString& QueryString::addIfSet(const std::string& key, const std::string& value) {
  if (!value.empty()) params_.emplace_back(key, value);
  return *this;
}

std::string QueryString::str() const {
  std::string out;
  for (const auto& [k, v] : params_) {
    out += out.empty() ? "?" : "&";
    out += percentEncode(k) + "=" + percentEncode(v);
  }
  return out;
}

std::string listQuery(const ListOptions& opts) {
  QueryString q;
  q.addIfSet("labelSelector", opts.labelSelector).addIfSet("fieldSelector", opts.fieldSelector);
  if (opts.limit > 0) q.add("limit", std::to_string(opts.limit));
  q.addIfSet("continue", opts.continueToken)
      .addIfSet("resourceVersion", opts.resourceVersion)
      .addIfSet("resourceVersionMatch", opts.resourceVersionMatch);
  return q.str();
}

std::string watchQuery(const WatchOptions& opts) {
  QueryString q;
  q.add("watch", "1");
  if (opts.allowWatchBookmarks) q.add("allowWatchBookmarks", "true");
  if (opts.timeoutSeconds > 0) q.add("timeoutSeconds", std::to_string(opts.timeoutSeconds));
  q.addIfSet("labelSelector", opts.labelSelector)
      .addIfSet("fieldSelector", opts.fieldSelector)
      .addIfSet("resourceVersion", opts.resourceVersion);
  return q.str();
}

std::string encodeBody(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string logQuery(const LogOptions& opts) {
  QueryString q;
  q.addIfSet("container", opts.container);
  if (opts.tailLines > 0) q.add("tailLines", std::to_string(opts.tailLines));
  if (opts.limitBytes > 0) q.add("limitBytes", std::to_string(opts.limitBytes));
  return q.str();
}

std::string patchQuery(PatchType type, const PatchOptions& opts) {
  QueryString q;
  q.addIfSet("fieldManager", opts.fieldManager);
  if (type == PatchType::kApply && opts.force) q.add("force", "true");
  return q.str();
}

const char* patchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

const char* patchTypeName(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "merge";
    case PatchType::kJson:
      return "json";
    case PatchType::kStrategicMerge:
      return "strategic";
    case PatchType::kApply:
      return "apply";
  }
  return "merge";
}

nlohmann::json deleteOptionsBody(const DeleteOptions& opts) {
  nlohmann::json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!opts.propagationPolicy.empty()) body["propagationPolicy"] = opts.propagationPolicy;
  if (!opts.preconditionUid.empty()) body["preconditions"]["uid"] = opts.preconditionUid;
  if (!opts.preconditionResourceVersion.empty()) {
    body["preconditions"]["resourceVersion"] = opts.preconditionResourceVersion;
  }
  if (opts.gracePeriodSeconds) body["gracePeriodSeconds"] = *opts.gracePeriodSeconds;
  return body;
}

}  // namespace ctrl::kube
