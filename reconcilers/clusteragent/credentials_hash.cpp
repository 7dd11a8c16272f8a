#include "reconcilers/clusteragent/credentials_hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

namespace clusteragent {

std::string credentialsHash(std::vector<CredentialPart> parts) {
  std::sort(parts.begin(), parts.end(),
            [](const CredentialPart& a, const CredentialPart& b) { return a.label < b.label; });
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  auto feed = [ctx](const std::string& s) {
    std::string len = std::to_string(s.size()) + ":";
    EVP_DigestUpdate(ctx, len.data(), len.size());
    EVP_DigestUpdate(ctx, s.data(), s.size());
  };
  for (const auto& p : parts) {
    feed(p.label);
    feed(p.value);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, digest, &n);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

}  // namespace clusteragent
