#pragma once
// The process kubelet's "image registry": which container images it can run
// and the host binary that plays each image's entrypoint. An image not on the
// list is never bound or started, so pods meant for a real node stay Pending.

#include <optional>
#include <string>
#include <vector>

#include "controller/kube/status.h"

namespace processkubelet {

struct ImageMapping {
  std::string image;  // exact reference, or a prefix when it ends in '*'
  std::string binary;
};

class ImageMap {
 public:
  // "quay.io/argoprojlabs/argocd-agent:v0.9.0=/usr/local/bin/argocd-agent" or
  // "quay.io/argoprojlabs/argocd-agent:*=/path" (prefix).
  ctrl::kube::Status add(const std::string& flagValue);
  void add(ImageMapping m) { mappings_.push_back(std::move(m)); }

  // The binary for an image: an exact match wins over prefixes, and the
  // longest prefix over shorter ones.
  std::optional<std::string> binaryFor(const std::string& image) const;
  bool allows(const std::string& image) const { return binaryFor(image).has_value(); }

  const std::vector<ImageMapping>& mappings() const { return mappings_; }

 private:
  std::vector<ImageMapping> mappings_;
};

}  // namespace processkubelet
