// The shipped install, end to end, the way README.md tells a user to do it:
// `kubectl apply -k manifests/default`; the operator running under exactly the
// ServiceAccount and arguments of the shipped Deployment (as a host process:
// there is no kubelet); the samples applied with the Secrets the README has
// users create; then the README's uninstall, after which nothing of the
// operator is left in the cluster.
//
// It installs and deletes cluster-scoped objects (the CRD, the operator's
// namespace and ClusterRole), so e2e_tests runs with RUN_SERIAL.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/operator_e2e_fixture.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/operator_process.h"
#include "tests/support/raw_http.h"
#include "tests/support/service_account_kubeconfig.h"
#include "tests/support/test_certificates.h"

namespace {

using namespace e2e;

// manifests/base: the Deployment it installs (its namespace and ServiceAccount:
// operator_e2e_fixture.h).
const char kOperatorDeployment[] = "clusteragent-operator";
const char kOperatorLabel[] = "app.kubernetes.io/name=clusteragent-operator";
// What the operator labels every object it creates with.
const char kManagedLabel[] = "app.kubernetes.io/managed-by=clusteragent-operator";
const char kCrd[] = "crd/clusteragents.argoproj.io";

// The `--flag=value` element of args replaced by `--flag=<value>`.
bool replaceFlag(std::vector<std::string>* args, const std::string& flag,
                 const std::string& value) {
  for (auto& a : *args) {
    if (a.rfind(flag + "=", 0) == 0) {
      a = flag + "=" + value;
      return true;
    }
  }
  return false;
}

class ShippedInstall : public ::testing::Test {
 protected:
  void TearDown() override {
    if (operator_) operator_->stop(30s);
    if (HasFailure() && !log_path_.empty()) {
      std::cerr << "---- last lines of " << log_path_ << "\n"
                << testsupport::fileTail(log_path_, 60) << "----" << std::endl;
    }
    if (!kubeconfig_.empty()) std::filesystem::remove(kubeconfig_);
  }

  std::string path(const std::string& relative) const { return cp().repoRoot() + "/" + relative; }

  // kubectl in the samples' namespace (README: `-n argocd`).
  CommandResult kubectlNs(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"-n", ns_->name()});
    return cp().kubectl(args, input);
  }

  // A sample as shipped, moved from namespace argocd to the test's namespace.
  std::string sample(const std::string& relative) const {
    const std::string text = readFile(path(relative));
    EXPECT_TRUE(contains(text, kSampleNamespace)) << relative;
    return replaceAll(text, kSampleNamespace, "namespace: " + ns_->name());
  }

  void waitForCondition(const std::string& agent, const std::string& condition) {
    CommandResult r =
        kubectlNs({"wait", "--for=condition=" + condition, kWaitTimeout, "clusteragent/" + agent});
    EXPECT_TRUE(r.ok()) << agent << " never got " << condition << ": " << r.output << "\n"
                        << kubectlNs({"get", "clusteragent", agent, "-o", "yaml"}).output;
  }

  // Names ("kind/name") of the objects labelled `selector`, cluster-wide or in
  // the samples' namespace.
  std::string listed(const std::string& kinds, const std::string& selector, bool inNamespace) {
    std::vector<std::string> args = {"get", kinds, "-l", selector, "-o", "name"};
    CommandResult r = inNamespace ? kubectlNs(args) : cp().kubectl(args);
    EXPECT_TRUE(r.ok()) << r.output;
    return r.output;
  }

  std::unique_ptr<TestNamespace> ns_;
  std::unique_ptr<testsupport::OperatorProcess> operator_;
  std::string kubeconfig_;
  std::string log_path_;
};

