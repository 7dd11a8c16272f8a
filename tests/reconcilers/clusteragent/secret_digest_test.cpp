#include "reconcilers/clusteragent/secret_digest.h"

#include <gtest/gtest.h>

#include "controller/apply/managed_fields.h"
#include "tests/reconcilers/clusteragent/test_pem.h"
#include "tests/support/base64.h"

namespace clusteragent {
namespace {

using testsupport::base64Encode;

json secret(const json& data) {
  return json{
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"type", "Opaque"},
      {"metadata",
       {{"name", "s"}, {"namespace", "ns"}, {"managedFields", json::array({json::object()})}}},
      {"data", data}};
}

TEST(SecretDigestTest, ValuesAreReplacedByDigests) {
  json d = digestSecret(secret({{"token", base64Encode("s3cr3t-value")}}));
  EXPECT_FALSE(d.contains("data"));
  EXPECT_FALSE(d["metadata"].contains("managedFields"));
  EXPECT_EQ(d["metadata"]["name"], "s");
  EXPECT_EQ(d["type"], "Opaque");
  EXPECT_EQ((*dataDigest(d, "token"))["sha256"], sha256Hex("s3cr3t-value"));
  EXPECT_EQ(d.dump().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(d.dump().find(base64Encode("s3cr3t-value")), std::string::npos);
  EXPECT_EQ(dataDigest(d, "other"), nullptr);
}

// Field names only (FieldsV1 never holds values): whether we created the
// Secret with a POST and have yet to apply to it.
TEST(SecretDigestTest, OnlyOurManagersEntriesAreKept) {
  json s = secret({{"token", base64Encode("s3cr3t-value")}});
  s["metadata"]["managedFields"] = R"([
      {"manager": "kubectl-create", "operation": "Update", "fieldsV1": {"f:data": {".": {}}}},
      {"manager": "clusteragent-operator", "operation": "Update",
       "fieldsV1": {"f:data": {"f:token": {}}}}])"_json;
  json d = digestSecret(s);
  ASSERT_EQ(d["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(d["metadata"]["managedFields"][0]["manager"], "clusteragent-operator");
  EXPECT_TRUE(ctrl::apply::heldThroughUpdate(d, "clusteragent-operator"));
  EXPECT_EQ(d.dump().find("s3cr3t"), std::string::npos);
}

TEST(SecretDigestTest, LastAppliedConfigurationIsDropped) {
  json s = secret({{"token", base64Encode("s3cr3t-value")}});
  s["metadata"]["annotations"] = {{"kubectl.kubernetes.io/last-applied-configuration",
                                   "{\"stringData\":{\"token\":\"s3cr3t-value\"}}"},
                                  {"keep", "me"}};
  json d = digestSecret(s);
  EXPECT_EQ(d.dump().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(d["metadata"]["annotations"]["keep"], "me");
}

TEST(SecretDigestTest, Sha256KnownAnswer) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretDigestTest, PaddingVariantsDecodeExactly) {
  for (std::string v : {"a", "ab", "abc", "abcd"}) {
    json d = digestSecret(secret({{"k", base64Encode(v)}}));
    EXPECT_EQ((*dataDigest(d, "k"))["sha256"], sha256Hex(v)) << v;
  }
}

TEST(SecretDigestTest, StringDataDigestsLikeData) {
  json viaData = digestSecret(secret({{"k", base64Encode("v")}}));
  json s = secret(json::object());
  s["stringData"] = {{"k", "v"}};
  EXPECT_EQ(digestSecret(s)["dataDigest"], viaData["dataDigest"]);
}

TEST(SecretDigestTest, PemKinds) {
  json d = digestSecret(secret({{"ca.crt", base64Encode(testpem::kCert)},
                                {"tls.key", base64Encode(testpem::kKey)},
                                {"bad.crt", base64Encode("-----BEGIN CERTIFICATE-----\nnope\n"
                                                         "-----END CERTIFICATE-----\n")},
                                {"token", base64Encode("plain")}}));
  EXPECT_EQ((*dataDigest(d, "ca.crt"))["pem"], "certificate");
  EXPECT_EQ((*dataDigest(d, "tls.key"))["pem"], "privateKey");
  EXPECT_EQ((*dataDigest(d, "bad.crt"))["pem"], "invalid");
  EXPECT_FALSE(dataDigest(d, "token")->contains("pem"));
}

TEST(SecretDigestTest, BundleWithOneBrokenCertificateIsInvalid) {
  std::string bundle = std::string(testpem::kCert) +
                       "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n";
  json d = digestSecret(secret({{"ca.crt", base64Encode(bundle)}}));
  EXPECT_EQ((*dataDigest(d, "ca.crt"))["pem"], "invalid");
}

}  // namespace
}  // namespace clusteragent
