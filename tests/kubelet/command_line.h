#pragma once
// The argv a container runs, as a container runtime builds it: the image's
// entrypoint is the host binary the image maps to; `command`, when set,
// replaces it (and must then name something that exists on this host);
// `args` follow either way. Both get $(VAR) expansion against the container's
// resolved environment (kubecontainer.ExpandContainerCommandAndArgs).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/kubelet/env_resolver.h"

namespace processkubelet {

std::vector<std::string> containerArgv(const nlohmann::json& container,
                                       const std::string& entrypointBinary, const EnvList& env);

}  // namespace processkubelet
