// Proves the principal fixture (tests/support/principal_process.h) that the
// operator's e2e tests connect agents to: upstream's agent binary, run as a
// host process with the credentials the fixture issues, connects to the
// fixture's principal, and notices when the principal goes away and comes back.
// Upstream's agent answers /healthz with 200 while it counts itself connected
// to the principal, 503 otherwise (agent/agent.go, healthzHandler, v0.9.0).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/operator_process.h"
#include "tests/support/principal_process.h"

namespace {

using testsupport::AgentCertificate;
using testsupport::ControlPlane;
using testsupport::eventually;
using testsupport::fileTail;
using testsupport::httpGet;
using testsupport::OperatorProcess;
using testsupport::PrincipalProcess;
using testsupport::TestNamespace;
using namespace std::chrono_literals;

// Connecting includes the agent's informer syncs against the API server; a
// loaded 2-core machine can take a while.
constexpr auto kConnectTimeout = 180s;
constexpr auto kPoll = 500ms;

// The file from byte `from` on (a log that earlier runs appended to).
std::string readFileFrom(const std::string& path, std::streamoff from) {
  std::ifstream in(path);
  in.seekg(from);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::streamoff fileSize(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::streamoff>(size);
}

bool healthzOk(int port) {
  return httpGet(port, "/healthz", 3s).has_value();
}

TEST(PrincipalE2ETest, AgentConnectsWithTheIssuedCertificateAndFollowsThePrincipal) {
  const ControlPlane& cp = ControlPlane::instance();
  PrincipalProcess principal(cp.repoRoot(), cp.adminKubeconfig());
  std::string error;
  ASSERT_TRUE(principal.start(&error)) << error;

  TestNamespace ns("agent");
  const std::string agentName = "agent-e2e";
  AgentCertificate cert;
  ASSERT_TRUE(principal.issueAgentCertificate(ns.name(), agentName, &cert, &error)) << error;
  // The Secrets upstream's agent reads by default (internal/config/constants.go).
  EXPECT_EQ(cp.kubectl({"-n", ns.name(), "get", "secret", "argocd-agent-client-tls", "-o",
                        "jsonpath={.type}"})
                .output,
            "kubernetes.io/tls");
  EXPECT_FALSE(cp.kubectl({"-n", ns.name(), "get", "secret", "argocd-agent-ca", "-o",
                           "jsonpath={.data.ca\\.crt}"})
                   .output.empty());
  EXPECT_TRUE(std::filesystem::exists(cert.certPath));

  const std::string dir = std::string(E2E_ARTIFACT_DIR) + "/" + ns.name();
  std::filesystem::create_directories(dir);
  const std::string agentLog = dir + "/agent.log";
  const int healthPort = testsupport::freeAgentPort();
  // Configured through the environment variables the operator's Deployment
  // sets (reconcilers/clusteragent/build_deployment.cpp), with the files it
  // would mount. `env` execs the agent, so the process we stop is the agent.
  const int metricsPort = testsupport::freeAgentPort();
  const int redisPort = testsupport::freeLoopbackPort();  // nothing listens: no redis here
  std::vector<std::string> envAndCommand{
      "ARGOCD_AGENT_REMOTE_SERVER=" + principal.address(),
      "ARGOCD_AGENT_REMOTE_PORT=" + std::to_string(principal.port()),
      "ARGOCD_AGENT_MODE=managed",
      "ARGOCD_AGENT_NAMESPACE=" + ns.name(),
      "ARGOCD_AGENT_CREDS=mtls:any",
      "ARGOCD_AGENT_TLS_ROOT_CA_PATH=" + cert.caPath,
      "ARGOCD_AGENT_TLS_CLIENT_CERT_PATH=" + cert.certPath,
      "ARGOCD_AGENT_TLS_CLIENT_KEY_PATH=" + cert.keyPath,
      "ARGOCD_AGENT_TLS_INSECURE=false",
      "ARGOCD_AGENT_LOG_LEVEL=info",
      "ARGOCD_AGENT_LOG_FORMAT=text",
      "ARGOCD_AGENT_METRICS_PORT=" + std::to_string(metricsPort),
      "ARGOCD_AGENT_HEALTH_CHECK_PORT=" + std::to_string(healthPort),
      "REDIS_ADDR=127.0.0.1:" + std::to_string(redisPort),
      principal.agentBinary(),
      "agent",
      "--kubeconfig=" + cp.adminKubeconfig(),
  };
  OperatorProcess agent("/usr/bin/env", envAndCommand, agentLog);
  // Connected = /healthz 200 and the principal saw the agent subscribe to its
  // event stream. /healthz alone turns 200 at authentication, one step
  // earlier: an agent whose principal dies in between keeps answering 200
  // while it retries the subscription (agent/connection.go at v0.9.0 never
  // marks that failure disconnected), so stopping the principal right after
  // authentication would test nothing.
  const std::string subscribed =
      "An agent connected to the subscription stream\" client=" + agentName;
  auto connected = [&](std::streamoff principalLogStart) {
    // Stops waiting early when the agent exits (a refused flag, a bad certificate).
    eventually(
        [&] {
          return !agent.running() ||
                 (healthzOk(healthPort) &&
                  readFileFrom(principal.logPath(), principalLogStart).find(subscribed) !=
                      std::string::npos);
        },
        kConnectTimeout, kPoll);
    return healthzOk(healthPort) &&
           readFileFrom(principal.logPath(), principalLogStart).find(subscribed) !=
               std::string::npos;
  };

  std::streamoff principalLogStart = fileSize(principal.logPath());
  ASSERT_TRUE(agent.start(&error)) << error;
  ASSERT_TRUE(connected(principalLogStart)) << "agent log:\n"
                                            << fileTail(agentLog, 30) << "\nprincipal log:\n"
                                            << fileTail(principal.logPath(), 30);

  ASSERT_TRUE(principal.stop(&error)) << error;
  // Still running and serving /healthz, but no longer 200: disconnected.
  EXPECT_TRUE(eventually([&] { return !healthzOk(healthPort); }, 60s, kPoll))
      << fileTail(agentLog, 30);
  EXPECT_TRUE(agent.running()) << fileTail(agentLog, 30);

  // Same address after a restart: the agent reconnects on its own.
  principalLogStart = fileSize(principal.logPath());
  ASSERT_TRUE(principal.start(&error)) << error;
  EXPECT_TRUE(connected(principalLogStart)) << "agent log:\n"
                                            << fileTail(agentLog, 30) << "\nprincipal log:\n"
                                            << fileTail(principal.logPath(), 30);

  agent.stop();
}

}  // namespace
