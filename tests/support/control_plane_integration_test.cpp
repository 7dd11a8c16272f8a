// Smoke test of the control plane fixture: a real kube-apiserver (the pinned
// one), CRDs, custom resources, kube-controller-manager behaviour, PodSecurity
// admission and RBAC for minted users, all through kubectl.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace testsupport {
namespace {

using nlohmann::json;

// Polls until check() holds; deadlines are generous because the machine may be loaded.
bool eventually(const std::function<bool()>& check,
                std::chrono::seconds deadline = std::chrono::seconds(60)) {
  return testsupport::eventually(check, deadline, std::chrono::milliseconds(250));
}

std::string pinnedKubernetesVersion(const std::string& repoRoot) {
  std::ifstream goMod(repoRoot + "/tests/controlplane/go.mod");
  std::string line;
  std::smatch m;
  const std::regex require(R"(^\s*k8s\.io/kubernetes\s+(v\S+))");
  while (std::getline(goMod, line)) {
    if (std::regex_search(line, m, require)) return m[1];
  }
  return "";
}

const char kWidgetCrd[] = R"({
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.smoke.testsupport.clusteragent.io"},
  "spec": {
    "group": "smoke.testsupport.clusteragent.io",
    "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{
      "name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
          "spec": {"type": "object", "required": ["size"], "properties": {
            "size": {"type": "integer", "minimum": 1},
            "color": {"type": "string", "default": "blue"}}},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}
    }]
  }
})";

class ControlPlaneIntegrationTest : public ::testing::Test {
 protected:
  const ControlPlane& cp_ = ControlPlane::instance();
};

TEST_F(ControlPlaneIntegrationTest, ServesThePinnedKubeApiserver) {
  CommandResult r = cp_.kubectl({"version", "-o", "json"});
  ASSERT_TRUE(r.ok()) << r.output;
  json version = json::parse(r.output.substr(r.output.find('{')));
  const std::string server = version["serverVersion"].value("gitVersion", "");
  std::cout << "kube-apiserver at " << cp_.apiServerUrl() << ": " << server << " ("
            << version["serverVersion"].value("platform", "") << ")" << std::endl;
  EXPECT_EQ(server, pinnedKubernetesVersion(cp_.repoRoot()));
}

TEST_F(ControlPlaneIntegrationTest, CustomResourceRoundTrip) {
  TestNamespace ns;
  CommandResult crd = cp_.kubectl({"apply", "-f", "-"}, kWidgetCrd);
  ASSERT_TRUE(crd.ok()) << crd.output;
  CommandResult established = cp_.kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                                           "crd/widgets.smoke.testsupport.clusteragent.io"});
  ASSERT_TRUE(established.ok()) << established.output;

  json widget = {{"apiVersion", "smoke.testsupport.clusteragent.io/v1"},
                 {"kind", "Widget"},
                 {"metadata", {{"name", "w1"}, {"namespace", ns.name()}}},
                 {"spec", {{"size", 3}}}};
  // kubectl's discovery may lag the just-established CRD by a moment.
  CommandResult created;
  ASSERT_TRUE(eventually([&] {
    created = cp_.kubectl({"create", "-f", "-"}, widget.dump());
    return created.ok();
  })) << created.output;

  // Fully qualified: other suites in this binary install a `widgets` of another group, and a
  // bare plural resolves to whichever group kubectl's discovery prefers.
  CommandResult list = cp_.kubectl(
      {"get", "widgets.smoke.testsupport.clusteragent.io", "-n", ns.name(), "-o", "json"});
  ASSERT_TRUE(list.ok()) << list.output;
  json items = json::parse(list.output)["items"];
  ASSERT_EQ(items.size(), 1u) << list.output;
  EXPECT_EQ(items[0]["metadata"]["name"], "w1");
  EXPECT_EQ(items[0]["spec"]["size"], 3);
  EXPECT_EQ(items[0]["spec"]["color"], "blue") << "the structural schema's default applies";
  EXPECT_FALSE(items[0]["metadata"].value("uid", "").empty());

  // The schema is enforced by the server, not by kubectl.
  json invalid = widget;
  invalid["metadata"]["name"] = "w2";
  invalid["spec"]["size"] = 0;
  CommandResult refused = cp_.kubectl({"create", "-f", "-"}, invalid.dump());
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.output.find("should be greater than or equal to 1"), std::string::npos)
      << refused.output;
}

