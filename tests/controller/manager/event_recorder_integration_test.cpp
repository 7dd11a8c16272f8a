// Events through the real API server: created against the object, repeats
// aggregated into count on the same Event.
#include <gtest/gtest.h>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "controller/manager/event_recorder_impl.h"
#include "tests/support/control_plane.h"

namespace ctrl::manager {
namespace {

using nlohmann::json;

TEST(EventRecorderIntegrationTest, CreatesEventAndAggregatesRepeat) {
  testsupport::TestNamespace ns("events");
  auto config = kube::loadKubeconfigFile(testsupport::ControlPlane::instance().adminKubeconfig());
  ASSERT_TRUE(config.isOk()) << config.status().toString();
  auto made = kube::CpprestKubeClient::create(*config);
  ASSERT_TRUE(made.isOk()) << made.status().toString();
  kube::KubeClientPtr client = *made;

  auto cm = client->create(kube::resources::kConfigMaps, ns.name(),
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "subject"}, {"namespace", ns.name()}}}});
  ASSERT_TRUE(cm.isOk()) << cm.status().toString();
  std::string uid = (*cm)["metadata"]["uid"];

  KubeEventRecorder recorder(client);
  recorder.event(*cm, "Warning", "TestReason", "something happened");
  recorder.flush();
  recorder.event(*cm, "Warning", "TestReason", "something happened");
  recorder.event(*cm, "Normal", "Other", "something else");
  recorder.flush();

  kube::ListOptions opts;
  opts.fieldSelector = "involvedObject.uid=" + uid;
  auto events = client->list(kube::resources::kEvents, ns.name(), opts);
  ASSERT_TRUE(events.isOk()) << events.status().toString();
  ASSERT_EQ((*events)["items"].size(), 2u) << (*events).dump(2);
  for (const json& e : (*events)["items"]) {
    EXPECT_EQ(e["involvedObject"]["name"], "subject");
    EXPECT_EQ(e["involvedObject"]["kind"], "ConfigMap");
    EXPECT_EQ(e["source"]["component"], "clusteragent-operator");
    if (e["reason"] == "TestReason") {
      EXPECT_EQ(e["count"], 2);
      EXPECT_EQ(e["type"], "Warning");
      EXPECT_EQ(e["message"], "something happened");
    } else {
      EXPECT_EQ(e["reason"], "Other");
      EXPECT_EQ(e["count"], 1);
    }
  }
}

}  // namespace
}  // namespace ctrl::manager
