// `render` against what the operator really applied: with the operator
// running on the real control plane, the live ClusterAgent rendered and fed to
// `kubectl diff` shows no difference, and a changed flag shows exactly it.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cmd/render_command.h"
#include "reconcilers/clusteragent/agent_default_secrets.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/in_process_operator.h"
#include "tests/support/test_certificates.h"

namespace cmd {
namespace {

using nlohmann::json;
using testsupport::ControlPlane;

// stdout of `render`, its stderr kept apart (warnings must not reach kubectl).
std::string render(const std::vector<std::string>& args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  int rc = runRenderCommand(args, in, out, err);
  EXPECT_EQ(rc, 0) << err.str();
  return out.str();
}

void apply(const json& obj) {
  auto r = ControlPlane::instance().kubectl(
      {"apply", "--server-side", "--field-manager=test", "-f", "-"}, obj.dump());
  ASSERT_TRUE(r.ok()) << r.output;
}

TEST(RenderIntegrationTest, LiveClusterAgentRendersToWhatTheOperatorApplied) {
  testsupport::InProcessOperator op(testsupport::InProcessOperator::Options{});
  ASSERT_TRUE(op.started());
  testsupport::TestNamespace ns("render");
  const auto& cp = ControlPlane::instance();
  auto cert = testsupport::makeSelfSignedCertificate();
  apply({{"apiVersion", "v1"},
         {"kind", "Secret"},
         {"metadata", {{"name", clusteragent::kDefaultClientCertSecret}, {"namespace", ns.name()}}},
         {"type", "kubernetes.io/tls"},
         {"stringData", {{"tls.crt", cert.certPem}, {"tls.key", cert.keyPem}}}});
  apply({{"apiVersion", "v1"},
         {"kind", "Secret"},
         {"metadata", {{"name", clusteragent::kDefaultCaSecret}, {"namespace", ns.name()}}},
         {"stringData", {{"ca.crt", cert.certPem}}}});
  apply({{"apiVersion", "argoproj.io/v1alpha1"},
         {"kind", "ClusterAgent"},
         {"metadata", {{"name", "aro-agent"}, {"namespace", ns.name()}}},
         {"spec",
          {{"serverAddr", "https://argocd.yourdomain.com"},
           {"authToken", "render-it-token"},
           {"clusterName", "aro-prod"}}}});

  // Converged: the live ClusterAgent (with its uid) renders to no difference.
  // The operator's default image is the one render defaults to.
  std::string diff;
  bool same = testsupport::eventually(
      [&] {
        auto live = cp.kubectl({"get", "clusteragent", "aro-agent", "-n", ns.name(), "-o", "yaml"});
        if (!live.ok()) return false;
        auto d = cp.kubectl({"diff", "-f", "-"}, render({"-f", "-"}, live.output));
        diff = d.output;
        return d.exitCode == 0;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(500));
  EXPECT_TRUE(same) << diff;

  // Another --agent-image changes the image line and nothing else the operator owns.
  auto live = cp.kubectl({"get", "clusteragent", "aro-agent", "-n", ns.name(), "-o", "yaml"});
  auto d = cp.kubectl(
      {"diff", "-f", "-"},
      render({"-f", "-", "--agent-image", "registry.example.com/agent:v2"}, live.output));
  EXPECT_EQ(d.exitCode, 1) << d.output;
  EXPECT_NE(d.output.find("+        image: registry.example.com/agent:v2"), std::string::npos)
      << d.output;
  EXPECT_EQ(d.output.find("render-it-token"), std::string::npos) << d.output;

  // Gone while the operator still runs to release its finalizer: a
  // ClusterAgent left behind would hold up every later CRD deletion.
  auto deleted = cp.kubectl(
      {"delete", "clusteragent", "aro-agent", "-n", ns.name(), "--wait=true", "--timeout=60s"});
  EXPECT_TRUE(deleted.ok()) << deleted.output;
}

}  // namespace
}  // namespace cmd
