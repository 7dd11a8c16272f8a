#include "controller/queue/enqueue_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/support/eventually.h"

namespace ctrl::queue {
namespace {

using nlohmann::json;

class NeverCalled : public Reconciler {
 public:
  Result reconcile(const Request&) override {
    ADD_FAILURE() << "controller was not started";
    return Result::done();
  }
};

// A vector, not a json: a json copy-list-initialised from `{ref(...)}` is that
// one reference (clang) or an array holding it (gcc), whichever the compiler picks.
json owned(const std::string& ns, const std::string& name, std::vector<json> refs) {
  return {{"metadata",
           {{"namespace", ns}, {"name", name}, {"ownerReferences", json(std::move(refs))}}}};
}

json ref(const std::string& apiVersion, const std::string& kind, const std::string& name,
         bool controller) {
  return {{"apiVersion", apiVersion},
          {"kind", kind},
          {"name", name},
          {"uid", "u-" + name},
          {"controller", controller}};
}

std::set<std::string> drain(Controller& c) {
  std::set<std::string> keys;
  while (c.queue().len() > 0) {
    auto k = c.queue().get();
    keys.insert(*k);
    c.queue().done(*k);
  }
  return keys;
}

class EnqueueHandlersTest : public ::testing::Test {
 protected:
  NeverCalled reconciler_;
  Controller c_{"test", reconciler_};
};

TEST_F(EnqueueHandlersTest, SelfEnqueuesTheObjectKeyOnEveryEvent) {
  auto h = enqueueSelf(c_);
  json a = {{"metadata", {{"namespace", "ns"}, {"name", "a"}}}};
  json n = {{"metadata", {{"name", "cluster-thing"}}}};
  h.onAdd(a);
  h.onUpdate(a, a);
  h.onDelete(n);
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/a", "cluster-thing"}));
}

TEST_F(EnqueueHandlersTest, OwnerEnqueuesOnlyTheControllingOwnerOfTheKind) {
  auto h = enqueueOwner(c_, "ClusterAgent", "argoproj.io");
  h.onAdd(owned("ns", "d", {ref("argoproj.io/v1alpha1", "ClusterAgent", "agent-1", true)}));
  h.onAdd(owned("ns", "e", {ref("argoproj.io/v1alpha1", "ClusterAgent", "not-ctrl", false)}));
  h.onAdd(owned("ns", "f", {ref("example.com/v1", "ClusterAgent", "other-group", true)}));
  h.onAdd(owned("ns", "g", {ref("apps/v1", "ReplicaSet", "rs", true)}));
  h.onAdd(json{{"metadata", {{"namespace", "ns"}, {"name", "orphan"}}}});
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/agent-1"}));
}

TEST_F(EnqueueHandlersTest, OwnerChangeOnUpdateWakesBothOwners) {
  auto h = enqueueOwner(c_, "ClusterAgent");
  h.onUpdate(owned("ns", "d", {ref("argoproj.io/v1alpha1", "ClusterAgent", "old", true)}),
             owned("ns", "d", {ref("argoproj.io/v1alpha1", "ClusterAgent", "new", true)}));
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/old", "ns/new"}));
}

TEST(ControllerOwnerKeyTest, UsesTheObjectNamespace) {
  EXPECT_EQ(
      controllerOwnerKey(owned("x", "d", {ref("argoproj.io/v1alpha1", "ClusterAgent", "a", true)}),
                         "ClusterAgent"),
      "x/a");
  EXPECT_EQ(controllerOwnerKey(json::object(), "ClusterAgent"), "");
}

TEST_F(EnqueueHandlersTest, MappedEnqueuesEveryKeyTheFunctionReturns) {
  auto h = enqueueMapped(c_, [](const json& secret) {
    std::vector<std::string> keys;
    for (const auto& user : secret.value("users", json::array())) {
      keys.push_back(user.get<std::string>());
    }
    return keys;
  });
  h.onAdd(json{{"users", {"ns/a", "ns/b"}}});
  h.onUpdate(json{{"users", {"ns/c"}}}, json{{"users", {"ns/a"}}});
  h.onDelete(json{{"users", json::array()}});
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/a", "ns/b", "ns/c"}));
}

TEST_F(EnqueueHandlersTest, MapByIndexFindsTheObjectsReferencingTheChangedOne) {
  cache::Store agents;
  agents.addIndex("secret", [](const json& o) {
    return std::vector<std::string>{o["metadata"].value("namespace", "") + "/" +
                                    o["spec"].value("secret", "")};
  });
  auto agent = [](const std::string& name, const std::string& secret) {
    return std::make_shared<const json>(
        json{{"metadata", {{"namespace", "ns"}, {"name", name}}}, {"spec", {{"secret", secret}}}});
  };
  agents.upsert(agent("a", "creds"));
  agents.upsert(agent("b", "creds"));
  agents.upsert(agent("c", "other"));
  auto h = enqueueMapped(c_, mapByIndex(agents, "secret"));
  h.onUpdate(json{{"metadata", {{"namespace", "ns"}, {"name", "creds"}}}},
             json{{"metadata", {{"namespace", "ns"}, {"name", "creds"}}}});
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/a", "ns/b"}));
}

}  // namespace
}  // namespace ctrl::queue

