#include "controller/manager/event_recorder_impl.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "tests/support/fake_clock.h"

namespace ctrl::manager {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testsupport::FakeClock;

// Records Event writes; create and patch can be made to fail.
class EventSink : public kube::KubeClient {
 public:
  struct Call {
    std::string verb, ns, name;
    json body;
  };
  std::mutex mu;
  std::vector<Call> calls;
  kube::Status createError, patchError;

  kube::StatusOr<json> create(const kube::Resource& r, const std::string& ns, const json& obj,
                              const std::string&) override {
    EXPECT_EQ(r.plural, "events");
    std::lock_guard<std::mutex> l(mu);
    calls.push_back({"create", ns, obj["metadata"]["name"], obj});
    if (!createError.isOk()) return createError;
    return obj;
  }
  kube::StatusOr<json> patch(const kube::Resource& r, const std::string& ns,
                             const std::string& name, kube::PatchType type, const json& body,
                             const kube::PatchOptions&) override {
    EXPECT_EQ(r.plural, "events");
    EXPECT_EQ(type, kube::PatchType::kMerge);
    std::lock_guard<std::mutex> l(mu);
    calls.push_back({"patch", ns, name, body});
    if (!patchError.isOk()) return patchError;
    return body;
  }
  kube::StatusOr<json> get(const kube::Resource&, const std::string&, const std::string&,
                           const std::string&) override {
    return unexpected();
  }
  kube::StatusOr<json> list(const kube::Resource&, const std::string&,
                            const kube::ListOptions&) override {
    return unexpected();
  }
  kube::StatusOr<json> update(const kube::Resource&, const std::string&, const json&,
                              const kube::UpdateOptions&) override {
    return unexpected();
  }
  kube::Status remove(const kube::Resource&, const std::string&, const std::string&,
                      const kube::DeleteOptions&) override {
    return unexpected();
  }
  kube::StatusOr<kube::WatchStreamPtr> watch(const kube::Resource&, const std::string&,
                                             const kube::WatchOptions&) override {
    return unexpected();
  }
  kube::StatusOr<std::string> podLogs(const std::string&, const std::string&,
                                      const kube::LogOptions&) override {
    return unexpected();
  }

 private:
  kube::Status unexpected() {
    ADD_FAILURE() << "unexpected client call";
    return kube::Status(kube::Code::kInternal, "unexpected");
  }
};

json agent(const std::string& name, const std::string& uid) {
  return {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "ClusterAgent"},
      {"metadata", {{"name", name}, {"namespace", "ns"}, {"uid", uid}, {"resourceVersion", "7"}}}};
}

struct Fixture {
  std::shared_ptr<EventSink> sink = std::make_shared<EventSink>();
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  KubeEventRecorder recorder;
  explicit Fixture(EventRecorderOptions o = {})
      : recorder(sink, [&] {
          o.clock = clock;
          o.instance = "pod-1";
          return o;
        }()) {}
};

TEST(KubeEventRecorderTest, CreatesCoreEventWithReferenceSourceAndCount) {
  Fixture f;
  f.recorder.event(agent("a", "u1"), "Warning", "InvalidSpec", "spec.serverAddr is empty");
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 1u);
  const auto& c = f.sink->calls[0];
  EXPECT_EQ(c.verb, "create");
  EXPECT_EQ(c.ns, "ns");
  EXPECT_EQ(c.name.rfind("a.", 0), 0u) << c.name;
  EXPECT_EQ(c.body["involvedObject"], json({{"apiVersion", "argoproj.io/v1alpha1"},
                                            {"kind", "ClusterAgent"},
                                            {"name", "a"},
                                            {"namespace", "ns"},
                                            {"uid", "u1"},
                                            {"resourceVersion", "7"}}));
  EXPECT_EQ(c.body["type"], "Warning");
  EXPECT_EQ(c.body["reason"], "InvalidSpec");
  EXPECT_EQ(c.body["message"], "spec.serverAddr is empty");
  EXPECT_EQ(c.body["count"], 1);
  EXPECT_EQ(c.body["source"]["component"], "clusteragent-operator");
  EXPECT_EQ(c.body["reportingComponent"], "clusteragent-operator");
  EXPECT_EQ(c.body["reportingInstance"], "pod-1");
  EXPECT_EQ(c.body["firstTimestamp"], c.body["lastTimestamp"]);
}

