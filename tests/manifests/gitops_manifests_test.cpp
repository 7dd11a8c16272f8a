// The GitOps bootstrap (manifests/gitops) and the sync waves of
// manifests/default, checked structurally: no Argo CD runs here, so what can
// go wrong is a path that does not exist, a wave order that lets a
// ClusterAgent sync before its CRD, or a missing SkipDryRunOnMissingResource.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const char kWave[] = "argocd.argoproj.io/sync-wave";
const char kSyncOptions[] = "argocd.argoproj.io/sync-options";

fs::path repo() {
  return fs::path(PROJECT_SOURCE_DIR);
}

YAML::Node load(const std::string& relative) {
  return YAML::LoadFile((repo() / relative).string());
}

// The sync wave of an object; Argo CD's default is 0.
int wave(const YAML::Node& obj) {
  const YAML::Node w = obj["metadata"]["annotations"][kWave];
  return w ? std::stoi(w.as<std::string>()) : 0;
}

bool hasKustomization(const std::string& relative) {
  return fs::exists(repo() / relative / "kustomization.yaml") ||
         fs::exists(repo() / relative / "kustomization.yml");
}

// Every object in the plain (non-kustomization) YAML files of a directory.
std::vector<YAML::Node> objectsIn(const std::string& relative) {
  std::vector<YAML::Node> out;
  for (const auto& entry : fs::directory_iterator(repo() / relative)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name == "kustomization.yaml") continue;
    for (const YAML::Node& doc : YAML::LoadAllFromFile(entry.path().string())) {
      if (doc.IsMap()) out.push_back(doc);
    }
  }
  return out;
}

TEST(DefaultOverlay, ComposesTheCrdAndTheBaseOnce) {
  const YAML::Node k = load("manifests/default/kustomization.yaml");
  std::set<std::string> resources;
  for (const auto& r : k["resources"]) resources.insert(r.as<std::string>());
  EXPECT_EQ(resources, (std::set<std::string>{"../../crds", "../base"}));
  for (const auto& r : load("manifests/base/kustomization.yaml")["resources"]) {
    EXPECT_EQ(r.as<std::string>().find("crds"), std::string::npos)
        << "manifests/base must not include the CRD: manifests/default and the bundle add it";
  }
}

TEST(DefaultOverlay, SyncWavesPutTheCrdFirstThenTheNamespace) {
  int crdWave = 0;
  int namespaceWave = 0;
  int patched = 0;
  for (const auto& p : load("manifests/default/kustomization.yaml")["patches"]) {
    ASSERT_TRUE(p["path"]) << "patches are files beside the kustomization";
    const YAML::Node obj = load("manifests/default/" + p["path"].as<std::string>());
    const std::string kind = obj["kind"].as<std::string>();
    if (kind == "CustomResourceDefinition") {
      EXPECT_EQ(obj["metadata"]["name"].as<std::string>(),
                load("crds/clusteragents.argoproj.io.yaml")["metadata"]["name"].as<std::string>());
      crdWave = wave(obj);
      ++patched;
    } else if (kind == "Namespace") {
      EXPECT_EQ(obj["metadata"]["name"].as<std::string>(),
                load("manifests/base/namespace.yaml")["metadata"]["name"].as<std::string>());
      namespaceWave = wave(obj);
      ++patched;
    }
  }
  EXPECT_EQ(patched, 2);
  EXPECT_LT(crdWave, namespaceWave);
  EXPECT_LT(namespaceWave, 0) << "everything else is in the default wave 0";
}

class GitOps : public ::testing::Test {
 protected:
  YAML::Node operatorApp_ = load("manifests/gitops/operator.application.yaml");
  YAML::Node agentApp_ = load("manifests/gitops/clusteragent.application.yaml");
  YAML::Node appSet_ = load("manifests/gitops/clusteragents.applicationset.yaml");
};

TEST_F(GitOps, OperatorApplicationInstallsTheDefaultOverlay) {
  EXPECT_EQ(operatorApp_["apiVersion"].as<std::string>(), "argoproj.io/v1alpha1");
  EXPECT_EQ(operatorApp_["kind"].as<std::string>(), "Application");
  EXPECT_EQ(operatorApp_["spec"]["source"]["path"].as<std::string>(), "manifests/default");
  EXPECT_TRUE(hasKustomization("manifests/default"));
}

TEST_F(GitOps, ClusterAgentApplicationSyncsAfterTheOperator) {
  EXPECT_EQ(agentApp_["kind"].as<std::string>(), "Application");
  EXPECT_LT(wave(operatorApp_), wave(agentApp_));
  const std::string path = agentApp_["spec"]["source"]["path"].as<std::string>();
  ASSERT_TRUE(hasKustomization(path)) << path;
  // Both from the same repository and revision: the CRD and the ClusterAgent match.
  for (const char* field : {"repoURL", "targetRevision"}) {
    EXPECT_EQ(agentApp_["spec"]["source"][field].as<std::string>(),
              operatorApp_["spec"]["source"][field].as<std::string>())
        << field;
  }
}

TEST_F(GitOps, EveryClusterAgentFromGitSkipsDryRunWhileTheCrdIsMissing) {
  for (const std::string& path :
       {agentApp_["spec"]["source"]["path"].as<std::string>(),
        appSet_["spec"]["template"]["spec"]["source"]["path"].as<std::string>()}) {
    int agents = 0;
    for (const YAML::Node& obj : objectsIn(path)) {
      if (obj["kind"].as<std::string>() != "ClusterAgent") continue;
      ++agents;
      const YAML::Node options = obj["metadata"]["annotations"][kSyncOptions];
      ASSERT_TRUE(options) << path << ": no " << kSyncOptions;
      EXPECT_NE(options.as<std::string>().find("SkipDryRunOnMissingResource=true"),
                std::string::npos)
          << options.as<std::string>();
    }
    EXPECT_GT(agents, 0) << path << " holds no ClusterAgent";
  }
}

TEST_F(GitOps, ApplicationSetTemplatesOneApplicationPerCluster) {
  EXPECT_EQ(appSet_["kind"].as<std::string>(), "ApplicationSet");
  EXPECT_TRUE(appSet_["spec"]["goTemplate"].as<bool>());
  const YAML::Node elements = appSet_["spec"]["generators"][0]["list"]["elements"];
  ASSERT_TRUE(elements && elements.size() > 0) << "the list generator names no cluster";
  for (const auto& e : elements) EXPECT_TRUE(e["cluster"]) << "an element without 'cluster'";

  const YAML::Node tmpl = appSet_["spec"]["template"];
  EXPECT_NE(tmpl["metadata"]["name"].as<std::string>().find("{{.cluster}}"), std::string::npos)
      << "Application names must differ per cluster";
  EXPECT_EQ(tmpl["spec"]["destination"]["name"].as<std::string>(), "{{.cluster}}");

  // The patch that sets clusterName targets a ClusterAgent that exists there.
  const YAML::Node target = tmpl["spec"]["source"]["kustomize"]["patches"][0]["target"];
  ASSERT_TRUE(target);
  bool found = false;
  for (const YAML::Node& obj : objectsIn(tmpl["spec"]["source"]["path"].as<std::string>())) {
    found =
        found || (obj["kind"].as<std::string>() == target["kind"].as<std::string>() &&
                  obj["metadata"]["name"].as<std::string>() == target["name"].as<std::string>());
  }
  EXPECT_TRUE(found) << "no " << target["kind"] << " " << target["name"];
}

}  // namespace
