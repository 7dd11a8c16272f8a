// The process kubelet against the real control plane: a Deployment whose
// image maps to kubelet-test-server is bound, run, probed, restarted and
// stopped the way a node would, and kube-controller-manager sees it Available.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "controller/conditions/conditions.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"
#include "tests/support/operator_process.h"
#include "tests/support/process_kubelet.h"

namespace testsupport {
namespace {

using nlohmann::json;
using std::chrono::seconds;

const char kImage[] = "example.com/kubelet-test-server:1";

bool eventually(const std::function<bool()>& check, seconds deadline = seconds(90)) {
  return testsupport::eventually(check, deadline, std::chrono::milliseconds(300));
}

class ProcessKubeletIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kubelet_ = std::make_unique<KubeletProcess>(
        KubeletProcess::ImageBinaries{{kImage, KUBELET_TEST_SERVER_BINARY}},
        std::vector<std::string>{ns_.name()});
    ASSERT_TRUE(kubelet_->started());
  }

  void TearDown() override {
    // While the kubelet still runs to confirm the deletions, so the namespace can go.
    cp_.kubectl({"delete", "deployments,pods", "--all", "-n", ns_.name(), "--timeout=60s"});
    kubelet_.reset();
  }

  void apply(const json& obj) {
    auto r = cp_.kubectl({"apply", "-f", "-"}, obj.dump());
    ASSERT_TRUE(r.ok()) << r.output;
  }

  json get(const std::string& kind, const std::string& name) {
    auto r = cp_.kubectl({"get", kind, name, "-n", ns_.name(), "-o", "json"});
    if (!r.ok()) return json();
    return json::parse(r.output, nullptr, false);
  }

  // The Deployment's one pod (the newest, when one is still terminating).
  json deploymentPod(const std::string& app) {
    auto r = cp_.kubectl({"get", "pods", "-n", ns_.name(), "-l", "app=" + app, "-o", "json"});
    if (!r.ok()) return json();
    json list = json::parse(r.output, nullptr, false);
    json newest;
    for (const auto& p : list.value("items", json::array())) {
      if (p["metadata"].contains("deletionTimestamp")) continue;
      newest = p;
    }
    return newest;
  }

  static const json& containerStatus(const json& pod) {
    static const json kNone = json::object();
    const json& st = pod.value("status", json::object());
    return st.contains("containerStatuses") && !st["containerStatuses"].empty()
               ? pod["status"]["containerStatuses"][0]
               : kNone;
  }

  // The first container's state, {} while it has none. Not containerStatus(pod)["state"]:
  // on a const json, operator[] of a missing key is undefined (it reads the map's end()).
  static json containerState(const json& pod) {
    return containerStatus(pod).value("state", json::object());
  }

  static bool podReady(const json& pod) {
    return pod.is_object() && pod.contains("status") &&
           ctrl::conditions::isTrue(pod["status"].value("conditions", json()), "Ready");
  }