TEST(KubeEventRecorderTest, RepeatWithinWindowPatchesCountOnTheSameEvent) {
  Fixture f;
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "created deployment");
  f.recorder.flush();
  f.clock->advance(30s);
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "created deployment");
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "created deployment");
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 3u);
  EXPECT_EQ(f.sink->calls[1].verb, "patch");
  EXPECT_EQ(f.sink->calls[1].name, f.sink->calls[0].name);
  EXPECT_EQ(f.sink->calls[1].body["count"], 2);
  EXPECT_NE(f.sink->calls[1].body["lastTimestamp"], f.sink->calls[0].body["lastTimestamp"]);
  EXPECT_EQ(f.sink->calls[2].body["count"], 3);
}

TEST(KubeEventRecorderTest, DifferentMessageOrObjectOrExpiredWindowCreatesNewEvent) {
  Fixture f;
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "one");
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "two");
  f.recorder.event(agent("b", "u2"), "Normal", "Created", "one");
  f.recorder.flush();
  f.clock->advance(11min);
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "one");
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 4u);
  for (const auto& c : f.sink->calls) EXPECT_EQ(c.verb, "create");
}

TEST(KubeEventRecorderTest, PatchOfVanishedEventFallsBackToCreate) {
  Fixture f;
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "x");
  f.recorder.flush();
  f.sink->patchError = kube::Status(kube::Code::kNotFound, "gone");
  f.recorder.event(agent("a", "u1"), "Normal", "Created", "x");
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 3u);
  EXPECT_EQ(f.sink->calls[1].verb, "patch");
  EXPECT_EQ(f.sink->calls[2].verb, "create");
  EXPECT_EQ(f.sink->calls[2].body["count"], 1);
}

TEST(KubeEventRecorderTest, SpamFilterCapsEventsPerObjectAndRefills) {
  EventRecorderOptions o;
  o.spamBurst = 3;
  o.spamRefillInterval = 1min;
  Fixture f(o);
  for (int i = 0; i < 5; ++i)
    f.recorder.event(agent("a", "u1"), "Normal", "R", "m" + std::to_string(i));
  f.recorder.event(agent("b", "u2"), "Normal", "R", "other object");
  f.recorder.flush();
  EXPECT_EQ(f.sink->calls.size(), 4u);
  EXPECT_EQ(f.recorder.dropped(), 2u);
  f.clock->advance(1min);  // one token back
  f.recorder.event(agent("a", "u1"), "Normal", "R", "later");
  f.recorder.event(agent("a", "u1"), "Normal", "R", "later2");
  f.recorder.flush();
  EXPECT_EQ(f.sink->calls.size(), 5u);
}

TEST(KubeEventRecorderTest, FailuresAreSwallowed) {
  Fixture f;
  f.sink->createError = kube::Status(kube::Code::kForbidden, "no");
  f.recorder.event(agent("a", "u1"), "Warning", "R", "m");
  f.recorder.flush();
  EXPECT_EQ(f.sink->calls.size(), 1u);
}

// The worker is a thread: an exception out of it would end the process.
TEST(KubeEventRecorderTest, AMalformedObjectCannotKillTheWorker) {
  Fixture f;
  json bad = agent("a", "u1");
  bad["metadata"]["name"] = 5;  // not a string: reading it throws
  f.recorder.event(bad, "Warning", "R", "m");
  f.recorder.event(agent("b", "u2"), "Normal", "Created", std::string("bytes \xff\xfe"));
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 1u);
  EXPECT_EQ(f.sink->calls[0].verb, "create");
}

TEST(KubeEventRecorderTest, ClusterScopedObjectsGetEventsInDefault) {
  Fixture f;
  f.recorder.event(
      {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "n1"}, {"uid", "u"}}}},
      "Normal", "R", "m");
  f.recorder.flush();
  ASSERT_EQ(f.sink->calls.size(), 1u);
  EXPECT_EQ(f.sink->calls[0].ns, "default");
}

}  // namespace
}  // namespace ctrl::manager
