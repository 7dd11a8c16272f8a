#pragma once
// The process kubelet (tests/kubelet/) as a child process of a test: it
// registers a Node and runs the pods whose images it is given as host
// processes, so Deployments really come up. One line in a test:
//
//   testsupport::KubeletProcess kubelet({{"quay.io/argoprojlabs/argocd-agent:v0.9.0",
//   agentBinary}},
//                                       {ns.name()});
//   ASSERT_TRUE(kubelet.started()) << kubelet.logTail();
//
// It runs as the control plane's admin, binds only pods of `namespaces`
// (all when empty) and is stopped (SIGTERM: its processes are stopped too)
// on destruction. Container logs: containerLogPath().

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/operator_process.h"

namespace testsupport {

class KubeletProcess {
 public:
  using ImageBinaries = std::vector<std::pair<std::string, std::string>>;  // image → binary

  // Starts process-kubelet and waits until its Node is Ready (a failure is
  // recorded and started() is false).
  KubeletProcess(const ImageBinaries& images, const std::vector<std::string>& namespaces,
                 const std::string& nodeName = "process-kubelet");
  ~KubeletProcess();
  KubeletProcess(const KubeletProcess&) = delete;
  KubeletProcess& operator=(const KubeletProcess&) = delete;

  bool started() const { return started_; }
  const std::string& nodeName() const { return node_name_; }
  // The kubelet's own log and a container's output.
  const std::string& logPath() const { return log_path_; }
  std::string logTail(size_t lines = 40) const;
  std::string containerLogPath(const std::string& ns, const std::string& pod,
                               const std::string& container) const;
  // SIGTERM and wait; returns how it ended ("exit 0", ...).
  std::string stop();

 private:
  std::string node_name_;
  std::string log_dir_;
  std::string log_path_;
  std::unique_ptr<OperatorProcess> process_;
  bool started_ = false;
};

}  // namespace testsupport
