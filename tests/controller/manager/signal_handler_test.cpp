#include "controller/manager/signal_handler.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace ctrl::manager {
namespace {

// Death tests fork: the handler's signal mask and thread stay in the child.
TEST(SignalHandlerDeathTest, SigtermRequestsStop) {
  EXPECT_EXIT(
      {
        auto stop = setupSignalHandler();
        kill(getpid(), SIGTERM);
        std::exit(stop->waitFor(std::chrono::seconds(30)) ? 7 : 1);
      },
      testing::ExitedWithCode(7), "");
}

TEST(SignalHandlerDeathTest, SecondSignalExitsImmediately) {
  EXPECT_EXIT(
      {
        auto stop = setupSignalHandler();
        kill(getpid(), SIGINT);
        stop->waitFor(std::chrono::seconds(30));
        kill(getpid(), SIGINT);
        std::this_thread::sleep_for(std::chrono::seconds(30));  // the handler thread _exits first
        std::exit(0);
      },
      testing::ExitedWithCode(1), "");
}

}  // namespace
}  // namespace ctrl::manager
