#pragma once
// A CpprestKubeClient for a kubeconfig file, for tests against the real API
// server; a failure to load or create it is a test failure and nullptr.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/kubeconfig.h"

namespace testsupport {

inline std::shared_ptr<ctrl::kube::CpprestKubeClient> clientFor(
    const std::string& kubeconfig, ctrl::kube::KubeClientOptions opts = {}) {
  auto cfg = ctrl::kube::loadKubeconfigFile(kubeconfig);
  EXPECT_TRUE(cfg.isOk()) << cfg.status().toString();
  if (!cfg.isOk()) return nullptr;
  auto client = ctrl::kube::CpprestKubeClient::create(cfg.value(), std::move(opts));
  EXPECT_TRUE(client.isOk()) << client.status().toString();
  return client.isOk() ? client.value() : nullptr;
}

}  // namespace testsupport