TEST_F(ControlPlaneIntegrationTest, ControllerManagerRunsDeploymentsToPods) {
  TestNamespace ns("t", {"pod-security.kubernetes.io/enforce=restricted"});
  json deployment = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
      "replicas": 2,
      "selector": {"matchLabels": {"app": "web"}},
      "template": {
        "metadata": {"labels": {"app": "web"}},
        "spec": {
          "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
          "containers": [{
            "name": "web", "image": "registry.invalid/web:1",
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
          }]}}}})");
  deployment["metadata"]["namespace"] = ns.name();
  CommandResult created = cp_.kubectl({"create", "-f", "-"}, deployment.dump());
  ASSERT_TRUE(created.ok()) << created.output;

  json pods;
  CommandResult get;
  EXPECT_TRUE(eventually([&] {
    get = cp_.kubectl({"get", "pods", "-n", ns.name(), "-l", "app=web", "-o", "json"});
    if (!get.ok()) return false;
    pods = json::parse(get.output)["items"];
    return pods.size() == 2;
  })) << get.output;
  for (const auto& pod : pods) {
    ASSERT_EQ(pod["metadata"]["ownerReferences"].size(), 1u);
    EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
  }
}

TEST_F(ControlPlaneIntegrationTest, PodSecurityAdmissionRefusesPrivilegedPods) {
  TestNamespace ns("t", {"pod-security.kubernetes.io/enforce=restricted"});
  json pod = {{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", "privileged"}, {"namespace", ns.name()}}},
              {"spec",
               {{"containers",
                 {{{"name", "c"},
                   {"image", "registry.invalid/c:1"},
                   {"securityContext", {{"privileged", true}}}}}}}}};
  CommandResult r = cp_.kubectl({"create", "-f", "-"}, pod.dump());
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("violates PodSecurity \"restricted"), std::string::npos) << r.output;
}

TEST_F(ControlPlaneIntegrationTest, MintedUserIsSubjectToRbac) {
  TestNamespace ns;
  std::string kubeconfig = cp_.mintUserKubeconfig("smoke-user", {"smoke-group"});
  ASSERT_FALSE(kubeconfig.empty());
  auto asUser = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {cp_.kubectlPath(), "--kubeconfig", kubeconfig});
    return runCommand(args);
  };

  CommandResult whoami = asUser({"auth", "whoami", "-o", "json"});
  ASSERT_TRUE(whoami.ok()) << whoami.output;
  json user = json::parse(whoami.output)["status"]["userInfo"];
  EXPECT_EQ(user["username"], "smoke-user");
  EXPECT_NE(std::find(user["groups"].begin(), user["groups"].end(), "smoke-group"),
            user["groups"].end());

  CommandResult forbidden = asUser({"get", "configmaps", "-n", ns.name()});
  EXPECT_FALSE(forbidden.ok());
  EXPECT_NE(forbidden.output.find("forbidden"), std::string::npos) << forbidden.output;

  ASSERT_TRUE(cp_.kubectl({"create", "rolebinding", "smoke-view", "--clusterrole=view",
                           "--group=smoke-group", "-n", ns.name()})
                  .ok());
  CommandResult allowed;
  EXPECT_TRUE(eventually([&] {
    allowed = asUser({"get", "configmaps", "-n", ns.name()});
    return allowed.ok();
  })) << allowed.output;
}

TEST_F(ControlPlaneIntegrationTest, ServiceAccountTokensAuthenticate) {
  TestNamespace ns;
  ASSERT_TRUE(cp_.kubectl({"create", "serviceaccount", "bot", "-n", ns.name()}).ok());
  std::string token = cp_.serviceAccountToken(ns.name(), "bot");
  ASSERT_FALSE(token.empty());
  // --kubeconfig /dev/null: a KUBECONFIG in the environment would add its
  // user's client certificate, which wins over the token.
  CommandResult whoami =
      runCommand({cp_.kubectlPath(), "--kubeconfig", "/dev/null", "--server", cp_.apiServerUrl(),
                  "--insecure-skip-tls-verify", "--token", token, "auth", "whoami", "-o", "json"});
  ASSERT_TRUE(whoami.ok()) << "exit " << whoami.exitCode;
  EXPECT_EQ(json::parse(whoami.output)["status"]["userInfo"]["username"],
            "system:serviceaccount:" + ns.name() + ":bot");
}

}  // namespace
}  // namespace testsupport
