#include "reconcilers/clusteragent/build_service_account.h"

#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

DesiredObject buildServiceAccount(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  nlohmann::json sa = {{"apiVersion", "v1"},
                       {"kind", "ServiceAccount"},
                       {"metadata", childMetadata(m, serviceAccountName(m), m.ns)}};
  return {ctrl::kube::resources::kServiceAccounts, std::move(sa), canOwnerReference(m, m.ns)};
}

}  // namespace clusteragent
