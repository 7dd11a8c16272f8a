#pragma once
// A controller binary as a benchmark subject: the operator and the
// controller-runtime peer share this code and differ only in the binary,
// their extra flags, the names of their /metrics counters and the
// app.kubernetes.io/managed-by value their children carry.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/metrics_snapshot.h"
#include "tests/support/operator_process.h"

namespace bench {

struct ProcessSubjectConfig {
  std::string name;    // "operator", "peer"
  std::string binary;  // path
  // After --kubeconfig, --namespace, --metrics-bind-address and
  // --health-probe-bind-address, which every subject takes.
  std::vector<std::string> extraArgs;
  MetricNames metrics;
  std::string managedBy;   // app.kubernetes.io/managed-by value of its children
  std::string limitsNote;  // what its client-side limits are in this pass
  bool eventsToo = false;  // count Events on ClusterAgents (the operator records them)
};

// The running process, with its metrics and health ports.
class ProcessSubject {
 public:
  ProcessSubject(ProcessSubjectConfig config, std::string ns, std::string logPath);

  bool start(std::string* error);
  std::string stop();
  bool running();
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  bool ready() const;  // /readyz answers 200
  Snapshot scrape() const { return bench::scrape(metrics_port_, config_.metrics); }
  std::optional<testsupport::ProcessUsage> usage() const;
  const std::string& logPath() const { return log_path_; }
  const ProcessSubjectConfig& config() const { return config_; }

 private:
  ProcessSubjectConfig config_;
  std::string ns_;
  std::string log_path_;
  int metrics_port_ = -1;
  int health_port_ = -1;
  std::unique_ptr<testsupport::OperatorProcess> process_;
};

}  // namespace bench
