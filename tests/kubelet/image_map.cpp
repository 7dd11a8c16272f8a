#include "tests/kubelet/image_map.h"

namespace processkubelet {

using ctrl::kube::Code;
using ctrl::kube::Status;

Status ImageMap::add(const std::string& flagValue) {
  // Image references never contain '=', so the first one separates the two halves.
  const size_t eq = flagValue.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flagValue.size()) {
    return Status(Code::kInvalidArgument,
                  "--image wants <image>=<host binary>, got \"" + flagValue + "\"");
  }
  mappings_.push_back({flagValue.substr(0, eq), flagValue.substr(eq + 1)});
  return Status::ok();
}

std::optional<std::string> ImageMap::binaryFor(const std::string& image) const {
  const ImageMapping* best = nullptr;
  size_t bestPrefix = 0;
  for (const auto& m : mappings_) {
    if (m.image == image) return m.binary;
    if (m.image.back() != '*') continue;
    const size_t len = m.image.size() - 1;
    if (image.compare(0, len, m.image, 0, len) == 0 && (best == nullptr || len > bestPrefix)) {
      best = &m;
      bestPrefix = len;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->binary;
}

}  // namespace processkubelet
