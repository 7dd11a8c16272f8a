#pragma once
// Paces the status writes of a ClusterAgent whose conditions did not flip.
//
// While a new agent starts, its Deployment and pod pass through several
// states a second or two apart (generation observed, ReplicaSet created, pod
// created, pod running), each changing a condition's reason or message but
// not its status. Written as they come, that was three or four /status
// writes per ClusterAgent where one or two say the same (issue 12). A change
// that flips a condition, moves the phase or observedGeneration is written at
// once; a change of reasons and messages alone waits until `interval` has
// passed since the last write to this ClusterAgent, and then the latest
// state is written. `kubectl wait --for=condition=...` is never delayed.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace clusteragent {

class StatusWritePacer {
 public:
  explicit StatusWritePacer(std::chrono::milliseconds interval) : interval_(interval) {}

  // For a change of reasons/messages only: how long to wait before writing
  // it; nullopt when it may be written now.
  std::optional<std::chrono::milliseconds> deferMinor(const std::string& key,
                                                      std::chrono::system_clock::time_point now);
  void wrote(const std::string& key, std::chrono::system_clock::time_point now);
  void forget(const std::string& key);

 private:
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::unordered_map<std::string, std::chrono::system_clock::time_point> last_;
};

}  // namespace clusteragent
