#include "controller/apply/applied_hash.h"

#include <openssl/evp.h>

namespace ctrl::apply {

std::string appliedHash(const json& obj) {
  // nlohmann::json keeps object keys sorted, so dump() is canonical.
  const std::string text = obj.dump();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

}  // namespace ctrl::apply
