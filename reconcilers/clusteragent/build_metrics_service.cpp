#include "reconcilers/clusteragent/build_metrics_service.h"

#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {

DesiredObject buildMetricsService(const ClusterAgentSpec& spec) {
  const auto& m = spec.meta;
  nlohmann::json svc = {{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", childMetadata(m, metricsServiceName(m), m.ns)},
                        {"spec",
                         {{"selector", selectorLabels(m)},
                          {"ports", nlohmann::json::array({{{"name", "metrics"},
                                                            {"port", kMetricsPort},
                                                            {"targetPort", "metrics"},
                                                            {"protocol", "TCP"}}})}}}};
  return {ctrl::kube::resources::kServices, std::move(svc), canOwnerReference(m, m.ns)};
}

}  // namespace clusteragent
