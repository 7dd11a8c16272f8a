#pragma once
// Pure request-shaping: URL encoding, query strings for list/watch/write
// calls, patch content types and the DeleteOptions body. Kept apart from the
// HTTP transport so it is unit-testable.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

// RFC 3986 percent-encoding of everything but the unreserved characters, so a
// label selector like "app in (a,b)" or "a=b,c!=d" survives as one value.
std::string percentEncode(const std::string& s);

// Builds "?k=v&k2=v2" (or "" when empty), values percent-encoded.
class QueryString {
 public:
  QueryString& add(const std::string& key, const std::string& value);
  // Adds only when value is non-empty.
  QueryString& addIfSet(const std::string& key, const std::string& value);
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

std::string listQuery(const ListOptions& opts);
std::string watchQuery(const WatchOptions& opts);
std::string logQuery(const LogOptions& opts);

// A request body. Never throws: a string that is not valid UTF-8 (text that
// came from the network into a status message, say) is sent with U+FFFD in
// place of the bad bytes instead of aborting the write with an exception.
std::string encodeBody(const nlohmann::json& body);
std::string patchQuery(PatchType type, const PatchOptions& opts);

const char* patchContentType(PatchType type);
const char* patchTypeName(PatchType type);

nlohmann::json deleteOptionsBody(const DeleteOptions& opts);

}  // namespace ctrl::kube
