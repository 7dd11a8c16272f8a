#pragma once
// Standard (RFC 4648) base64 decoding, for kubeconfig *-data fields.

#include <optional>
#include <string>

namespace ctrl::kube {

// Whitespace is ignored; padding optional. nullopt on any other invalid input.
std::optional<std::string> base64Decode(const std::string& in);

}  // namespace ctrl::kube
