#pragma once
// The kubelet's crash-loop back-off (client-go flowcontrol.Backoff with
// 10 s initial, 300 s max, keyed by container): the first restart is
// immediate; a container that exits again before the current back-off has
// passed since its last restart waits out the rest of it (CrashLoopBackOff),
// and each restart doubles the back-off. It resets after 2 × max without a
// restart. Pure: the caller supplies the time.

#include <chrono>
#include <optional>

namespace processkubelet {

class RestartBackoff {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;

  explicit RestartBackoff(Duration initial = std::chrono::seconds(10),
                          Duration max = std::chrono::minutes(5))
      : initial_(initial), max_(max) {}

  // When a container that exited at `finishedAt` may start again
  // (finishedAt itself when no back-off applies).
  TimePoint restartAt(TimePoint finishedAt) const;
  // Records a restart at `now` (grows the back-off).
  void restarted(TimePoint now);
  // The back-off a waiting container shows ("back-off 20s restarting ...").
  Duration current() const { return current_.value_or(initial_); }

 private:
  Duration initial_;
  Duration max_;
  std::optional<Duration> current_;
  TimePoint last_update_{};
};

}  // namespace processkubelet
