#include "reconcilers/clusteragent/secret_digest.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>

#include "controller/apply/managed_fields.h"

namespace clusteragent {
namespace {

std::optional<std::string> decodeBase64(const std::string& in) {
  std::string clean;
  clean.reserve(in.size());
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  }
  if (clean.size() % 4 != 0) return std::nullopt;
  if (clean.empty()) return std::string();
  std::string out(clean.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (clean.back() == '=') ++pad;
  if (clean.size() > 1 && clean[clean.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

// What a PEM value parses as; "" when it is not PEM at all.
std::string pemKind(const std::string& value) {
  if (value.find("-----BEGIN ") == std::string::npos) return "";
  if (value.find("PRIVATE KEY-----") != std::string::npos) {
    BioPtr bio(BIO_new_mem_buf(value.data(), static_cast<int>(value.size())), BIO_free);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (key == nullptr) return "invalid";
    EVP_PKEY_free(key);
    return "privateKey";
  }
  BioPtr bio(BIO_new_mem_buf(value.data(), static_cast<int>(value.size())), BIO_free);
  int certs = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++certs;
  }
  // Count the blocks: a bundle with one broken certificate is not well-formed.
  size_t blocks = 0;
  for (size_t pos = value.find("-----BEGIN CERTIFICATE-----"); pos != std::string::npos;
       pos = value.find("-----BEGIN CERTIFICATE-----", pos + 1)) {
    ++blocks;
  }
  if (certs == 0 || static_cast<size_t>(certs) != blocks) return "invalid";
  return "certificate";
}

json digestValue(const std::string& value) {
  json d = {{"sha256", sha256Hex(value)}};
  std::string kind = pemKind(value);
  if (!kind.empty()) d["pem"] = kind;
  return d;
}

}  // namespace

std::string sha256Hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 0xf]);
  }
  return out;
}

json digestSecret(json secret) {
  json out = json::object();
  for (const char* k : {"apiVersion", "kind", "type", "immutable"}) {
    auto it = secret.find(k);
    if (it != secret.end()) out[k] = std::move(*it);
  }
  json meta = secret.value("metadata", json::object());
  // Only our manager's entries (field names, never values): whether the
  // operator created this Secret with a POST and has yet to take its fields
  // over as an applier (ownership_upgrade.h).
  auto mf = meta.find("managedFields");
  if (mf != meta.end()) {
    json ours = ctrl::apply::entriesOf(std::move(*mf), ctrl::apply::kFieldManager);
    if (ours.empty()) {
      meta.erase("managedFields");
    } else {
      *mf = std::move(ours);
    }
  }
  // `kubectl apply` keeps the whole applied Secret, values included, in this
  // annotation: it must not reach the cache either.
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    meta["annotations"].erase("kubectl.kubernetes.io/last-applied-configuration");
  }
  out["metadata"] = std::move(meta);
  json digest = json::object();
  auto data = secret.find("data");
  if (data != secret.end() && data->is_object()) {
    for (auto it = data->begin(); it != data->end(); ++it) {
      if (!it.value().is_string()) continue;
      auto decoded = decodeBase64(it.value().get<std::string>());
      // An undecodable value cannot come from the API server; digest the raw
      // text so a desired object with such a value still never matches.
      digest[it.key()] =
          digestValue(decoded ? *decoded : "\x01raw:" + it.value().get<std::string>());
    }
  }
  auto sdata = secret.find("stringData");
  if (sdata != secret.end() && sdata->is_object()) {
    for (auto it = sdata->begin(); it != sdata->end(); ++it) {
      if (it.value().is_string()) digest[it.key()] = digestValue(it.value().get<std::string>());
    }
  }
  out[kDataDigestField] = std::move(digest);
  return out;
}

const json* dataDigest(const json& digested, const std::string& key) {
  auto d = digested.find(kDataDigestField);
  if (d == digested.end() || !d->is_object()) return nullptr;
  auto it = d->find(key);
  return it == d->end() ? nullptr : &*it;
}

}  // namespace clusteragent