TEST_F(ShippedInstall, KustomizeInstallRunsTheSamplesAndUninstallLeavesNothing) {
  // ---- README: kubectl apply -k manifests/default
  CommandResult install = cp().kubectl({"apply", "-k", path("manifests/default")});
  ASSERT_TRUE(install.ok()) << install.output;
  for (const char* object :
       {"customresourcedefinition.apiextensions.k8s.io/clusteragents.argoproj.io",
        "namespace/clusteragent-operator-system", "serviceaccount/clusteragent-operator",
        "clusterrole.rbac.authorization.k8s.io/clusteragent-operator",
        "clusterrolebinding.rbac.authorization.k8s.io/clusteragent-operator",
        "service/clusteragent-operator-metrics", "deployment.apps/clusteragent-operator",
        "clusterrole.rbac.authorization.k8s.io/clusteragent-operator-metrics-reader",
        "networkpolicy.networking.k8s.io/clusteragent-operator",
        "validatingadmissionpolicy.admissionregistration.k8s.io/clusteragent-delegation-core",
        "validatingadmissionpolicybinding.admissionregistration.k8s.io/"
        "clusteragent-delegation-core"}) {
    EXPECT_TRUE(contains(install.output, object)) << object << " not in:\n" << install.output;
  }
  CommandResult established =
      cp().kubectl({"wait", "--for=condition=Established", kWaitTimeout, kCrd});
  ASSERT_TRUE(established.ok()) << established.output;

  // The namespace enforces Pod Security "restricted": that the Deployment's
  // two pods are admitted proves its securityContext complies.
  ASSERT_TRUE(eventually(
      [&] {
        CommandResult pods = cp().kubectl(
            {"get", "pods", "-n", kOperatorNamespace, "-l", kOperatorLabel, "-o", "name"});
        return pods.ok() && std::count(pods.output.begin(), pods.output.end(), '\n') == 2;
      },
      60s, kPoll))
      << "the Deployment's 2 pods were not admitted:\n"
      << cp().kubectl({"get", "events", "-n", kOperatorNamespace}).output;

  // ---- The operator, as the Deployment runs it: its args, its ServiceAccount,
  // and (as in-cluster) its own namespace as the default one (the Lease's).
  CommandResult shipped = cp().kubectl(
      {"get", "deployment", kOperatorDeployment, "-n", kOperatorNamespace, "-o", "json"});
  ASSERT_TRUE(shipped.ok()) << shipped.output;
  const auto deployment = nlohmann::json::parse(shipped.output);
  const auto& container = deployment["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(deployment["spec"]["replicas"], 2);
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["serviceAccountName"], kOperatorServiceAccount);
  EXPECT_EQ(container["livenessProbe"]["httpGet"]["path"], "/healthz");
  EXPECT_EQ(container["readinessProbe"]["httpGet"]["path"], "/readyz");
  std::vector<std::string> args = container["args"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(args.begin(), args.end(), "--leader-elect"), args.end());
  // The probes' port is the one the health server binds.
  for (const auto& port : container["ports"]) {
    if (port["name"] == "health") {
      EXPECT_NE(std::find(args.begin(), args.end(),
                          "--health-probe-bind-address=:" +
                              std::to_string(port["containerPort"].get<int>())),
                args.end());
    }
  }

  const std::string dir = std::string(E2E_ARTIFACT_DIR) + "/shipped-install";
  std::filesystem::create_directories(dir);
  log_path_ = dir + "/operator.log";
  kubeconfig_ = dir + "/operator.kubeconfig";
  ASSERT_TRUE(testsupport::writeServiceAccountKubeconfig(kOperatorNamespace,
                                                         kOperatorServiceAccount, kubeconfig_));
  {
    auto config = nlohmann::json::parse(readFile(kubeconfig_));
    config["contexts"][0]["context"]["namespace"] = kOperatorNamespace;
    std::ofstream(kubeconfig_) << config.dump(2);
  }
  // Only the ports change: this machine is shared, :8080/:8081 may be taken.
  const int metricsPort = testsupport::freeLoopbackPort();
  const int healthPort = testsupport::freeLoopbackPort();
  ASSERT_TRUE(
      replaceFlag(&args, "--metrics-bind-address", "127.0.0.1:" + std::to_string(metricsPort)));
  ASSERT_TRUE(
      replaceFlag(&args, "--health-probe-bind-address", "127.0.0.1:" + std::to_string(healthPort)));
  args.insert(args.begin(), {"--kubeconfig", kubeconfig_});
  // The GitOps sample below asks for rbac.clusterWide, which the operator
  // refuses unless an admin lists the namespace (docs/security.md); the
  // samples' namespace is made further down, so every namespace here.
  args.push_back("--allow-cluster-wide-namespaces=*");
  operator_ = std::make_unique<testsupport::OperatorProcess>(OPERATOR_BINARY, args, log_path_);
  std::string error;
  ASSERT_TRUE(operator_->start(&error)) << error;
  ASSERT_TRUE(eventually([&] { return testsupport::httpGet(healthPort, "/readyz").has_value(); },
                         60s, kPoll))
      << "/readyz never answered 200";
  // The shipped args serve /metrics over HTTPS, to authorised bearer tokens only.
  auto anonymous = testsupport::rawExchange(static_cast<uint16_t>(metricsPort),
                                            "GET /metrics HTTP/1.1\r\n\r\n", true);
  EXPECT_EQ(testsupport::statusCodeOf(anonymous.response), 401) << anonymous.response;
  ASSERT_TRUE(eventually(
      [&] {
        CommandResult holder = cp().kubectl({"get", "lease", kLeaseName, "-n", kOperatorNamespace,
                                             "-o", "jsonpath={.spec.holderIdentity}"});
        return holder.ok() && !holder.output.empty();
      },
      60s, kPoll))
      << "no Lease " << kLeaseName << " taken in " << kOperatorNamespace;

  // ---- The samples, with the Secrets README.md / the samples' headers have
  // users create (namespace argocd there, the test's own here).
  // README: kubectl apply -f manifests/samples/namespace.yaml (validated only: the
  // samples go to a namespace of the test's own).
  CommandResult sampleNamespace =
      cp().kubectl({"apply", "--dry-run=server", "-f", path("manifests/samples/namespace.yaml")});
  EXPECT_TRUE(sampleNamespace.ok()) << sampleNamespace.output;
  ns_ = std::make_unique<TestNamespace>(
      "install", std::vector<std::string>{"pod-security.kubernetes.io/enforce=restricted"});
  const auto clientCert = testsupport::makeSelfSignedCertificate();
  const auto caCert = testsupport::makeSelfSignedCertificate();
  std::ofstream(dir + "/tls.crt") << clientCert.certPem;
  std::ofstream(dir + "/tls.key") << clientCert.keyPem;
  std::ofstream(dir + "/ca.crt") << caCert.certPem;
  const std::string cert = "--cert=" + dir + "/tls.crt";
  const std::string key = "--key=" + dir + "/tls.key";
  const std::string ca = "--from-file=ca.crt=" + dir + "/ca.crt";
  const std::vector<std::vector<std::string>> secrets = {
      // README: every agent's client certificate and principal CA by default.
      {"create", "secret", "tls", "argocd-agent-client-tls", cert, key},
      {"create", "secret", "generic", "argocd-agent-ca", ca},
      // clusteragent_mtls.yaml
      {"create", "secret", "tls", "aro-agent-mtls-client", cert, key},
      {"create", "secret", "generic", "argocd-principal-ca", ca},
      // clusteragent_private_proxy.yaml
      {"create", "secret", "generic", "aro-private-token",
       std::string("--from-literal=token=") + kSampleToken},
      // manifests/gitops/clusteragent
      {"create", "secret", "generic", "cluster-agent-token",
       std::string("--from-literal=token=") + kSampleToken},
  };
  for (const auto& command : secrets) {
    CommandResult r = kubectlNs(command);
    ASSERT_TRUE(r.ok()) << r.output;
  }
  std::filesystem::remove(dir + "/tls.key");

  struct Sample {
    std::string name;
    std::string manifest;
  };
  std::vector<Sample> samples = {
      {"aro-agent", sample("manifests/samples/clusteragent.yaml")},
      {"aro-agent-ref", sample("manifests/samples/clusteragent_secret_ref.yaml")},
      {"aro-agent-mtls", sample("manifests/samples/clusteragent_mtls.yaml")},
      {"aro-agent-private", sample("manifests/samples/clusteragent_private_proxy.yaml")},
  };
  // The ClusterAgent the GitOps Application syncs, as kustomize renders it;
  // with rbac.clusterWide so that uninstalling has a cluster-scoped child to
  // clean up through the finalizer.
  CommandResult gitops = cp().kubectl({"kustomize", path("manifests/gitops/clusteragent")});
  ASSERT_TRUE(gitops.ok()) << gitops.output;
  samples.push_back(
      {"cluster-agent", replaceAll(gitops.output, kSampleNamespace, "namespace: " + ns_->name()) +
                            "  rbac:\n    clusterWide: true\n"});
  for (const auto& s : samples) {
    CommandResult r = cp().kubectl({"apply", "-f", "-"}, s.manifest);
    ASSERT_TRUE(r.ok()) << s.name << ": " << r.output;
  }
  for (const auto& s : samples) {
    waitForCondition(s.name, "SpecValid");
    waitForCondition(s.name, "CredentialsReady");
  }
  CommandResult table = cp().kubectl({"get", "clusteragent", "-A", "-o", "wide"});
  EXPECT_TRUE(table.ok()) << table.output;
  for (const auto& s : samples) EXPECT_TRUE(contains(table.output, s.name)) << table.output;

  // What the samples are for shows in the agent's pod spec.
  ASSERT_TRUE(eventually(
      [&] {
        CommandResult env = kubectlNs({"get", "deployment", "aro-agent-private-agent", "-o",
                                       "jsonpath={.spec.template.spec.containers[0].env}"});
        return env.ok() && contains(env.output, "http://proxy.internal.example:3128");
      },
      30s, kPoll))
      << "the proxy sample's agent has no HTTPS_PROXY";
  ASSERT_TRUE(eventually(
      [&] {
        CommandResult env = kubectlNs({"get", "deployment", "aro-agent-mtls-agent", "-o",
                                       "jsonpath={.spec.template.spec.containers[0].env}"});
        return env.ok() && contains(env.output, "mtls:any");
      },
      30s, kPoll))
      << "the mTLS sample's agent does not authenticate with mtls";
  ASSERT_TRUE(eventually(
      [&] {
        return contains(listed("clusterroles,clusterrolebindings", kManagedLabel, false),
                        "clusteragent:" + ns_->name() + ":cluster-agent");
      },
      30s, kPoll))
      << "no cluster-wide RBAC for the clusterWide ClusterAgent";

  // ---- README uninstall: the ClusterAgents first, while the operator runs
  // (it releases their finalizers), then the install itself.
  for (const auto& s : samples) {
    CommandResult r = cp().kubectl({"delete", "-f", "-", kWaitTimeout}, s.manifest);
    EXPECT_TRUE(r.ok()) << s.name << ": " << r.output;
  }
  CommandResult all =
      cp().kubectl({"delete", "clusteragents", "--all", "--all-namespaces", kWaitTimeout});
  EXPECT_TRUE(all.ok()) << all.output;
  // Namespaced children go through the garbage collector (owner references).
  EXPECT_TRUE(eventually(
      [&] { return listed("deploy,sa,role,rolebinding,svc,secret", kManagedLabel, true).empty(); },
      60s, kPoll))
      << "children of the deleted samples are left:\n"
      << listed("deploy,sa,role,rolebinding,svc,secret", kManagedLabel, true);
  EXPECT_TRUE(eventually(
      [&] { return listed("clusterroles,clusterrolebindings", kManagedLabel, false).empty(); }, 30s,
      kPoll))
      << listed("clusterroles,clusterrolebindings", kManagedLabel, false);

  EXPECT_EQ(operator_->stop(30s), "exit 0") << "after SIGTERM";
  operator_.reset();
  // Bounded: a ClusterAgent whose finalizer nobody releases (another test's
  // leftover) holds the CRD's deletion up forever.
  CommandResult uninstall =
      cp().kubectl({"delete", "-k", path("manifests/default"), "--timeout=180s"});
  ASSERT_TRUE(uninstall.ok()) << uninstall.output << "\nClusterAgents left: "
                              << cp().kubectl({"get", "clusteragents", "-A"}).output;

  EXPECT_FALSE(cp().kubectl({"get", kCrd}).ok()) << "the CRD is left";
  EXPECT_FALSE(cp().kubectl({"get", "namespace", kOperatorNamespace}).ok())
      << "the operator's namespace is left";
  EXPECT_EQ(listed("clusterroles,clusterrolebindings", kOperatorLabel, false), "");
  EXPECT_EQ(listed("clusterroles,clusterrolebindings", kManagedLabel, false), "");
}

