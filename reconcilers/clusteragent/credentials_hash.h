#pragma once
// The pod-template hash that makes a Secret rotation roll the agent.

#include <string>
#include <vector>

namespace clusteragent {

// One piece of mounted credential material: which Secret/key, and its bytes.
struct CredentialPart {
  std::string label;  // e.g. "creds/userpass.creds", "ca/ca.crt", "client/tls.key"
  std::string value;  // raw bytes (decoded)
};

// Hex sha256 (OpenSSL) over the parts, order-independent (sorted by label),
// length-prefixed so "ab"+"c" and "a"+"bc" differ. Empty input hashes too.
std::string credentialsHash(std::vector<CredentialPart> parts);

}  // namespace clusteragent
