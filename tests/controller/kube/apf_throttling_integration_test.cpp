// The API client's APF-following throttling (apf_rate_limiter.h) against the
// real kube-apiserver: its Priority and Fairness headers lift the fixed limit,
// and 429s from a priority level that rejects (a real PriorityLevelConfiguration
// with one seat and no queue, not a stand-in) bring a limit back.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/support/admin_client.h"
#include "tests/support/control_plane.h"

namespace ctrl::kube {
namespace {

using testsupport::ControlPlane;

using testsupport::clientFor;

const Resource kNamespacesResource{"", "v1", "namespaces", "Namespace", false};

TEST(ApfThrottlingIntegrationTest, TheServersApfHeadersLiftTheFixedLimit) {
  KubeClientOptions o;
  o.qps = 2;
  o.burst = 2;
  auto client = clientFor(ControlPlane::instance().adminKubeconfig(), o);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->rateLimitQps(), 2);
  ASSERT_TRUE(client->get(kNamespacesResource, "", "default").isOk());
  EXPECT_EQ(client->rateLimitQps(), 0) << "the response carried no Priority and Fairness headers";

  o.followApf = false;
  auto fixed = clientFor(ControlPlane::instance().adminKubeconfig(), o);
  ASSERT_NE(fixed, nullptr);
  ASSERT_TRUE(fixed->get(kNamespacesResource, "", "default").isOk());
  EXPECT_EQ(fixed->rateLimitQps(), 2);
}

// A priority level with the smallest share and Reject: concurrent requests
// beyond its seat come back 429 from APF itself.
class RejectingPriorityLevel {
 public:
  explicit RejectingPriorityLevel(const std::string& user) {
    const std::string manifest = R"(
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: PriorityLevelConfiguration
metadata: {name: apf-throttling-test}
spec:
  type: Limited
  limited:
    nominalConcurrencyShares: 1
    lendablePercent: 0
    limitResponse: {type: Reject}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: apf-throttling-test}
spec:
  matchingPrecedence: 100
  priorityLevelConfiguration: {name: apf-throttling-test}
  distinguisherMethod: {type: ByUser}
  rules:
  - subjects: [{kind: User, user: {name: )" +
                                 user + R"(}}]
    resourceRules:
    - {verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: ["*"], clusterScope: true}
    nonResourceRules:
    - {verbs: ["*"], nonResourceURLs: ["*"]}
)";
    auto r = ControlPlane::instance().kubectl({"apply", "-f", "-"}, manifest);
    ok_ = r.ok();
    output_ = r.output;
  }
  ~RejectingPriorityLevel() {
    ControlPlane::instance().kubectl({"delete", "flowschema,prioritylevelconfiguration",
                                      "apf-throttling-test", "--ignore-not-found"});
  }
  bool ok() const { return ok_; }
  const std::string& output() const { return output_; }

 private:
  bool ok_ = false;
  std::string output_;
};

TEST(ApfThrottlingIntegrationTest, ApfRejectionsBringALimitBack) {
  const std::string user = "apf-throttling-user";
  RejectingPriorityLevel level(user);
  ASSERT_TRUE(level.ok()) << level.output();
  // The user may list namespaces: what it is refused must be APF's 429, not RBAC.
  auto rbac =
      ControlPlane::instance().kubectl({"create", "clusterrolebinding", "apf-throttling-test",
                                        "--clusterrole=view", "--user=" + user});
  ASSERT_TRUE(rbac.ok() || rbac.output.find("AlreadyExists") != std::string::npos) << rbac.output;
  struct CleanUp {
    ~CleanUp() {
      ControlPlane::instance().kubectl(
          {"delete", "clusterrolebinding", "apf-throttling-test", "--ignore-not-found"});
    }
  } cleanUp;

  KubeClientOptions o;
  o.maxRetries = 0;  // each 429 is the caller's to see and count
  o.minQps = 1;
  std::atomic<int> rejected{0}, sent{0};
  o.onRequest = [&](const std::string&, int code) {
    ++sent;
    if (code == 429) ++rejected;
  };
  auto client = clientFor(ControlPlane::instance().mintUserKubeconfig(user, {}), o);
  ASSERT_NE(client, nullptr);
  // APF's configuration reaches the request path a moment after it is written.
  double limitAfterRejections = -1;
  for (int round = 0; round < 20 && limitAfterRejections < 0; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 5; ++i) (void)client->list(kNamespacesResource, "").isOk();
      });
    }
    for (auto& t : threads) t.join();
    if (rejected > 0) limitAfterRejections = client->rateLimitQps();
  }
  ASSERT_GT(rejected.load(), 0) << sent << " requests, none rejected by APF";
  EXPECT_GT(limitAfterRejections, 0) << "a 429 from APF left the client unlimited";
  EXPECT_LT(limitAfterRejections, 80) << "the limit is not below what 16 threads sent";
  std::cerr << rejected << " of " << sent << " requests rejected by APF; client limit then "
            << limitAfterRejections << "/s" << std::endl;
}

}  // namespace
}  // namespace ctrl::kube
