// The whole point of a ClusterAgent, with nothing played by the test: the
// operator (shipped RBAC) renders the agent Deployment, kube-controller-manager
// makes its pod, the process kubelet (tests/kubelet/) runs upstream's pinned
// argocd-agent binary as that pod, and it connects to upstream's principal on
// loopback (tests/argocd-agent/principal). Connected comes from the agent's
// own /healthz through the pod's readiness probe.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "reconcilers/clusteragent/agent_image.h"
#include "tests/e2e/operator_e2e_fixture.h"
#include "tests/support/principal_process.h"
#include "tests/support/process_kubelet.h"

namespace {

using namespace e2e;
using testsupport::AgentCertificate;
using testsupport::KubeletProcess;
using testsupport::PrincipalProcess;

// The client certificate's CN: the name the principal knows the agent by. In
// managed mode the principal sends this agent the Applications of the
// namespace with the same name on its side (principal/callbacks.go,
// getAgentNameForApp, at v0.9.0), so that namespace is its allowed one.
const char kAgentName[] = "agent-e2e";
const char kClusterAgent[] = "aro-agent";
// An agent image of another release: the kubelet runs it as the same agent
// built to claim v0.8.0 (tests/argocd-agent/build, argocd-agent-skew).
const char kSkewedImage[] = "quay.io/argoprojlabs/argocd-agent:v0.8.0";
// The agent syncs informers against the API server before it connects; a
// loaded 2-core machine can take a while.
const std::string kConnectTimeout = "--timeout=240s";

class RealAgentE2ETest : public OperatorE2ETest {
 protected:
  void SetUp() override {
    OperatorE2ETest::SetUp();
    if (HasFatalFailure()) return;
    std::string error;
    testsupport::PrincipalOptions options;
    options.allowedNamespaces = kAgentName;
    options.auth = principalAuth();
    principal_ =
        std::make_unique<PrincipalProcess>(cp().repoRoot(), cp().adminKubeconfig(), options);
    prepareAgentCredentials();
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_TRUE(principal_->start(&error)) << error;
    // The fixture's self-signed placeholders give way to a certificate the
    // principal's CA issued, in the Secrets upstream's agent reads by default.
    CommandResult removed = kubectl(
        {"delete", "secret", "argocd-agent-client-tls", "argocd-agent-ca", "--ignore-not-found"});
    ASSERT_TRUE(removed.ok()) << removed.output;
    AgentCertificate cert;
    ASSERT_TRUE(principal_->issueAgentCertificate(ns(), kAgentName, &cert, &error)) << error;
    kubelet_ = std::make_unique<KubeletProcess>(
        KubeletProcess::ImageBinaries{{clusteragent::kDefaultAgentImage, principal_->agentBinary()},
                                      {kSkewedImage, skewedAgentBinary()}},
        std::vector<std::string>{ns()});
    ASSERT_TRUE(kubelet_->started()) << kubelet_->logTail();
    subscriptions_at_start_ = subscriptions();
  }

  void TearDown() override {
    // The ClusterAgent goes while the operator (its finalizer) and the kubelet
    // (which confirms pod deletion) still run.
    kubectl({"delete", "clusteragent", "--all", "--timeout=60s"});
    eventually([&] { return podNames().empty(); }, 60s, kPoll);
    if (HasFailure() && kubelet_) {
      std::cerr << "---- process kubelet\n" << kubelet_->logTail(60) << "----\n";
      const std::string pod = firstPod();
      if (!pod.empty()) {
        std::cerr << "---- agent\n"
                  << testsupport::fileTail(kubelet_->containerLogPath(ns(), pod, "agent"), 60)
                  << "----\n";
      }
      if (principal_) {
        std::cerr << "---- principal\n"
                  << testsupport::fileTail(principal_->logPath(), 40) << "----\n";
      }
    }
    kubelet_.reset();
    OperatorE2ETest::TearDown();
  }

  // Built beside the agent (tests/argocd-agent/build).
  std::string skewedAgentBinary() const {
    return (std::filesystem::path(principal_->agentBinary()).parent_path() / "argocd-agent-skew")
        .string();
  }

