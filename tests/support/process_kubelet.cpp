#include "tests/support/process_kubelet.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/control_plane.h"
#include "tests/support/eventually.h"

namespace testsupport {

KubeletProcess::KubeletProcess(const ImageBinaries& images,
                               const std::vector<std::string>& namespaces,
                               const std::string& nodeName)
    : node_name_(nodeName) {
  const ControlPlane& cp = ControlPlane::instance();
  log_dir_ = cp.repoRoot() + "/.cache/kubelet";
  std::filesystem::create_directories(log_dir_);
  log_path_ = log_dir_ + "/" + nodeName + ".log";
  std::vector<std::string> args = {"--kubeconfig", cp.adminKubeconfig(),
                                   "--node-name",  nodeName,
                                   "--log-dir",    log_dir_,
                                   "--state-dir",  log_dir_ + "/state-" + nodeName};
  for (const auto& [image, binary] : images) args.push_back("--image=" + image + "=" + binary);
  for (const auto& ns : namespaces) args.push_back("--namespace=" + ns);
  process_ = std::make_unique<OperatorProcess>(PROCESS_KUBELET_BINARY, args, log_path_);
  std::string error;
  if (!process_->start(&error)) {
    ADD_FAILURE() << "starting process-kubelet: " << error;
    return;
  }
  started_ = eventually(
      [&] {
        auto r = cp.kubectl({"get", "node", nodeName, "-o",
                             "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}"});
        return r.ok() && r.output == "True";
      },
      std::chrono::seconds(60), std::chrono::milliseconds(250));
  if (!started_) ADD_FAILURE() << "process-kubelet's Node never became Ready:\n" << logTail();
}

KubeletProcess::~KubeletProcess() {
  stop();
}

std::string KubeletProcess::stop() {
  if (!process_) return "not running";
  // Longer than the kubelet's own shutdown grace for its processes.
  std::string how = process_->stop(std::chrono::seconds(20));
  process_.reset();
  return how;
}

std::string KubeletProcess::logTail(size_t lines) const {
  return fileTail(log_path_, lines);
}

std::string KubeletProcess::containerLogPath(const std::string& ns, const std::string& pod,
                                             const std::string& container) const {
  return log_dir_ + "/" + ns + "_" + pod + "_" + container + ".log";
}

}  // namespace testsupport
