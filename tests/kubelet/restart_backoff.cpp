#include "tests/kubelet/restart_backoff.h"

#include <algorithm>

namespace processkubelet {

RestartBackoff::TimePoint RestartBackoff::restartAt(TimePoint finishedAt) const {
  if (!current_) return finishedAt;
  if (finishedAt - last_update_ < *current_) return last_update_ + *current_;
  return finishedAt;
}

void RestartBackoff::restarted(TimePoint now) {
  if (!current_ || now - last_update_ > 2 * max_) {
    current_ = initial_;
  } else {
    current_ = std::min(*current_ * 2, max_);
  }
  last_update_ = now;
}

}  // namespace processkubelet
