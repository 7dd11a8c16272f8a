#pragma once
// Kubernetes resource.Quantity values ("500m", "1.5", "2Gi", "1e3") reduced
// to a comparable number, so a request the server canonicalised ("0.5" →
// "500m") still compares equal to what the user wrote.

#include <optional>
#include <string>

namespace ctrl::apply {

// Value in base units (cores, bytes), or nullopt when s is not a quantity.
// Long double keeps "1Ei" and "1n" exact enough for equality after rounding.
std::optional<long double> parseQuantity(const std::string& s);

// Both parse and are equal to within a part per 10^12.
bool quantitiesEqual(const std::string& a, const std::string& b);

}  // namespace ctrl::apply