namespace ctrl::queue {
namespace {

json child(int generation, const std::string& phase) {
  json o = owned("ns", "d", {ref("argoproj.io/v1alpha1", "ClusterAgent", "ca", true)});
  if (generation > 0) o["metadata"]["generation"] = generation;
  o["status"] = {{"phase", phase}};
  return o;
}

TEST_F(EnqueueHandlersTest, StatusOnlyUpdatesOfAChildWakeItsOwnerOnceAfterTheBurst) {
  auto h = enqueueMappedCoalescingStatus(
      c_,
      [](const json& o) { return std::vector<std::string>{controllerOwnerKey(o, "ClusterAgent")}; },
      std::chrono::milliseconds(300));
  // Three status writes of the Deployment controller in a row, and a pod
  // (no generation) changing state: nothing is ready yet, one key waits.
  h.onUpdate(child(1, "a"), child(1, "b"));
  h.onUpdate(child(1, "b"), child(1, "c"));
  h.onUpdate(child(0, "Pending"), child(0, "Running"));
  EXPECT_EQ(c_.queue().len(), 0u);
  EXPECT_EQ(c_.queue().stats().waiting, 1u);
  ASSERT_TRUE(testsupport::eventually([&] { return c_.queue().len() == 1; }));
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/ca"}));
  EXPECT_EQ(c_.queue().stats().waiting, 0u);
}

TEST_F(EnqueueHandlersTest, DeletesAndSpecChangesOfAChildWakeItsOwnerAtOnce) {
  auto h = enqueueMappedCoalescingStatus(
      c_,
      [](const json& o) { return std::vector<std::string>{controllerOwnerKey(o, "ClusterAgent")}; },
      std::chrono::hours(1));
  h.onUpdate(child(1, "a"), child(2, "a"));  // someone edited the spec: drift
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/ca"}));
  h.onDelete(child(2, "a"));
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/ca"}));
  EXPECT_EQ(c_.queue().stats().waiting, 0u);
  // An add is the echo of our own create: it waits with the status updates.
  h.onAdd(child(1, "a"));
  EXPECT_EQ(c_.queue().len(), 0u);
  EXPECT_EQ(c_.queue().stats().waiting, 1u);
}

}  // namespace
}  // namespace ctrl::queue

namespace ctrl::queue {
namespace {

TEST_F(EnqueueHandlersTest, AnObservedKindWakesItsOwnerOnceAfterABurstAndAtOnceWhenDeleted) {
  auto h = enqueueMappedAfter(
      c_,
      [](const json& o) { return std::vector<std::string>{controllerOwnerKey(o, "ClusterAgent")}; },
      std::chrono::milliseconds(300));
  json pod = owned("ns", "p", {ref("argoproj.io/v1alpha1", "ClusterAgent", "ca", true)});
  h.onAdd(pod);
  h.onUpdate(pod, pod);
  EXPECT_EQ(c_.queue().len(), 0u);
  EXPECT_EQ(c_.queue().stats().waiting, 1u);
  ASSERT_TRUE(testsupport::eventually([&] { return c_.queue().len() == 1; }));
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/ca"}));
  h.onDelete(pod);  // the agent is gone: at once
  EXPECT_EQ(drain(c_), (std::set<std::string>{"ns/ca"}));
}

}  // namespace
}  // namespace ctrl::queue
