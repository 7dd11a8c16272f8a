#pragma once
// The real control plane the integration and e2e tests run against: etcd,
// kube-apiserver and kube-controller-manager on loopback, started by
// tests/controlplane/ctl (built from the Go module pinned there). Started
// once per test binary, or reused when `make cluster-up` already runs one.

#include <string>
#include <vector>

namespace testsupport {

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr together
};

// Runs argv (no shell) and captures its output.
CommandResult runCommand(const std::vector<std::string>& argv);

class ControlPlane {
 public:
  // Starts (or reuses) the control plane; aborts the test binary with the
  // component logs' location when it cannot.
  static const ControlPlane& instance();

  const std::string& repoRoot() const { return repo_root_; }
  const std::string& adminKubeconfig() const { return admin_kubeconfig_; }
  const std::string& kubectlPath() const { return kubectl_; }
  const std::string& ctlPath() const { return ctl_; }

  // kubectl --kubeconfig <admin> args...
  CommandResult kubectl(const std::vector<std::string>& args) const;
  // A kubeconfig for a non-admin user (client certificate with CN=user,
  // O=each group), for running the operator under the RBAC in manifests/.
  std::string mintUserKubeconfig(const std::string& user, const std::vector<std::string>& groups) const;
  // tests/controlplane/ctl {start,stop,restart} <component>
  CommandResult ctl(const std::vector<std::string>& args) const;

 private:
  ControlPlane();
  std::string repo_root_;
  std::string admin_kubeconfig_;
  std::string kubectl_;
  std::string ctl_;
};

// A namespace unique to the running test ("t-<suite>-<test>-<random>"), created
// on construction and deleted on destruction.
class TestNamespace {
 public:
  explicit TestNamespace(const std::string& prefix = "t", const std::vector<std::string>& labels = {});
  ~TestNamespace();
  const std::string& name() const { return name_; }
 private:
  std::string name_;
};

}  // namespace testsupport
