#pragma once
// A group/version/resource the client can address, namespaced or cluster-scoped.

#include <string>
#include <vector>

namespace ctrl::kube {

struct Resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "deployments"
  std::string kind;     // "Deployment"
  bool namespaced = true;

  std::string apiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" — as kubectl and API error messages name it.
  std::string qualifiedName() const { return group.empty() ? plural : plural + "." + group; }
  // Path of a collection: /api/v1/namespaces/ns/pods, /apis/apps/v1/deployments, ...
  // An empty ns on a namespaced resource addresses all namespaces.
  std::string collectionPath(const std::string& ns) const;
  std::string objectPath(const std::string& ns, const std::string& name) const;

  bool operator==(const Resource& o) const {
    return group == o.group && version == o.version && plural == o.plural;
  }
};

namespace resources {
extern const Resource kNamespaces;
extern const Resource kPods;
extern const Resource kSecrets;
extern const Resource kConfigMaps;
extern const Resource kServices;
extern const Resource kServiceAccounts;
extern const Resource kEvents;  // core/v1 Events
extern const Resource kDeployments;
extern const Resource kReplicaSets;
extern const Resource kRoles;
extern const Resource kRoleBindings;
extern const Resource kClusterRoles;
extern const Resource kClusterRoleBindings;
extern const Resource kLeases;
extern const Resource kCustomResourceDefinitions;

// Every resource above, for lookups by kind (RESTMapper-lite).
const std::vector<const Resource*>& wellKnown();
// The well-known resource with this apiVersion ("apps/v1") and kind, or nullptr.
const Resource* findByKind(const std::string& apiVersion, const std::string& kind);
}  // namespace resources

}  // namespace ctrl::kube
