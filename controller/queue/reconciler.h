#pragma once
// Level-based reconcile, as in controller-runtime: a request is only the
// object's key; the reconciler reads current state and converges. The
// reconciler never touches the queue; the controller maps the Result.

#include <chrono>
#include <string>

namespace ctrl::queue {

struct Request {
  std::string ns;
  std::string name;
  std::string key() const { return ns.empty() ? name : ns + "/" + name; }
  static Request fromKey(const std::string& key);
};

struct Result {
  enum class Kind {
    kDone,           // converged; forget backoff
    kRequeueAfter,   // check again after `after` (e.g. waiting on a rollout)
    kError,          // retryable failure: rate-limited backoff
    kTerminalError,  // logged, not retried until the object changes (e.g. invalid spec)
  };
  Kind kind = Kind::kDone;
  std::chrono::milliseconds after{0};
  std::string message;

  static Result done() { return {}; }
  static Result requeueAfter(std::chrono::milliseconds d) { return {Kind::kRequeueAfter, d, ""}; }
  static Result error(std::string msg) { return {Kind::kError, {}, std::move(msg)}; }
  static Result terminal(std::string msg) { return {Kind::kTerminalError, {}, std::move(msg)}; }
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual Result reconcile(const Request& req) = 0;
};

}  // namespace ctrl::queue
