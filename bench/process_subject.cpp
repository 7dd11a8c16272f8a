#include "bench/process_subject.h"

#include "tests/support/control_plane.h"

namespace bench {

ProcessSubject::ProcessSubject(ProcessSubjectConfig config, std::string ns, std::string logPath)
    : config_(std::move(config)), ns_(std::move(ns)), log_path_(std::move(logPath)) {}

bool ProcessSubject::start(std::string* error) {
  const auto& cp = testsupport::ControlPlane::instance();
  metrics_port_ = testsupport::freeLoopbackPort();
  health_port_ = testsupport::freeLoopbackPort();
  std::vector<std::string> args = {"--kubeconfig",
                                   cp.adminKubeconfig(),
                                   "--namespace",
                                   ns_,
                                   "--metrics-bind-address",
                                   "127.0.0.1:" + std::to_string(metrics_port_),
                                   "--health-probe-bind-address",
                                   "127.0.0.1:" + std::to_string(health_port_)};
  args.insert(args.end(), config_.extraArgs.begin(), config_.extraArgs.end());
  process_ = std::make_unique<testsupport::OperatorProcess>(config_.binary, args, log_path_);
  return process_->start(error);
}

std::string ProcessSubject::stop() {
  if (!process_) return "not started";
  std::string how = process_->stop();
  process_.reset();
  return how;
}

bool ProcessSubject::running() {
  return process_ && process_->running();
}

bool ProcessSubject::ready() const {
  return testsupport::httpGet(health_port_, "/readyz", std::chrono::seconds(2)).has_value();
}

std::optional<testsupport::ProcessUsage> ProcessSubject::usage() const {
  if (!process_) return std::nullopt;
  return process_->usage();
}

}  // namespace bench