  // How the principal authenticates agents; mtls: by their client certificate.
  virtual std::string principalAuth() const { return "mtls"; }
  // Before the principal starts: what its auth method needs.
  virtual void prepareAgentCredentials() {}

  // The seed manifest, pointed at the local principal. The principal here
  // authenticates agents by their client certificate, so auth.method is mtls
  // and no token is needed.
  std::string clusterAgent() const {
    return "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAgent\nmetadata:\n  name: " +
           std::string(kClusterAgent) + "\n  namespace: " + ns() +
           "\nspec:\n  serverAddr: https://127.0.0.1:" + std::to_string(principal_->port()) +
           "\n  clusterName: " + kAgentName + "\n  auth:\n    method: mtls\n";
  }

  std::string podNames() const {
    CommandResult r =
        kubectl({"get", "pods", "-l", std::string("argoproj.io/clusteragent=") + kClusterAgent,
                 "-o", "jsonpath={.items[*].metadata.name}"});
    return r.ok() ? r.output : "";
  }
  std::string firstPod() const {
    const std::string names = podNames();
    return names.substr(0, names.find(' '));
  }
  std::string jsonpath(const std::string& kind, const std::string& name,
                       const std::string& path) const {
    CommandResult r = kubectl({"get", kind, name, "-o", "jsonpath=" + path});
    return r.ok() ? r.output : "";
  }
  std::string connected(const std::string& field) const {
    return jsonpath("clusteragent", kClusterAgent,
                    "{.status.conditions[?(@.type==\"Connected\")]." + field + "}");
  }
  // What the principal logs once the agent subscribed to its event stream.
  // /healthz turns 200 one step earlier, at authentication, and an agent whose
  // principal dies in between keeps answering 200 while it retries
  // (agent/connection.go at v0.9.0): a disconnect is only observable after this.
  // Counted from SetUp on: the principal's log outlives a test.
  size_t subscriptions() const {
    const std::string log = readFile(principal_->logPath());
    const std::string line =
        std::string("An agent connected to the subscription stream\" client=") + kAgentName;
    size_t n = 0;
    for (size_t at = log.find(line); at != std::string::npos; at = log.find(line, at + 1)) ++n;
    return n;
  }
  bool subscribed() const { return subscriptions() > subscriptions_at_start_; }

  std::string condition(const std::string& type, const std::string& field) const {
    return jsonpath("clusteragent", kClusterAgent,
                    "{.status.conditions[?(@.type==\"" + type + "\")]." + field + "}");
  }

  // Applied, and Connected through the agent's own /healthz.
  void applyAndWaitConnected(const std::string& manifest) {
    apply(manifest);
    CommandResult wait = kubectl({"wait", "--for=condition=Connected", kConnectTimeout,
                                  std::string("clusteragent/") + kClusterAgent});
    ASSERT_TRUE(wait.ok()) << wait.output << "\nConnected: " << connected("reason") << " "
                           << connected("message");
  }

  // kubectl in a namespace of the test's choosing (the fixture's pins its own).
  CommandResult kubectlIn(const std::string& namespace_, std::vector<std::string> args,
                          const std::string& input = "") const {
    args.push_back("-n");
    args.push_back(namespace_);
    return cp().kubectl(args, input);
  }

