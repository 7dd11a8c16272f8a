#pragma once
// A fingerprint of what the operator last applied, kept on the child itself
// (metadata.annotations, written in the same apply). Comparing live values
// with desired ones cannot see a field the operator stopped sending: live
// still has it, desired has nothing to compare. The fingerprint changes with
// any change to desired, removals included, so the next apply happens and
// server-side apply drops the fields this manager no longer sends.

#include <nlohmann/json.hpp>
#include <string>

namespace ctrl::apply {

using nlohmann::json;

inline constexpr const char* kAppliedHashAnnotation = "argoproj.io/applied-hash";

// SHA-256 (hex) of obj's canonical JSON (keys sorted, no whitespace): stable
// across processes, builds and restarts, unlike std::hash.
std::string appliedHash(const json& obj);

}  // namespace ctrl::apply
