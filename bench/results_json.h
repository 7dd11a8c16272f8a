#pragma once
// The cluster benchmark's figures as JSON, written to
// bench/results/<UTC date and time>-<hostname>.json: the machine (nproc,
// load average at start, kernel), the git commit, the sizes and passes, the
// peer's build outcome, and every subject's figures.

#include <string>
#include <vector>

#include "bench/peer_build.h"
#include "bench/subject_figures.h"

namespace bench {

struct Machine {
  std::string hostname;
  long nproc = 0;
  std::string loadAverageAtStart;  // /proc/loadavg's first three fields
  std::string kernel;              // uname -sr
  std::string startedUtc;          // 2026-12-03T01:02:03Z
};

Machine describeMachine();

struct ResultsMeta {
  Machine machine;
  std::string gitCommit;  // HEAD, "-dirty" appended when the tree has changes
  std::vector<int> sizes;
  std::vector<std::string> limitsPasses;
  int idleSeconds = 0;
  PeerBinary peer;
};

// The file written, or "" (after a message on stderr) when it could not be.
std::string writeResultsJson(const std::string& dir, const ResultsMeta& meta,
                             const std::vector<SubjectFigures>& figures);

std::string gitCommit(const std::string& repoRoot);

}  // namespace bench