  std::unique_ptr<PrincipalProcess> principal_;
  std::unique_ptr<KubeletProcess> kubelet_;
  size_t subscriptions_at_start_ = 0;
};

TEST_F(RealAgentE2ETest, ConnectsLosesThePrincipalWithoutRestartingAndReconnects) {
  apply(clusterAgent());
  CommandResult wait = kubectl({"wait", "--for=condition=Connected", kConnectTimeout,
                                std::string("clusteragent/") + kClusterAgent});
  ASSERT_TRUE(wait.ok()) << wait.output << "\nConnected: " << connected("reason") << " "
                         << connected("message");
  // Ready because the agent's /healthz answered: the pod the kubelet runs is
  // the real binary, and the principal saw it.
  const std::string pod = firstPod();
  ASSERT_FALSE(pod.empty());
  EXPECT_EQ(jsonpath("pod", pod, "{.spec.nodeName}"), kubelet_->nodeName());
  ASSERT_TRUE(eventually([&] { return subscribed(); }, 60s, kPoll))
      << testsupport::fileTail(principal_->logPath(), 30);
  EXPECT_EQ(jsonpath("clusteragent", kClusterAgent, "{.status.phase}"), "Connected");

  // The principal goes away: Connected=False, AgentNotConnected, within 30 s.
  std::string error;
  ASSERT_TRUE(principal_->stop(&error)) << error;
  const auto stoppedAt = std::chrono::steady_clock::now();
  wait = kubectl({"wait", "--for=condition=Connected=False", "--timeout=30s",
                  std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(wait.ok()) << wait.output;
  EXPECT_LE(std::chrono::steady_clock::now() - stoppedAt, 35s);
  EXPECT_EQ(connected("reason"), "AgentNotConnected") << connected("message");
  // Liveness does not follow the principal: the same process keeps running.
  // Three liveness periods (20 s each) is when a wrong probe would have killed it.
  std::this_thread::sleep_for(30s);
  EXPECT_EQ(jsonpath("pod", pod, "{.status.containerStatuses[0].restartCount}"), "0");
  EXPECT_EQ(connected("status"), "False");

  // Back: the agent reconnects on its own and the condition follows.
  ASSERT_TRUE(principal_->start(&error)) << error;
  wait = kubectl({"wait", "--for=condition=Connected", kConnectTimeout,
                  std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(wait.ok()) << wait.output << "\nConnected: " << connected("reason");
  EXPECT_EQ(jsonpath("pod", pod, "{.status.containerStatuses[0].restartCount}"), "0");
}

// The agent does its job with the RBAC the operator gave it: an Application
// created on the principal's side for this agent is created in the agent's
// namespace, and deleting it there deletes it here (create, get, list, watch,
// update, patch, delete on applications; a missing verb fails this test).
TEST_F(RealAgentE2ETest, AnApplicationFromThePrincipalReachesTheAgentsNamespace) {
  CommandResult nsCreated = cp().kubectl({"create", "namespace", kAgentName});
  ASSERT_TRUE(nsCreated.ok() || contains(nsCreated.output, "AlreadyExists")) << nsCreated.output;
  applyAndWaitConnected(clusterAgent());
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(eventually([&] { return subscribed(); }, 60s, kPoll))
      << testsupport::fileTail(principal_->logPath(), 30);

  const std::string app = std::string("apiVersion: argoproj.io/v1alpha1\nkind: Application\n") +
                          "metadata:\n  name: guestbook\n  namespace: " + kAgentName +
                          "\nspec:\n  project: default\n  source:\n"
                          "    repoURL: https://github.com/argoproj/argocd-example-apps\n"
                          "    path: guestbook\n    targetRevision: HEAD\n"
                          "  destination:\n    server: https://kubernetes.default.svc\n"
                          "    namespace: guestbook\n";
  CommandResult created = kubectlIn(kAgentName, {"apply", "-f", "-"}, app);
  ASSERT_TRUE(created.ok()) << created.output;
  auto onAgent = [&] {
    CommandResult r = kubectl({"get", "application", "guestbook", "-o",
                               "jsonpath={.spec.source.repoURL} {.spec.destination.namespace}"});
    return r.ok() ? r.output : "";
  };
  EXPECT_TRUE(eventually(
      [&] { return onAgent() == "https://github.com/argoproj/argocd-example-apps guestbook"; }, 90s,
      kPoll))
      << "the Application never reached namespace " << ns() << ": " << onAgent();

  CommandResult deleted =
      kubectlIn(kAgentName, {"delete", "application", "guestbook", "--timeout=60s"});
  EXPECT_TRUE(deleted.ok()) << deleted.output;
  EXPECT_TRUE(eventually(
      [&] {
        return contains(kubectl({"get", "application", "guestbook"}).output, "NotFound");
      },
      90s, kPoll))
      << "the Application deleted on the principal's side is still in " << ns();
}

// Rotating the client certificate (what `argocd-agentctl pki issue agent
// --upsert` does, or cert-manager) rolls the agent: it reads its certificate
// only at start, so a new pod must come up with the new one and connect.
TEST_F(RealAgentE2ETest, ARotatedClientCertificateRollsTheAgentWhichReconnects) {
  applyAndWaitConnected(clusterAgent());
  ASSERT_FALSE(HasFatalFailure());
  const std::string before = firstPod();
  ASSERT_FALSE(before.empty());
  const std::string certBefore = jsonpath("secret", "argocd-agent-client-tls", "{.data.tls\\.crt}");

  AgentCertificate cert;
  std::string error;
  ASSERT_TRUE(principal_->issueAgentCertificate(ns(), kAgentName, &cert, &error)) << error;
  ASSERT_NE(jsonpath("secret", "argocd-agent-client-tls", "{.data.tls\\.crt}"), certBefore)
      << "the certificate was not re-issued";

  // Recreate strategy: the old pod goes, one new pod comes and connects.
  EXPECT_TRUE(eventually(
      [&] {
        const std::string names = podNames();
        return !names.empty() && names != before && !contains(names, " ");
      },
      120s, kPoll))
      << "pods: " << podNames();
  CommandResult wait = kubectl({"wait", "--for=condition=Connected", kConnectTimeout,
                                std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(wait.ok()) << wait.output << "\nConnected: " << connected("reason") << " "
                         << connected("message");
  const std::string after = firstPod();
  EXPECT_NE(after, before);
  EXPECT_EQ(jsonpath("pod", after, "{.status.conditions[?(@.type==\"Ready\")].status}"), "True");
  // Status catches up within the operator's coalescing (1 s) and pacing (5 s).
  EXPECT_TRUE(eventually(
      [&] {
        return connected("message") ==
               "agent pod " + after + " is ready: connected to the principal";
      },
      30s, kPoll))
      << connected("message");
}

// A CA that did not sign the principal's certificate: the operator's own
// probe says CertificateUntrusted, so does Connected (from the agent's log,
// where the agent says why it cannot connect), and nothing restarts in a loop
// that would hide the cause.
TEST_F(RealAgentE2ETest, AnUntrustedPrincipalCertificateShowsInStatusNotAsACrashLoop) {
  testsupport::TestCertificateAuthority other("not-the-principals-ca");
  const std::string caFile = std::string(E2E_ARTIFACT_DIR) + "/" + ns() + "/other-ca.crt";
  std::ofstream(caFile) << other.certPem();
  CommandResult secret =
      kubectl({"create", "secret", "generic", "other-ca", "--from-file=ca.crt=" + caFile});
  ASSERT_TRUE(secret.ok()) << secret.output;
  apply(clusterAgent() + "  tls:\n    caSecretRef:\n      name: other-ca\n");

  CommandResult untrusted =
      kubectl({"wait",
               "--for=jsonpath={.status.conditions[?(@.type==\"ServerReachable\")].reason}"
               "=CertificateUntrusted",
               "--timeout=120s", std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(untrusted.ok()) << untrusted.output
                              << "\nServerReachable: " << condition("ServerReachable", "reason")
                              << " " << condition("ServerReachable", "message");
  EXPECT_EQ(condition("ServerReachable", "status"), "False");
  // The agent runs and retries: not connected, and not crash-looping.
  EXPECT_TRUE(
      eventually([&] { return connected("reason") == "CertificateUntrusted"; }, 150s, kPoll))
      << "Connected: " << connected("reason") << " " << connected("message");
  EXPECT_TRUE(contains(connected("message"), "cannot verify the principal's certificate"))
      << connected("message");
  EXPECT_EQ(connected("status"), "False");
  EXPECT_EQ(condition("Ready", "status"), "False");
  std::this_thread::sleep_for(20s);
  const std::string pod = firstPod();
  ASSERT_FALSE(pod.empty());
  EXPECT_EQ(jsonpath("pod", pod, "{.status.containerStatuses[0].restartCount}"), "0");
  EXPECT_EQ(connected("reason"), "CertificateUntrusted") << connected("message");
  EXPECT_FALSE(subscribed()) << "an agent that cannot verify the principal subscribed";
}

// The principal accepts only agents of its own release. An agent image of
// another one runs, is refused at every attempt, and status says so (from the
// agent's own log) instead of a bare "not connected"; back to the operator's
// default image, it connects.
TEST_F(RealAgentE2ETest, AnAgentOfAnotherReleaseIsRefusedAndStatusSaysSo) {
  apply(clusterAgent() + "  image: " + kSkewedImage + "\n");
  CommandResult refused = kubectl(
      {"wait",
       "--for=jsonpath={.status.conditions[?(@.type==\"Connected\")].reason}=VersionMismatch",
       "--timeout=180s", std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(refused.ok()) << refused.output << "\nConnected: " << connected("reason") << " "
                            << connected("message");
  EXPECT_EQ(connected("status"), "False");
  EXPECT_TRUE(contains(connected("message"), std::string("runs ") + kSkewedImage))
      << connected("message");
  // The principal's side of it, as upstream logs it (principal/apis/auth/auth.go).
  EXPECT_TRUE(contains(readFile(principal_->logPath()),
                       "Version mismatch: rejecting connection (agent: 0.8.0, principal: 0.9.0)"))
      << testsupport::fileTail(principal_->logPath(), 20);
  const std::string pod = firstPod();
  ASSERT_FALSE(pod.empty());
  EXPECT_EQ(jsonpath("pod", pod, "{.status.containerStatuses[0].restartCount}"), "0");

  CommandResult fixed = kubectl({"patch", "clusteragent", kClusterAgent, "--type=json", "-p",
                                 R"([{"op":"remove","path":"/spec/image"}])"});
  ASSERT_TRUE(fixed.ok()) << fixed.output;
  CommandResult wait = kubectl({"wait", "--for=condition=Connected", kConnectTimeout,
                                std::string("clusteragent/") + kClusterAgent});
  EXPECT_TRUE(wait.ok()) << wait.output << "\nConnected: " << connected("reason") << " "
                         << connected("message");
  EXPECT_EQ(jsonpath("pod", firstPod(), "{.spec.containers[0].image}"),
            clusteragent::kDefaultAgentImage);
}

// The seed manifest as api.md has it: a token in a Secret, so the userpass
// method, against a principal that authenticates agents by name and
// password (--auth=userpass:<file>, bcrypt entries as upstream reads them).
class RealAgentUserpassE2ETest : public RealAgentE2ETest {
 protected:
  std::string principalAuth() const override { return "userpass"; }
  void prepareAgentCredentials() override {
    // bcrypt takes at most 72 bytes (the principal hashes what the agent sends).
    std::random_device random;
    token_ = "e2e-" + std::to_string(random()) + "-" + std::to_string(random());
    tokens_.push_back(token_);
    std::string error;
    ASSERT_TRUE(principal_->addUser(kAgentName, token_, &error)) << error;
    CommandResult r =
        kubectl({"create", "secret", "generic", "aro-token", "--from-literal=token=" + token_});
    ASSERT_TRUE(r.ok()) << r.output;
  }
  std::string seedManifest() const {
    return "apiVersion: argoproj.io/v1alpha1\nkind: ClusterAgent\nmetadata:\n  name: " +
           std::string(kClusterAgent) + "\n  namespace: " + ns() +
           "\nspec:\n  serverAddr: https://127.0.0.1:" + std::to_string(principal_->port()) +
           "\n  clusterName: " + kAgentName + "\n  authTokenSecretRef:\n    name: aro-token\n";
  }
  std::string token_;
};

TEST_F(RealAgentUserpassE2ETest, TheSeedManifestConnectsWithItsToken) {
  applyAndWaitConnected(seedManifest());
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_TRUE(eventually([&] { return subscribed(); }, 60s, kPoll))
      << testsupport::fileTail(principal_->logPath(), 30);
  // The token went where the agent reads it, and nowhere a reader of the
  // Deployment or the ClusterAgent would see it (the fixture checks the log).
  CommandResult deployment = kubectl({"get", "deployment", "-o", "json"});
  ASSERT_TRUE(deployment.ok()) << deployment.output;
  EXPECT_FALSE(contains(deployment.output, token_));
  EXPECT_FALSE(
      contains(kubectl({"get", "clusteragent", kClusterAgent, "-o", "yaml"}).output, token_));
  EXPECT_TRUE(contains(deployment.output, "userpass:")) << "not the userpass method";
}

}  // namespace
