#pragma once
// A WatchStream that plays a script: events, then optionally an end of
// stream or an error. With nothing left to play it blocks, like a quiet
// watch, until cancel() (then returns kCancelled).

#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

class ScriptedWatchStream : public WatchStream {
 public:
  using Step = StatusOr<std::optional<WatchEvent>>;

  ScriptedWatchStream& event(WatchEvent::Type type, json obj) {
    steps_.emplace_back(std::optional<WatchEvent>(WatchEvent{type, std::move(obj)}));
    return *this;
  }
  ScriptedWatchStream& end() {
    steps_.emplace_back(std::optional<WatchEvent>());
    return *this;
  }
  ScriptedWatchStream& fail(Status s) {
    steps_.emplace_back(std::move(s));
    return *this;
  }

  StatusOr<std::optional<WatchEvent>> next() override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!steps_.empty()) {
      Step step = std::move(steps_.front());
      steps_.pop_front();
      return step;
    }
    cv_.wait(lock, [this] { return cancelled_; });
    return Status(Code::kCancelled, "watch cancelled");
  }
  void cancel() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Step> steps_;
  bool cancelled_ = false;
};

// Hands a scripted stream to a gmock action: WillOnce(openStream(std::move(s))).
inline auto openStream(std::unique_ptr<ScriptedWatchStream> s) {
  return [s = std::shared_ptr<ScriptedWatchStream>(std::move(s))](
             auto&&...) mutable -> StatusOr<WatchStreamPtr> {
    // The shared holder lets the lambda stay copyable, as gmock actions must.
    struct Forwarder : WatchStream {
      std::shared_ptr<ScriptedWatchStream> s;
      StatusOr<std::optional<WatchEvent>> next() override { return s->next(); }
      void cancel() override { s->cancel(); }
    };
    auto f = std::make_unique<Forwarder>();
    f->s = s;
    return WatchStreamPtr(std::move(f));
  };
}

}  // namespace ctrl::kube
