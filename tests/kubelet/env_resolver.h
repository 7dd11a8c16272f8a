#pragma once
// A container's environment as the kubelet computes it
// (kubelet_pods.go makeEnvironmentVariables): the image's env, then the
// service env (KUBERNETES_SERVICE_HOST/PORT...), then envFrom, then env, later
// entries overriding earlier ones; env `value`s get $(VAR) expansion against
// what is defined before them; valueFrom values are taken literally.
//
// A missing Secret/ConfigMap or key fails the start (the kubelet's
// CreateContainerConfigError) unless the reference is `optional`.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "controller/kube/status.h"
#include "tests/kubelet/object_source.h"

namespace processkubelet {

using EnvList = std::vector<std::pair<std::string, std::string>>;

struct EnvContext {
  const nlohmann::json* pod = nullptr;
  std::string podIP = "127.0.0.1";
  std::string hostIP = "127.0.0.1";
  EnvList imageEnv;    // what the image would set (PATH, HOSTNAME)
  EnvList serviceEnv;  // KUBERNETES_SERVICE_HOST and friends
};

// KUBERNETES_SERVICE_HOST/PORT, KUBERNETES_PORT... for an API server at host:port.
EnvList kubernetesServiceEnv(const std::string& host, const std::string& port);

ctrl::kube::StatusOr<EnvList> resolveEnv(const nlohmann::json& container, const EnvContext& ctx,
                                         ObjectSource& objects);

// The value of a downward-API fieldRef (metadata.name, status.podIP, ...).
ctrl::kube::StatusOr<std::string> podFieldValue(const std::string& fieldPath,
                                                const EnvContext& ctx);

}  // namespace processkubelet
