#pragma once
// The fixture the CpprestKubeClient integration suites share: an admin
// client for the real kube-apiserver the suite starts, a fresh namespace per
// test, and the objects they create.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controller/kube/api_error.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"
#include "tests/support/admin_client.h"
#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace ctrl::kube {
namespace kubeclienttest {

using namespace std::chrono_literals;
using testsupport::ControlPlane;
using testsupport::TestNamespace;

inline bool eventually(const std::function<bool()>& check, std::chrono::seconds deadline = 30s) {
  return testsupport::eventually(check, deadline, 200ms);
}

using testsupport::clientFor;

inline KubeClientOptions fastOptions() {
  KubeClientOptions o;
  o.qps = 200;
  o.burst = 400;
  o.userAgent = "kube-client-integration-test";
  return o;
}

inline json configMap(const std::string& name, const json& data = json::object(),
                      const json& labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"data", data}};
}

inline const Resource kWidgets{"kubeclient.test.clusteragent.io", "v1", "widgets", "Widget", true};

inline constexpr char kWidgetCrd[] = R"({
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.kubeclient.test.clusteragent.io"},
  "spec": {
    "group": "kubeclient.test.clusteragent.io",
    "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
    "versions": [{
      "name": "v1", "served": true, "storage": true,
      "subresources": {"status": {}},
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
          "spec": {"type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}},
          "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
        }
      }}
    }]
  }
})";

class KubeClientIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = clientFor(ControlPlane::instance().adminKubeconfig(), options());
    ASSERT_NE(client_, nullptr);
  }
  virtual KubeClientOptions options() { return fastOptions(); }

  std::string rv(const json& obj) { return obj["metadata"]["resourceVersion"].get<std::string>(); }

  std::shared_ptr<CpprestKubeClient> client_;
  TestNamespace ns_{"kc"};
};

}  // namespace kubeclienttest
}  // namespace ctrl::kube
