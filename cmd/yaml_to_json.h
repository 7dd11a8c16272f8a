#pragma once
// Kubernetes manifests (YAML streams) as JSON objects, the way kubectl reads
// them: `---` separates documents, and plain scalars resolve as sigs.k8s.io/yaml
// (go-yaml v2, YAML 1.1) resolves them — `true`/`yes`/`on` are booleans,
// `1` is a number, `~`/`null`/empty are null; quoted scalars stay strings.
// So `replicas: 1` is an integer and `value: "8181"` a string, as kubectl
// would send them.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/kube/status.h"

namespace cmd {

// Every document of `text` in order; empty documents come back as null.
// Invalid YAML is kInvalidArgument naming the line.
ctrl::kube::StatusOr<std::vector<nlohmann::json>> yamlDocumentsToJson(const std::string& text);

}  // namespace cmd
