#pragma once
// The ClusterAgent operator's reconcile loop (ClusterAgentOperator), started
// in the test process against the real control plane as a least-privilege
// user bound only to the operator ClusterRole from manifests/base: a
// permission the shipped RBAC lacks fails the test the way it would fail the
// deployed operator. It counts the API requests and reconciles it makes, for
// "a converged reconcile writes nothing" and "no hot loop" assertions.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controller/manager/event_recorder_impl.h"
#include "reconcilers/clusteragent/setup.h"

namespace testsupport {

// Applies the ClusterAgent CRD (waiting until Established) and the operator
// ClusterRole from manifests/base, binds `user` to that role alone, and
// returns a kubeconfig for `user`. Idempotent; records a test failure and
// returns "" when a step fails.
std::string operatorUserKubeconfig(const std::string& user);

class InProcessOperator {
 public:
  struct Options {
    std::string user = "clusteragent-operator-it";
    clusteragent::OperatorOptions operatorOptions;
    // Events go through a client of their own, so they never count as writes.
    bool recordEvents = true;
  };

  // Starts the operator and waits for its caches; `started()` says whether
  // that worked (a failure is also recorded).
  explicit InProcessOperator(Options options);
  ~InProcessOperator();  // stops it
  InProcessOperator(const InProcessOperator&) = delete;
  InProcessOperator& operator=(const InProcessOperator&) = delete;

  bool started() const { return started_; }
  clusteragent::ClusterAgentOperator& op() { return *op_; }
  // POST/PUT/PATCH/DELETE requests of the reconcile loop so far.
  uint64_t writes() const;
  // Reconciles of one ClusterAgent ("ns/name") so far.
  uint64_t reconciles(const std::string& key) const;
  // Reconciles key ("ns/name") once more now and returns the writes of the
  // reconcile loop meanwhile: 0 once it has converged (other ClusterAgents'
  // writes in that time count too).
  uint64_t writesOfForcedReconcile(const std::string& key);

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> requests_;
  std::map<std::string, uint64_t> reconciles_;
  std::unique_ptr<ctrl::manager::KubeEventRecorder> recorder_;
  std::unique_ptr<clusteragent::ClusterAgentOperator> op_;
  bool started_ = false;
};

}  // namespace testsupport
