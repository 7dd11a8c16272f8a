#include "controller/kube/kubeconfig.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "controller/kube/base64.h"

namespace ctrl::kube {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/kubeconfig_test_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    return p;
  }

 private:
  std::string path_;
};

// base64 of "CA-PEM", "CERT-PEM", "KEY-PEM"
const char* kInline = R"(apiVersion: v1
kind: Config
current-context: admin@local
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: Q0EtUEVN
- name: other
  cluster:
    server: https://10.0.0.1:443
    insecure-skip-tls-verify: true
contexts:
- name: admin@local
  context: {cluster: local, user: admin, namespace: team-a}
- name: bot@other
  context: {cluster: other, user: bot}
users:
- name: admin
  user:
    client-certificate-data: Q0VSVC1QRU0=
    client-key-data: S0VZLVBFTQ==
- name: bot
  user:
    token: s3cr3t-token-value
)";

TEST(Base64Test, Decodes) {
  EXPECT_EQ(base64Decode("Q0EtUEVN"), "CA-PEM");
  EXPECT_EQ(base64Decode("S0VZLVBFTQ=="), "KEY-PEM");
  EXPECT_EQ(base64Decode("S0VZ\nLVBF TQ"), "KEY-PEM");
  EXPECT_EQ(base64Decode(""), "");
  EXPECT_FALSE(base64Decode("not*base64"));
  EXPECT_FALSE(base64Decode("QQ==QQ"));
  EXPECT_FALSE(base64Decode("Q"));
}

TEST(KubeconfigTest, CurrentContextWithInlineData) {
  auto cfg = parseKubeconfig(kInline, "/x", "", "/x/config");
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://127.0.0.1:6443");
  EXPECT_EQ(cfg->caData, "CA-PEM");
  EXPECT_EQ(cfg->clientCertData, "CERT-PEM");
  EXPECT_EQ(cfg->clientKeyData, "KEY-PEM");
  EXPECT_EQ(cfg->defaultNamespace, "team-a");
  EXPECT_FALSE(cfg->insecureSkipTlsVerify);
  EXPECT_TRUE(cfg->bearerToken.empty());
  EXPECT_NE(cfg->source.find("/x/config"), std::string::npos);
  EXPECT_NE(cfg->source.find("admin@local"), std::string::npos);
}

TEST(KubeconfigTest, NamedContextWithToken) {
  auto cfg = parseKubeconfig(kInline, "/x", "bot@other", "/x/config");
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://10.0.0.1:443");
  EXPECT_TRUE(cfg->insecureSkipTlsVerify);
  EXPECT_EQ(cfg->bearerToken, "s3cr3t-token-value");
  EXPECT_TRUE(cfg->clientCertData.empty());
}

TEST(KubeconfigTest, FileReferencesRelativeToKubeconfigDir) {
  TempDir dir;
  dir.write("ca.crt", "CA FROM FILE");
  ::mkdir((dir.path() + "/certs").c_str(), 0700);
  dir.write("certs/client.crt", "CERT FROM FILE");
  dir.write("certs/client.key", "KEY FROM FILE");
  dir.write("token", "  file-token\n");
  std::string path = dir.write("config", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h:1", certificate-authority: ca.crt}}]
contexts: [{name: c, context: {cluster: k, user: u}}, {name: t, context: {cluster: k, user: tok}}]
users:
- {name: u, user: {client-certificate: certs/client.crt, client-key: certs/client.key}}
- {name: tok, user: {tokenFile: token}}
)");
  auto cfg = loadKubeconfigFile(path);
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->caData, "CA FROM FILE");
  EXPECT_EQ(cfg->clientCertData, "CERT FROM FILE");
  EXPECT_EQ(cfg->clientKeyData, "KEY FROM FILE");

  auto tok = loadKubeconfigFile(path, "t");
  ASSERT_TRUE(tok.isOk()) << tok.status().toString();
  EXPECT_EQ(tok->tokenFile, dir.path() + "/token");
}

Status errorOf(const std::string& yaml, const std::string& context = "") {
  return parseKubeconfig(yaml, "/d", context, "/d/kc").status();
}

TEST(KubeconfigTest, MalformedInputsGiveClearErrors) {
  Status notYaml = errorOf("clusters: [unclosed");
  EXPECT_EQ(notYaml.code(), Code::kInvalidArgument);
  EXPECT_NE(notYaml.message().find("/d/kc is not valid YAML"), std::string::npos)
      << notYaml.message();

  EXPECT_NE(errorOf("- a\n- b\n").message().find("not a YAML mapping"), std::string::npos);
  EXPECT_NE(errorOf("clusters: []\n").message().find("no current-context"), std::string::npos);
  EXPECT_NE(errorOf(kInline, "nope").message().find("context \"nope\" not found"),
            std::string::npos);

  Status noCluster = errorOf("current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n");
  EXPECT_NE(noCluster.message().find("cluster \"k\""), std::string::npos) << noCluster.message();

  Status noServer = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
      "clusters: [{name: k, cluster: {}}]\n");
  EXPECT_NE(noServer.message().find("has no server"), std::string::npos);

  Status badB64 = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h', certificate-authority-data: '**'}}]\n");
  EXPECT_NE(badB64.message().find("certificate-authority-data is not valid base64"),
            std::string::npos)
      << badB64.message();

  Status missingFile = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h', certificate-authority: nofile.crt}}]\n");
  EXPECT_NE(missingFile.message().find("/d/nofile.crt"), std::string::npos)
      << missingFile.message();

  Status noUser = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: ghost}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h'}}]\n");
  EXPECT_NE(noUser.message().find("user \"ghost\""), std::string::npos);

  Status exec = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: e}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
      "users: [{name: e, user: {exec: {command: aws}}}]\n");
  EXPECT_NE(exec.message().find("not supported"), std::string::npos);

  Status halfCert = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: e}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
      "users: [{name: e, user: {client-certificate-data: Q0E=}}]\n");
  EXPECT_NE(halfCert.message().find("must be given together"), std::string::npos);
}

