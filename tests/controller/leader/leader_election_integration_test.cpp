// Leader election against the real kube-apiserver: two electors compete for
// one coordination.k8s.io/v1 Lease through the real client.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "controller/clock/rfc3339.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "controller/leader/leader_elector.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace ctrl::leader {
namespace {

using namespace std::chrono_literals;

kube::KubeClientPtr adminClient() {
  auto config = kube::loadKubeconfigFile(testsupport::ControlPlane::instance().adminKubeconfig());
  EXPECT_TRUE(config.isOk()) << config.status().toString();
  auto client = kube::CpprestKubeClient::create(*config);
  EXPECT_TRUE(client.isOk()) << client.status().toString();
  return *client;
}

bool eventually(const std::function<bool()>& cond, std::chrono::seconds deadline = 30s) {
  return testsupport::eventually(cond, deadline, 50ms);
}

// One candidate running its elector on a thread.
class Candidate {
 public:
  Candidate(kube::KubeClientPtr client, const std::string& ns, const std::string& id,
            std::chrono::milliseconds leaseDuration, bool releaseOnCancel) {
    LeaderElectionConfig c;
    c.identity = id;
    c.leaseDuration = leaseDuration;
    c.renewDeadline = 2s;
    c.retryPeriod = 250ms;
    c.releaseOnCancel = releaseOnCancel;
    c.onStartedLeading = [this] { leading_ = true; };
    c.onStoppedLeading = [this] { leading_ = false; };
    elector_ = std::make_unique<LeaderElector>(
        std::make_shared<KubeLeaseLock>(client, ns, "test-lease"), c);
    thread_ = std::thread([this] { elector_->run(stop_); });
  }
  ~Candidate() { stop(); }
  void stop() {
    stop_.requestStop();
    if (thread_.joinable()) thread_.join();
  }
  bool leading() const { return leading_; }
  const LeaderElector& elector() const { return *elector_; }

 private:
  std::unique_ptr<LeaderElector> elector_;
  StopSignal stop_;
  std::atomic<bool> leading_{false};
  std::thread thread_;
};

nlohmann::json lease(kube::KubeClient& client, const std::string& ns) {
  auto l = client.get(kube::resources::kLeases, ns, "test-lease");
  EXPECT_TRUE(l.isOk()) << l.status().toString();
  return l.isOk() ? *l : nlohmann::json::object();
}

TEST(LeaderElectionIntegrationTest, OneLeadsAndTheOtherTakesOverAfterExpiry) {
  testsupport::TestNamespace ns("leader");
  auto client = adminClient();
  Candidate a(client, ns.name(), "a", 3s, /*releaseOnCancel=*/false);
  ASSERT_TRUE(eventually([&] { return a.leading(); }));
  Candidate b(client, ns.name(), "b", 3s, false);
  ASSERT_TRUE(eventually([&] { return b.elector().leader() == "a"; }));
  EXPECT_FALSE(b.leading());
  EXPECT_EQ(lease(*client, ns.name())["spec"]["holderIdentity"], "a");

  a.stop();  // stops renewing without handing the Lease back (a crash)
  ASSERT_TRUE(eventually([&] { return b.leading(); }));
  auto spec = lease(*client, ns.name())["spec"];
  EXPECT_EQ(spec["holderIdentity"], "b");
  EXPECT_EQ(spec["leaseTransitions"], 1);
  EXPECT_EQ(spec["leaseDurationSeconds"], 3);
}

TEST(LeaderElectionIntegrationTest, CleanReleaseLetsTheOtherTakeOverAtOnce) {
  testsupport::TestNamespace ns("leader");
  auto client = adminClient();
  // A lease far longer than the wait below: only a release explains a takeover.
  Candidate a(client, ns.name(), "a", 300s, /*releaseOnCancel=*/true);
  ASSERT_TRUE(eventually([&] { return a.leading(); }));
  Candidate b(client, ns.name(), "b", 300s, true);
  ASSERT_TRUE(eventually([&] { return b.elector().leader() == "a"; }));

  a.stop();
  EXPECT_FALSE(a.leading());
  ASSERT_TRUE(eventually([&] { return b.leading(); }, 60s));
  EXPECT_EQ(lease(*client, ns.name())["spec"]["holderIdentity"], "b");
}

TEST(LeaderElectionIntegrationTest, StaleResourceVersionLosesTheRace) {
  testsupport::TestNamespace ns("leader");
  auto client = adminClient();
  KubeLeaseLock first(client, ns.name(), "test-lease");
  KubeLeaseLock second(client, ns.name(), "test-lease");
  LeaderElectionRecord r;
  r.holderIdentity = "first";
  r.leaseDurationSeconds = 15;
  ASSERT_TRUE(first.create(r).isOk());
  ASSERT_TRUE(second.get().isOk());
  r.renewTime = std::chrono::system_clock::now();
  ASSERT_TRUE(first.update(r).isOk());
  r.holderIdentity = "second";
  kube::Status s = second.update(r);
  EXPECT_TRUE(kube::isConflict(s)) << s.toString();
  auto got = first.get();
  ASSERT_TRUE(got.isOk());
  EXPECT_EQ(got->holderIdentity, "first");
  EXPECT_EQ(formatMicroTime(got->renewTime), formatMicroTime(r.renewTime));
}

}  // namespace
}  // namespace ctrl::leader
