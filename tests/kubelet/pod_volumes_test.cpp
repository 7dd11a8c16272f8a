#include "tests/kubelet/pod_volumes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/kubelet/fake_object_source.h"

namespace processkubelet {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

class PodVolumesTest : public ::testing::Test {
 protected:
  PodVolumesTest() {
    dir_ = fs::temp_directory_path() / ("pod-volumes-test-" + std::to_string(getpid()));
    objects_.secrets[{"ns1", "creds"}] = {{"tls.crt", "CERT"}, {"tls.key", "KEY"}};
    objects_.configMaps[{"ns1", "settings"}] = {{"a.conf", "a=1"}};
    ctx_.pod = &pod_;
    ctx_.podDir = dir_.string();
    ctx_.objects = &objects_;
    ctx_.clusterCaPem = "CA-FROM-KUBECONFIG";
    ctx_.issueToken = [this](const TokenRequestSpec& r) -> ctrl::kube::StatusOr<std::string> {
      tokenRequests_.push_back(r);
      return std::string("TOKEN");
    };
  }
  ~PodVolumesTest() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static int mode(const fs::path& p) {
    struct stat st {};
    stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }

  json pod_ = {{"metadata", {{"name", "p"}, {"namespace", "ns1"}, {"uid", "u-1"}}},
               {"spec", {{"serviceAccountName", "agent"}, {"volumes", json::array()}}}};
  fs::path dir_;
  FakeObjectSource objects_;
  VolumeContext ctx_;
  std::vector<TokenRequestSpec> tokenRequests_;
};

TEST_F(PodVolumesTest, SecretWithItemsAndModes) {
  pod_["spec"]["volumes"] = {{{"name", "tls"},
                              {"secret",
                               {{"secretName", "creds"},
                                {"defaultMode", 0440},
                                {"items",
                                 {{{"key", "tls.crt"}, {"path", "certs/tls.crt"}},
                                  {{"key", "tls.key"}, {"path", "tls.key"}, {"mode", 0400}}}}}}}};
  auto dirs = materialiseVolumes(ctx_);
  ASSERT_TRUE(dirs.isOk()) << dirs.status().toString();
  const fs::path vol = (*dirs)["tls"].path;
  EXPECT_EQ(read(vol / "certs/tls.crt"), "CERT");
  EXPECT_EQ(mode(vol / "certs/tls.crt"), 0440);
  EXPECT_EQ(read(vol / "tls.key"), "KEY");
  EXPECT_EQ(mode(vol / "tls.key"), 0400);
}

TEST_F(PodVolumesTest, WholeConfigMapEmptyDirAndOptionalMissingSecret) {
  pod_["spec"]["volumes"] = {
      {{"name", "cfg"}, {"configMap", {{"name", "settings"}}}},
      {{"name", "scratch"}, {"emptyDir", json::object()}},
      {{"name", "maybe"}, {"secret", {{"secretName", "absent"}, {"optional", true}}}}};
  auto dirs = materialiseVolumes(ctx_);
  ASSERT_TRUE(dirs.isOk()) << dirs.status().toString();
  EXPECT_EQ(read(fs::path((*dirs)["cfg"].path) / "a.conf"), "a=1");
  EXPECT_EQ(mode(fs::path((*dirs)["cfg"].path) / "a.conf"), 0644);
  EXPECT_TRUE(fs::is_directory((*dirs)["scratch"].path));
  EXPECT_TRUE(fs::is_empty((*dirs)["maybe"].path));
}

TEST_F(PodVolumesTest, MissingRequiredSecretFailsLikeMountVolumeSetUp) {
  pod_["spec"]["volumes"] = {{{"name", "creds"}, {"secret", {{"secretName", "absent"}}}}};
  auto dirs = materialiseVolumes(ctx_);
  ASSERT_FALSE(dirs.isOk());
  EXPECT_THAT(
      dirs.status().message(),
      HasSubstr("MountVolume.SetUp failed for volume \"creds\" : secret \"absent\" not found"));
}

TEST_F(PodVolumesTest, KubeApiAccessProjectedVolume) {
  pod_["spec"]["volumes"] = {
      {{"name", "kube-api-access-x"},
       {"projected",
        {{"defaultMode", 420},
         {"sources",
          {{{"serviceAccountToken", {{"expirationSeconds", 3607}, {"path", "token"}}}},
           {{"configMap",
             {{"name", "kube-root-ca.crt"}, {"items", {{{"key", "ca.crt"}, {"path", "ca.crt"}}}}}}},
           {{"downwardAPI",
             {{"items",
               {{{"fieldRef", {{"fieldPath", "metadata.namespace"}}},
                 {"path", "namespace"}}}}}}}}}}}}};
  auto dirs = materialiseVolumes(ctx_);
  ASSERT_TRUE(dirs.isOk()) << dirs.status().toString();
  const fs::path vol = (*dirs)["kube-api-access-x"].path;
  EXPECT_EQ(read(vol / "token"), "TOKEN");
  // kube-root-ca.crt not published yet: the kubeconfig's CA stands in.
  EXPECT_EQ(read(vol / "ca.crt"), "CA-FROM-KUBECONFIG");
  EXPECT_EQ(read(vol / "namespace"), "ns1");
  ASSERT_EQ(tokenRequests_.size(), 1u);
  EXPECT_EQ(tokenRequests_[0].ns, "ns1");
  EXPECT_EQ(tokenRequests_[0].serviceAccount, "agent");
  EXPECT_EQ(tokenRequests_[0].podUid, "u-1");
  EXPECT_EQ(tokenRequests_[0].expirationSeconds, 3607);
}

TEST(ContainerMountsTest, SubPathAndReadOnly) {
  VolumeDirs dirs = {{"cfg", {"/state/cfg", true}}, {"tmp", {"/state/tmp", false}}};
  json container = {{"volumeMounts",
                     {{{"name", "cfg"}, {"mountPath", "/etc/app"}, {"subPath", "sub"}},
                      {{"name", "tmp"}, {"mountPath", "/tmp"}},
                      {{"name", "tmp"}, {"mountPath", "/ro"}, {"readOnly", true}}}}};
  auto mounts = containerMounts(container, dirs);
  ASSERT_TRUE(mounts.isOk());
  ASSERT_EQ(mounts->size(), 3u);
  EXPECT_EQ((*mounts)[0].source, "/state/cfg/sub");
  EXPECT_EQ((*mounts)[0].target, "/etc/app");
  EXPECT_TRUE((*mounts)[0].readOnly);  // a configMap volume is read-only regardless
  EXPECT_FALSE((*mounts)[1].readOnly);
  EXPECT_TRUE((*mounts)[2].readOnly);
  EXPECT_FALSE(
      containerMounts({{"volumeMounts", {{{"name", "nope"}, {"mountPath", "/x"}}}}}, dirs).isOk());
}

}  // namespace
}  // namespace processkubelet