TEST(KubeconfigTest, ErrorsNeverContainTokens) {
  Status s = errorOf(
      "current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
      "clusters: [{name: k, cluster: {server: 'https://h', certificate-authority-data: '**'}}]\n"
      "users: [{name: u, user: {token: super-secret-token}}]\n");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.message().find("super-secret-token"), std::string::npos);
}

TEST(KubeconfigTest, MissingFileNamesIt) {
  auto cfg = loadKubeconfigFile("/nonexistent/dir/kubeconfig");
  EXPECT_EQ(cfg.status().code(), Code::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find("/nonexistent/dir/kubeconfig"), std::string::npos);
}

TEST(InClusterConfigTest, ReadsServiceAccountMount) {
  TempDir dir;
  InClusterPaths paths{dir.write("token", "sa-token\n"), dir.write("ca.crt", "CA"),
                       dir.write("namespace", "operators")};
  auto cfg = loadInClusterConfig("10.0.0.1", "443", paths);
  ASSERT_TRUE(cfg.isOk()) << cfg.status().toString();
  EXPECT_EQ(cfg->server, "https://10.0.0.1:443");
  EXPECT_EQ(cfg->bearerToken, "sa-token");
  EXPECT_EQ(cfg->tokenFile, paths.tokenFile);
  EXPECT_EQ(cfg->caData, "CA");
  EXPECT_EQ(cfg->defaultNamespace, "operators");

  auto v6 = loadInClusterConfig("fd00::1", "443", paths);
  ASSERT_TRUE(v6.isOk());
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");
}

TEST(InClusterConfigTest, MissingTokenNamesFile) {
  TempDir dir;
  InClusterPaths paths{dir.path() + "/token", dir.write("ca.crt", "CA"), dir.path() + "/ns"};
  auto cfg = loadInClusterConfig("10.0.0.1", "443", paths);
  EXPECT_EQ(cfg.status().code(), Code::kInvalidArgument);
  EXPECT_NE(cfg.status().message().find(dir.path() + "/token"), std::string::npos);
}

class PrecedenceTest : public ::testing::Test {
 protected:
  std::string config(const std::string& name, const std::string& server) {
    return dir_.write(name,
                      "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
                      "clusters: [{name: k, cluster: {server: '" +
                          server + "'}}]\n");
  }
  ConfigSources inCluster() {
    ConfigSources s;
    s.serviceHost = "10.0.0.1";
    s.servicePort = "443";
    s.inClusterPaths = {dir_.write("token", "t"), dir_.write("ca.crt", "CA"),
                        dir_.path() + "/namespace"};
    return s;
  }
  TempDir dir_;
};

TEST_F(PrecedenceTest, ExplicitPathWins) {
  ConfigSources s = inCluster();
  s.explicitPath = config("explicit", "https://explicit");
  s.kubeconfigEnv = config("env", "https://env");
  auto cfg = resolveClientConfig(s);
  ASSERT_TRUE(cfg.isOk());
  EXPECT_EQ(cfg->server, "https://explicit");
}

TEST_F(PrecedenceTest, FirstExistingKubeconfigEnvEntryThenInCluster) {
  ConfigSources s = inCluster();
  s.kubeconfigEnv = dir_.path() + "/missing:" + config("env", "https://env") + ":" +
                    config("env2", "https://env2");
  auto cfg = resolveClientConfig(s);
  ASSERT_TRUE(cfg.isOk());
  EXPECT_EQ(cfg->server, "https://env");

  s.kubeconfigEnv = dir_.path() + "/missing";
  cfg = resolveClientConfig(s);
  ASSERT_TRUE(cfg.isOk());
  EXPECT_EQ(cfg->source, "in-cluster");
}

TEST_F(PrecedenceTest, HomeConfigLast) {
  ::mkdir((dir_.path() + "/.kube").c_str(), 0700);
  config(".kube/config", "https://home");
  ConfigSources s;
  s.home = dir_.path();
  auto cfg = resolveClientConfig(s);
  ASSERT_TRUE(cfg.isOk());
  EXPECT_EQ(cfg->server, "https://home");

  s.home = dir_.path() + "/nohome";
  EXPECT_EQ(resolveClientConfig(s).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace ctrl::kube
