#include "reconcilers/clusteragent/desired_object.h"

namespace clusteragent {

const std::string& DesiredObject::name() const {
  return object.at("metadata").at("name").get_ref<const std::string&>();
}

std::string DesiredObject::ns() const {
  const auto& md = object.at("metadata");
  auto it = md.find("namespace");
  return it == md.end() ? std::string() : it->get<std::string>();
}

}  // namespace clusteragent
