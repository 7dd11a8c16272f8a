// parseClusterAgent on arbitrary JSON: the object may predate the CRD's
// schema or have bypassed it, so anything must come back as FieldErrors.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "reconcilers/clusteragent/spec.h"

namespace {

// An upper bound of the input's nesting: brackets outside strings counted too.
size_t nestingBound(const uint8_t* data, size_t size) {
  size_t depth = 0, deepest = 0;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '[' || data[i] == '{') deepest = std::max(deepest, ++depth);
    if ((data[i] == ']' || data[i] == '}') && depth > 0) --depth;
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // kube-apiserver refuses JSON nested deeper than 10,000 levels ("exceeded
  // max depth"), so nothing deeper reaches the operator
  // (DeepSpecIntegrationTest); up to that, anything goes.
  if (nestingBound(data, size) > 10000) return -1;
  const auto object = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) return -1;
  const clusteragent::ParseResult result = clusteragent::parseClusterAgent(object);
  (void)result.errorSummary();
  (void)result.errorReason();
  if (result.ok()) {
    // A valid spec is one the builders can use without looking again.
    const auto& spec = result.spec;
    if (spec.serverHost.empty() || spec.serverPort < 1 || spec.serverPort > 65535) __builtin_trap();
    if (spec.image.empty() || spec.argocdNamespace.empty()) __builtin_trap();
    if (!clusteragent::parseServerAddr(spec.serverAddr, nullptr)) __builtin_trap();
  }
  return 0;
}
