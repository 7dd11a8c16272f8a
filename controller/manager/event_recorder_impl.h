#pragma once
// The EventRecorder that writes core/v1 Events through the KubeClient.
// Asynchronous: event() only enqueues, a background thread writes, so a
// reconcile never waits on (or fails because of) an Event. Repeats of one
// (object uid, type, reason, message) within the aggregation window PATCH
// count/lastTimestamp on the first Event instead of creating more; a token
// bucket per object drops floods (client-go EventSourceObjectSpamFilter).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "controller/clock/clock.h"
#include "controller/kube/kube_client.h"
#include "controller/manager/event_recorder.h"

namespace ctrl::manager {

struct EventRecorderOptions {
  std::string component = "clusteragent-operator";  // source.component, reportingComponent
  std::string instance;                             // reportingInstance; hostname when empty
  std::chrono::milliseconds aggregationWindow{std::chrono::minutes(10)};
  int spamBurst = 25;  // events per object before throttling
  std::chrono::milliseconds spamRefillInterval{std::chrono::minutes(5)};  // one more per interval
  size_t queueCapacity = 1000;  // beyond this new events are dropped
  ClockPtr clock;
};

class KubeEventRecorder final : public EventRecorder {
 public:
  KubeEventRecorder(kube::KubeClientPtr client, EventRecorderOptions options = {});
  ~KubeEventRecorder() override;  // writes what is queued, then stops

  void event(const nlohmann::json& involved, const std::string& type, const std::string& reason,
             const std::string& message) override;

  // Blocks until every event queued so far has been written (or dropped).
  void flush();

  uint64_t dropped() const;

 private:
  struct Pending {
    nlohmann::json involved;
    std::string type, reason, message;
  };
  struct Aggregate {
    std::string ns, name;
    int count = 0;
    std::chrono::steady_clock::time_point lastSeen;
  };
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point refilled;
  };

  void loop();
  void write(const Pending& p);
  bool allow(const std::string& objectKey);
  void prune(std::chrono::steady_clock::time_point now);

  kube::KubeClientPtr client_;
  EventRecorderOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  uint64_t enqueued_ = 0, processed_ = 0, dropped_ = 0;
  // Touched only by the writer thread.
  std::map<std::string, Aggregate> aggregates_;
  std::map<std::string, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_prune_{};
  std::thread worker_;
};

}  // namespace ctrl::manager
