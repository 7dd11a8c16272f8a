#include "bench/control_plane_quiet.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace bench {
namespace {

using namespace std::chrono_literals;

// A pid directory naming this test process, as the control plane's names its.
class PidDir {
 public:
  PidDir() {
    char tmpl[] = "/tmp/quiet-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::ofstream(dir_ + "/self.pid") << getpid() << "\n";
  }
  ~PidDir() {
    unlink((dir_ + "/self.pid").c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return dir_; }

 private:
  std::string dir_;
};

TEST(ControlPlaneQuietTest, CoresUsedIsCpuSecondsOverTheWindow) {
  EXPECT_DOUBLE_EQ(coresUsed(10, 12, 4), 0.5);
  EXPECT_DOUBLE_EQ(coresUsed(10, 10, 5), 0);
  EXPECT_DOUBLE_EQ(coresUsed(10, 9, 5), 0) << "a restarted process's counter starts again";
  EXPECT_DOUBLE_EQ(coresUsed(10, 12, 0), 0);
}

TEST(ControlPlaneQuietTest, AnIdleProcessIsQuietAfterOneWindow) {
  PidDir dir;
  QuietWait w = waitControlPlaneQuiet(dir.path(), {0.5, 1s, 10s});
  EXPECT_TRUE(w.measured) << w.note;
  EXPECT_TRUE(w.quiet) << w.cores << " cores";
  EXPECT_LT(w.seconds, 5);
}

TEST(ControlPlaneQuietTest, ABusyProcessIsWaitedOnUntilTheCap) {
  PidDir dir;
  std::atomic<bool> stop{false};
  std::thread spin([&] {
    volatile unsigned long x = 0;
    while (!stop.load(std::memory_order_relaxed)) x = x + 1;
  });
  QuietWait w = waitControlPlaneQuiet(dir.path(), {0.3, 1s, 2s});
  stop = true;
  spin.join();
  EXPECT_TRUE(w.measured) << w.note;
  EXPECT_FALSE(w.quiet);
  EXPECT_GT(w.cores, 0.3);
  EXPECT_GE(w.seconds, 2);
}

TEST(ControlPlaneQuietTest, NoPidFilesIsNotMeasuredAndSaysWhere) {
  QuietWait w = waitControlPlaneQuiet("/nonexistent/pids", {0.5, 1s, 2s});
  EXPECT_FALSE(w.measured);
  EXPECT_NE(w.note.find("/nonexistent/pids"), std::string::npos) << w.note;
}

}  // namespace
}  // namespace bench