  json testServerContainer(int port) {
    return {
        {"name", "server"},
        {"image", kImage},
        {"args", {"--port", "$(PORT)"}},
        {"env",
         {{{"name", "PORT"}, {"value", std::to_string(port)}},
          {{"name", "PASSWORD"},
           {"valueFrom", {{"secretKeyRef", {{"name", "app-secret"}, {"key", "password"}}}}}},
          {{"name", "GREETING"}, {"value", "hello $(PASSWORD)"}},
          {{"name", "POD_NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}}}},
        {"volumeMounts",
         {{{"name", "secret-files"}, {"mountPath", "/etc/kubelet-test"}, {"readOnly", true}}}},
        {"readinessProbe",
         {{"httpGet", {{"path", "/healthz"}, {"port", port}}}, {"periodSeconds", 1}}},
        {"livenessProbe",
         {{"httpGet", {{"path", "/healthz"}, {"port", port}}},
          {"periodSeconds", 1},
          {"failureThreshold", 2}}}};
  }

  const ControlPlane& cp_ = ControlPlane::instance();
  TestNamespace ns_{"kubelet"};
  std::unique_ptr<KubeletProcess> kubelet_;
};

TEST_F(ProcessKubeletIntegrationTest, RunsADeploymentLikeANode) {
  const int port = freeLoopbackPort();
  apply({{"apiVersion", "v1"},
         {"kind", "Secret"},
         {"metadata", {{"name", "app-secret"}, {"namespace", ns_.name()}}},
         {"stringData", {{"password", "hunter2"}}}});
  json podSpec = {{"terminationGracePeriodSeconds", 5},
                  {"containers", json::array({testServerContainer(port)})},
                  {"volumes",
                   {{{"name", "secret-files"},
                     {"secret",
                      {{"secretName", "app-secret"},
                       {"items", {{{"key", "password"}, {"path", "pw.txt"}}}}}}}}}};
  apply({{"apiVersion", "apps/v1"},
         {"kind", "Deployment"},
         {"metadata", {{"name", "web"}, {"namespace", ns_.name()}}},
         {"spec",
          {{"replicas", 1},
           {"selector", {{"matchLabels", {{"app", "web"}}}}},
           {"template", {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", podSpec}}}}}});

  // Bound to the Node, Running and Ready.
  json pod;
  ASSERT_TRUE(eventually([&] {
    pod = deploymentPod("web");
    return podReady(pod);
  })) << pod.dump(2)
      << "\n"
      << kubelet_->logTail();
  EXPECT_EQ(pod["spec"].value("nodeName", ""), kubelet_->nodeName());
  EXPECT_EQ(pod["status"].value("phase", ""), "Running");
  EXPECT_EQ(pod["status"].value("podIP", ""), "127.0.0.1");
  EXPECT_EQ(containerState(pod).contains("running"), true);
  const std::string podName = pod["metadata"].value("name", "");

  // What the process sees: env from the Secret (with $(VAR) expansion), the
  // Secret volume, the downward API and the ServiceAccount mount.
  EXPECT_EQ(httpGet(port, "/env/PASSWORD"), "hunter2");
  EXPECT_EQ(httpGet(port, "/env/GREETING"), "hello hunter2");
  EXPECT_EQ(httpGet(port, "/env/POD_NAME"), podName);
  EXPECT_EQ(httpGet(port, "/file/etc/kubelet-test/pw.txt"), "hunter2");
  EXPECT_EQ(httpGet(port, "/file/var/run/secrets/kubernetes.io/serviceaccount/namespace"),
            ns_.name());
  auto token = httpGet(port, "/file/var/run/secrets/kubernetes.io/serviceaccount/token");
  EXPECT_TRUE(token && token->rfind("eyJ", 0) == 0);
  EXPECT_TRUE(httpGet(port, "/env/KUBERNETES_SERVICE_HOST").has_value());

  // `kubectl logs` reaches the container's output through the API server
  // (pods/log → this node's log server), tail and all.
  auto logs = cp_.kubectl({"logs", podName, "-n", ns_.name(), "-c", "server"});
  EXPECT_TRUE(logs.ok() && logs.output.find("kubelet-test-server: listening on 127.0.0.1:" +
                                            std::to_string(port)) != std::string::npos)
      << logs.output;
  logs = cp_.kubectl({"logs", podName, "-n", ns_.name(), "--tail=1"});
  EXPECT_TRUE(logs.ok()) << logs.output;
  EXPECT_EQ(std::count(logs.output.begin(), logs.output.end(), '\n'), 1) << logs.output;

  // kube-controller-manager counts the ready replica.
  auto wait = cp_.kubectl(
      {"wait", "--for=condition=Available", "deployment/web", "-n", ns_.name(), "--timeout=90s"});
  EXPECT_TRUE(wait.ok()) << wait.output;

  // A failing liveness probe restarts the container.
  ASSERT_EQ(httpGet(port, "/fail-liveness"), "ok");
  ASSERT_TRUE(eventually([&] {
    pod = get("pod", podName);
    return containerStatus(pod).value("restartCount", 0) >= 1 && podReady(pod);
  })) << pod.dump(2)
      << "\n"
      << kubelet_->logTail();
  EXPECT_EQ(httpGet(port, "/healthz"), "ok");  // a fresh process

  // Deleting the pod stops its process (and the kubelet confirms the deletion).
  const std::string containerID = containerStatus(pod).value("containerID", "");
  ASSERT_EQ(containerID.rfind("process://", 0), 0u) << containerID;
  const pid_t pid = std::stoi(containerID.substr(10));
  ASSERT_EQ(kill(pid, 0), 0);
  ASSERT_TRUE(cp_.kubectl({"delete", "pod", podName, "-n", ns_.name(), "--wait=false"}).ok());
  EXPECT_TRUE(eventually([&] { return !get("pod", podName).is_object(); })) << kubelet_->logTail();
  EXPECT_TRUE(eventually([&] { return kill(pid, 0) != 0; }, seconds(15)));

  // The ReplicaSet's replacement comes up on the same node.
  EXPECT_TRUE(eventually([&] {
    pod = deploymentPod("web");
    return podReady(pod) && pod["metadata"].value("name", "") != podName;
  })) << pod.dump(2);
}

TEST_F(ProcessKubeletIntegrationTest,
       ACrashingContainerBacksOffWithItsLastWordsAndForeignImagesStayPending) {
  apply({{"apiVersion", "v1"},
         {"kind", "Pod"},
         {"metadata", {{"name", "crasher"}, {"namespace", ns_.name()}}},
         {"spec",
          {{"containers",
            {{{"name", "main"},
              {"image", kImage},
              {"args", {"--exit-at-start", "3"}},
              {"terminationMessagePolicy", "FallbackToLogsOnError"}}}}}}});
  apply({{"apiVersion", "v1"},
         {"kind", "Pod"},
         {"metadata", {{"name", "foreign"}, {"namespace", ns_.name()}}},
         {"spec", {{"containers", {{{"name", "main"}, {"image", "docker.io/library/nginx:1"}}}}}}});

  json pod;
  ASSERT_TRUE(eventually([&] {
    pod = get("pod", "crasher");
    const json state = containerState(pod);
    return state.contains("waiting") && state["waiting"].value("reason", "") == "CrashLoopBackOff";
  })) << pod.dump(2)
      << "\n"
      << kubelet_->logTail();
  const json& cs = containerStatus(pod);
  EXPECT_GE(cs.value("restartCount", 0), 1);
  EXPECT_EQ(cs["state"]["waiting"]
                .value("message", "")
                .rfind("back-off 10s restarting failed container=main pod=crasher_", 0),
            0u)
      << cs.dump(2);
  const json& last = cs["lastState"]["terminated"];
  EXPECT_EQ(last.value("exitCode", 0), 3);
  EXPECT_EQ(last.value("reason", ""), "Error");
  EXPECT_NE(last.value("message", "").find("fatal: exit-at-start 3"), std::string::npos)
      << last.dump(2);
  EXPECT_EQ(pod["status"].value("phase", ""), "Running");  // restartPolicy Always
  EXPECT_FALSE(podReady(pod));

  // The foreign image is not this kubelet's to run: never bound, still Pending.
  json foreign = get("pod", "foreign");
  EXPECT_EQ(foreign["spec"].value("nodeName", ""), "");
  EXPECT_EQ(foreign["status"].value("phase", ""), "Pending");
}

}  // namespace
}  // namespace testsupport
