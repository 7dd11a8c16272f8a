#pragma once
// How the operator caches Secrets without caching Secret values: the
// informer's transform replaces `data` with per-key facts — a SHA-256 of the
// decoded value and, for PEM, what it parses as. That is enough to tell
// whether a referenced Secret exists, has the key, is well-formed, and has
// changed (the credentials hash that rolls the agent), while the values stay
// on the API server. The one place that needs a value (copying the token into
// the owned creds Secret) GETs it, and only when its digest changed.

#include <nlohmann/json.hpp>
#include <string>

namespace clusteragent {

using nlohmann::json;

// Field of a digested Secret: {"<key>": {"sha256": "<hex>", "pem": "<kind>"}}
// where pem is "certificate", "privateKey", "invalid" (looks like PEM, does
// not parse) or absent (not PEM).
inline constexpr const char* kDataDigestField = "dataDigest";

// The informer transform: metadata (without managedFields), type, and
// dataDigest (from data, or stringData when a caller passes a desired object).
json digestSecret(json secret);

std::string sha256Hex(const std::string& bytes);

// The digest entry of key in a digested Secret, or nullptr.
const json* dataDigest(const json& digested, const std::string& key);

}  // namespace clusteragent
