#include "controller/manager/server_tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "controller/kube/openssl_handles.h"
#include "controller/logging/logger.h"

namespace ctrl::manager {
namespace {

using kube::Code;
using kube::Status;

std::string opensslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

using kube::BioPtr;
using kube::PkeyPtr;
using kube::X509Ptr;

kube::StatusOr<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string toPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string toPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// What changes when a file is replaced or rewritten: inode, size, mtime.
std::string filesStamp(const std::string& dir) {
  std::string stamp;
  for (const char* name : {"/tls.crt", "/tls.key"}) {
    struct stat st {};
    if (::stat((dir + name).c_str(), &st) != 0) return "";
    stamp += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
             std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return stamp;
}

bool isIpAddress(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

ServerTls::~ServerTls() {
  SSL_CTX_free(ctx_);  // null after a reload took it over: a no-op
}

kube::StatusOr<std::shared_ptr<ServerTls>> ServerTls::fromPem(const std::string& certPem,
                                                              const std::string& keyPem) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Status(Code::kInternal, "SSL_CTX_new: " + opensslError());
  std::shared_ptr<ServerTls> tls(new ServerTls(ctx, ""));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // No session tickets or renegotiation: nothing a client can make us keep.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

  BioPtr certBio(BIO_new_mem_buf(certPem.data(), static_cast<int>(certPem.size())));
  X509Ptr leaf(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
  if (!leaf) return Status(Code::kInvalidArgument, "no PEM certificate in tls.crt");
  if (SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    return Status(Code::kInvalidArgument, "certificate: " + opensslError());
  }
  // The rest of the chain, if any.
  while (X509* extra = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)) {
    if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
      X509_free(extra);
      return Status(Code::kInvalidArgument, "certificate chain: " + opensslError());
    }
  }
  ERR_clear_error();  // the loop above ends on "no start line"
  BioPtr keyBio(BIO_new_mem_buf(keyPem.data(), static_cast<int>(keyPem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
  // Never quote the key's bytes in a message.
  if (!key) return Status(Code::kInvalidArgument, "no PEM private key in tls.key");
  if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return Status(Code::kInvalidArgument, "tls.key does not match the certificate in tls.crt");
  }
  tls->cert_pem_ = toPem(leaf.get());
  return tls;
}

kube::StatusOr<std::shared_ptr<ServerTls>> ServerTls::fromCertDir(
    const std::string& dir, std::chrono::milliseconds recheck) {
  const std::string stamp = filesStamp(dir);
  auto cert = readFile(dir + "/tls.crt");
  if (!cert.isOk()) return cert.status();
  auto key = readFile(dir + "/tls.key");
  if (!key.isOk()) return key.status();
  auto tls = fromPem(*cert, *key);
  if (!tls.isOk()) return Status(tls.status().code(), dir + ": " + tls.status().message());
  (*tls)->dir_ = dir;
  (*tls)->recheck_ = recheck;
  (*tls)->next_check_ = std::chrono::steady_clock::now() + recheck;
  (*tls)->files_stamp_ = stamp;
  return tls;
}

void ServerTls::reloadIfChanged() {
  if (dir_.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now < next_check_) return;
  next_check_ = now + recheck_;
  const std::string stamp = filesStamp(dir_);
  if (stamp.empty() || stamp == files_stamp_) return;
  auto cert = readFile(dir_ + "/tls.crt");
  auto key = readFile(dir_ + "/tls.key");
  auto fresh = cert.isOk() && key.isOk() ? fromPem(*cert, *key)
                                         : kube::StatusOr<std::shared_ptr<ServerTls>>(
                                               Status(Code::kInvalidArgument, "unreadable"));
  if (!fresh.isOk()) {
    // Perhaps caught half written: the next check tries again.
    logging::warn("metrics certificate changed but does not load; serving the previous one",
                  {{"dir", dir_}, {"error", fresh.status().message()}});
    return;
  }
  // Sessions made from the old context keep it alive (SSL_new takes a reference).
  SSL_CTX_free(ctx_);
  ctx_ = (*fresh)->ctx_;
  (*fresh)->ctx_ = nullptr;
  cert_pem_ = (*fresh)->cert_pem_;
  files_stamp_ = stamp;
  logging::info("metrics certificate reloaded", {{"dir", dir_}});
}

ssl_st* ServerTls::newSession() {
  std::lock_guard<std::mutex> lock(mu_);
  reloadIfChanged();
  return SSL_new(ctx_);
}

std::string ServerTls::certificatePem() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cert_pem_;
}

kube::StatusOr<std::shared_ptr<ServerTls>> ServerTls::selfSigned(
    const std::vector<std::string>& names) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Status(Code::kInternal, "generating a key: " + opensslError());
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  if (RAND_bytes(serial, sizeof(serial)) == 1) {
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const std::string cn = names.empty() ? "localhost" : names.front();
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), subject);
  std::string san;
  for (const auto& name : names) {
    if (name.empty()) continue;
    if (!san.empty()) san += ",";
    san += (isIpAddress(name) ? "IP:" : "DNS:") + name;
  }
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       std::vector<std::pair<int, std::string>>{{NID_subject_alt_name, san},
                                                {NID_ext_key_usage, "serverAuth"},
                                                {NID_key_usage, "critical,digitalSignature"},
                                                {NID_basic_constraints, "critical,CA:FALSE"}}) {
    if (value.empty()) continue;
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str());
    if (ext == nullptr) return Status(Code::kInternal, "certificate extension: " + opensslError());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Status(Code::kInternal, "signing the certificate: " + opensslError());
  }
  return fromPem(toPem(cert.get()), toPem(key.get()));
}

}  // namespace ctrl::manager
