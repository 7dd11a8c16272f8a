// The whole point of a ClusterAgent, with nothing played by the test: the
// operator (shipped RBAC) renders the agent Deployment, kube-controller-manager
// makes its pod, the process kubelet (tests/kubelet/) runs upstream's pinned
// argocd-agent binary as that pod, and it connects to upstream's principal on
// loopback (tests/argocd-agent/principal). Connected comes from the agent's
// own /healthz through the pod's readiness probe.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
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

// The client certificate's CN: the name the principal knows the agent by.
const char kAgentName[] = "agent-e2e";
const char kClusterAgent[] = "aro-agent";
// The agent syncs informers against the API server before it connects; a
// loaded 2-core machine can take a while.
const std::string kConnectTimeout = "--timeout=240s";

class RealAgentE2ETest : public OperatorE2ETest {
 protected:
  void SetUp() override {
    OperatorE2ETest::SetUp();
    if (HasFatalFailure()) return;
    std::string error;
    principal_ = std::make_unique<PrincipalProcess>(cp().repoRoot(), cp().adminKubeconfig());
    ASSERT_TRUE(principal_->start(&error)) << error;
    // The fixture's self-signed placeholders give way to a certificate the
    // principal's CA issued, in the Secrets upstream's agent reads by default.
    CommandResult removed = kubectl(
        {"delete", "secret", "argocd-agent-client-tls", "argocd-agent-ca", "--ignore-not-found"});
    ASSERT_TRUE(removed.ok()) << removed.output;
    AgentCertificate cert;
    ASSERT_TRUE(principal_->issueAgentCertificate(ns(), kAgentName, &cert, &error)) << error;
    kubelet_ = std::make_unique<KubeletProcess>(
        KubeletProcess::ImageBinaries{
            {clusteragent::kDefaultAgentImage, principal_->agentBinary()}},
        std::vector<std::string>{ns()});
    ASSERT_TRUE(kubelet_->started()) << kubelet_->logTail();
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
  bool subscribed() const {
    return contains(
        readFile(principal_->logPath()),
        std::string("An agent connected to the subscription stream\" client=") + kAgentName);
  }

  std::unique_ptr<PrincipalProcess> principal_;
  std::unique_ptr<KubeletProcess> kubelet_;
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

}  // namespace
