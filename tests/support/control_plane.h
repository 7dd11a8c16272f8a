#pragma once
// The real control plane the integration and e2e tests run against: etcd,
// kube-apiserver and kube-controller-manager on loopback, started by
// tests/controlplane/ctl (built from the Go module pinned there). Started
// once per test binary, or reused when `make cluster-up` already runs one.
// The control plane outlives the test binary so the next one starts in
// milliseconds; `make cluster-down` (or `ctl down`) stops it.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace testsupport {

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr together

  bool ok() const { return exitCode == 0; }
};

// Runs argv (no shell; argv[0] is looked up in PATH when it has no slash) and
// captures its output. `input`, when given, is the command's stdin.
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = "");

class ControlPlane {
 public:
  // Starts (or reuses) the control plane; aborts the test binary with the
  // component logs' location when it cannot.
  static const ControlPlane& instance();

  const std::string& repoRoot() const { return repo_root_; }
  const std::string& adminKubeconfig() const { return admin_kubeconfig_; }
  const std::string& kubectlPath() const { return kubectl_; }
  const std::string& ctlPath() const { return ctl_; }
  // https://127.0.0.1:<port>, as written in the admin kubeconfig.
  const std::string& apiServerUrl() const { return api_server_url_; }

  // kubectl --kubeconfig <admin> args... (input, when given, is its stdin,
  // e.g. for `apply -f -`).
  CommandResult kubectl(const std::vector<std::string>& args, const std::string& input = "") const;
  // `kubectl <args> -o json`, parsed; null when kubectl fails or prints no JSON.
  nlohmann::json kubectlJson(const std::vector<std::string>& args) const;
  // A kubeconfig for a non-admin user (client certificate with CN=user,
  // O=each group), for running the operator under the RBAC in manifests/.
  // Returns "" (and records a test failure) when it cannot be minted.
  std::string mintUserKubeconfig(const std::string& user,
                                 const std::vector<std::string>& groups) const;
  // A bearer token for the ServiceAccount (`kubectl create token`); "" and a
  // test failure when it cannot be issued.
  std::string serviceAccountToken(const std::string& ns, const std::string& serviceAccount) const;
  // tests/controlplane/ctl {start,stop,restart} <component>
  CommandResult ctl(const std::vector<std::string>& args) const;

 private:
  ControlPlane();
  std::string repo_root_;
  std::string admin_kubeconfig_;
  std::string kubectl_;
  std::string ctl_;
  std::string api_server_url_;
};

// A namespace unique to the running test ("t-<suite>-<test>-<random>"), created
// on construction and deleted (without waiting) on destruction. labels are
// "key=value", e.g. "pod-security.kubernetes.io/enforce=restricted".
class TestNamespace {
 public:
  explicit TestNamespace(const std::string& prefix = "t",
                         const std::vector<std::string>& labels = {});
  ~TestNamespace();
  TestNamespace(const TestNamespace&) = delete;
  TestNamespace& operator=(const TestNamespace&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

}  // namespace testsupport
