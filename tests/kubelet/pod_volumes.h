#pragma once
// A pod's volumes as host directories (<podDir>/volumes/<name>/), written
// the way the kubelet's volume plugins lay them out: secret and configMap
// (items, defaultMode, per-item mode, optional), projected (secret,
// configMap, downwardAPI, serviceAccountToken via the TokenRequest API:
// the kube-api-access-* volume), downwardAPI, emptyDir and hostPath. Content
// is written once when the pod starts; later Secret changes are not synced.
//
// containerMounts() pairs them with a container's volumeMounts; the launcher
// bind-mounts them inside the process's private mount namespace.

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/kube/status.h"
#include "tests/kubelet/object_source.h"

namespace processkubelet {

struct TokenRequestSpec {
  std::string ns;
  std::string serviceAccount;
  std::string audience;  // "" for the API server's own
  int64_t expirationSeconds = 3607;
  std::string podName;
  std::string podUid;
};
using TokenIssuer = std::function<ctrl::kube::StatusOr<std::string>(const TokenRequestSpec&)>;

struct VolumeContext {
  const nlohmann::json* pod = nullptr;
  std::string podDir;
  ObjectSource* objects = nullptr;
  TokenIssuer issueToken;
  // ca.crt when the kube-root-ca.crt ConfigMap is not (yet) published.
  std::string clusterCaPem;
};

struct VolumeDir {
  std::string path;  // the host directory (for hostPath, the host path itself)
  // secret, configMap, projected and downwardAPI volumes are always mounted
  // read-only by the kubelet, whatever the volumeMount says.
  bool alwaysReadOnly = false;
};
using VolumeDirs = std::map<std::string, VolumeDir>;  // by volume name

ctrl::kube::StatusOr<VolumeDirs> materialiseVolumes(const VolumeContext& ctx);

struct BindMount {
  std::string source;  // host path
  std::string target;  // path the process sees
  bool readOnly = false;
};

ctrl::kube::StatusOr<std::vector<BindMount>> containerMounts(const nlohmann::json& container,
                                                             const VolumeDirs& volumeDirs);

}  // namespace processkubelet