// The other install paths render what they promise (building them needs no
// cluster; applying the OpenShift one needs the Prometheus Operator CRDs).
TEST(ShippedOverlays, OpenShiftOverlayLeavesTheUidToTheSccAndAddsMonitoring) {
  CommandResult r = cp().kubectl({"kustomize", cp().repoRoot() + "/manifests/openshift"});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_FALSE(contains(r.output, "runAsUser")) << r.output;
  EXPECT_FALSE(contains(r.output, "fsGroup")) << r.output;
  EXPECT_TRUE(contains(r.output, "runAsNonRoot: true"));
  EXPECT_TRUE(contains(r.output, "kind: ServiceMonitor"));
  EXPECT_TRUE(contains(r.output, "kind: CustomResourceDefinition"));
  EXPECT_TRUE(contains(r.output, "kind: Deployment"));
}

TEST(ShippedOverlays, DefaultOverlayCarriesTheSyncWaves) {
  CommandResult r = cp().kubectl({"kustomize", cp().repoRoot() + "/manifests/default"});
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_TRUE(contains(r.output, "argocd.argoproj.io/sync-wave: \"-2\"")) << r.output;
  EXPECT_TRUE(contains(r.output, "argocd.argoproj.io/sync-wave: \"-1\"")) << r.output;
}

