#include "controller/manager/signal_handler.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "controller/logging/logger.h"

namespace ctrl::manager {

std::shared_ptr<StopSignal> setupSignalHandler() {
  auto stop = std::make_shared<StopSignal>();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([stop, set] {
    int received = 0;
    for (int n = 0;; ++n) {
      if (sigwait(&set, &received) != 0) continue;
      if (n == 0) {
        logging::info("signal received, shutting down", {{"signal", received}});
        stop->requestStop();
      } else {
        logging::warn("second signal received, exiting now", {{"signal", received}});
        _exit(1);
      }
    }
  }).detach();
  return stop;
}

}  // namespace ctrl::manager
