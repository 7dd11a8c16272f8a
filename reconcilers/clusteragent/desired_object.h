#pragma once
// What every builder returns: the object to server-side-apply, the resource
// to apply it to, and whether the garbage collector cleans it up for us.

#include <nlohmann/json.hpp>

#include "controller/kube/resource.h"

namespace clusteragent {

struct DesiredObject {
  ctrl::kube::Resource resource;
  nlohmann::json object;  // apiVersion, kind, metadata, spec/data/rules...; never status
  // True when `object` carries a controller owner reference to the
  // ClusterAgent. False for objects an owner reference cannot reach (another
  // namespace, cluster scope): the finalizer must delete those explicitly.
  bool ownerReferenced = false;

  const std::string& name() const;
  std::string ns() const;  // "" for cluster-scoped
};

}  // namespace clusteragent