// The OLM bundle's Deployment (no OLM here): created as OLM would, in a
// namespace enforcing Pod Security "restricted", its pods must be admitted
// without the UID pin the bundle drops for OpenShift's restricted-v2.
TEST(ShippedBundle, CsvDeploymentIsAdmittedUnderPodSecurityRestricted) {
  const YAML::Node csv = YAML::LoadFile(
      cp().repoRoot() +
      "/manifests/bundle/manifests/clusteragent-operator.clusterserviceversion.yaml");
  const YAML::Node install = csv["spec"]["install"]["spec"];
  const YAML::Node shipped = install["deployments"][0];
  ASSERT_TRUE(shipped) << "no install strategy Deployment in the CSV";
  EXPECT_FALSE(shipped["spec"]["template"]["spec"]["securityContext"]["runAsUser"]);

  YAML::Node deployment;
  deployment["apiVersion"] = "apps/v1";
  deployment["kind"] = "Deployment";
  deployment["metadata"]["name"] = shipped["name"];
  deployment["metadata"]["labels"] = shipped["label"];
  deployment["spec"] = shipped["spec"];
  YAML::Emitter manifest;
  manifest << deployment;

  TestNamespace ns("bundle", {"pod-security.kubernetes.io/enforce=restricted"});
  // OLM creates the ServiceAccount its clusterPermissions name.
  const std::string sa = install["clusterPermissions"][0]["serviceAccountName"].as<std::string>();
  CommandResult r = cp().kubectl({"create", "serviceaccount", sa, "-n", ns.name()});
  ASSERT_TRUE(r.ok()) << r.output;
  r = cp().kubectl({"apply", "-n", ns.name(), "-f", "-"}, manifest.c_str());
  ASSERT_TRUE(r.ok()) << r.output << "\n" << manifest.c_str();
  const long replicas = shipped["spec"]["replicas"].as<long>();
  EXPECT_TRUE(eventually(
      [&] {
        CommandResult pods =
            cp().kubectl({"get", "pods", "-n", ns.name(), "-l", kOperatorLabel, "-o", "name"});
        return pods.ok() && std::count(pods.output.begin(), pods.output.end(), '\n') == replicas;
      },
      60s, kPoll))
      << cp().kubectl({"get", "events", "-n", ns.name()}).output;
}

}  // namespace
