#include "bench/results_json.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace bench {

using nlohmann::json;

namespace {

std::string utcNow(const char* format) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

}  // namespace

Machine describeMachine() {
  Machine m;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0) m.hostname = host;
  m.nproc = sysconf(_SC_NPROCESSORS_ONLN);
  std::ifstream load("/proc/loadavg");
  std::string a, b, c;
  if (load >> a >> b >> c) m.loadAverageAtStart = a + " " + b + " " + c;
  struct utsname u {};
  if (uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  m.startedUtc = utcNow("%Y-%m-%dT%H:%M:%SZ");
  return m;
}

std::string gitCommit(const std::string& repoRoot) {
  auto head = testsupport::runCommand({"git", "-C", repoRoot, "rev-parse", "HEAD"});
  if (!head.ok()) return "unknown";
  std::string commit = head.output.substr(0, head.output.find('\n'));
  auto dirty = testsupport::runCommand(
      {"git", "-C", repoRoot, "status", "--porcelain", "--untracked-files=no"});
  if (dirty.ok() && !dirty.output.empty()) commit += "-dirty";
  return commit;
}

std::string writeResultsJson(const std::string& dir, const ResultsMeta& meta,
                             const std::vector<SubjectFigures>& figures) {
  json runs = json::array();
  for (const auto& f : figures) {
    runs.push_back({{"subject", f.subject},
                    {"limits", f.limits},
                    {"n", f.n},
                    {"status", f.status},
                    {"note", f.note},
                    {"failures", f.failures},
                    {"values", f.values},
                    {"requests_by_verb", f.requestsByVerb}});
  }
  json doc = {
      {"started_utc", meta.machine.startedUtc},
      {"machine",
       {{"hostname", meta.machine.hostname},
        {"nproc", meta.machine.nproc},
        {"load_average_at_start", meta.machine.loadAverageAtStart},
        {"kernel", meta.machine.kernel}}},
      {"git_commit", meta.gitCommit},
      {"sizes", meta.sizes},
      {"limits_passes", meta.limitsPasses},
      {"idle_seconds", meta.idleSeconds},
      {"peer", meta.peer.path.empty() ? json{{"built", false}, {"reason", meta.peer.reason}}
                                      : json{{"built", true}, {"binary", meta.peer.path}}},
      {"runs", runs},
  };
  mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/" + utcNow("%Y-%m-%dT%H%M%SZ") + "-" +
                           (meta.machine.hostname.empty() ? "host" : meta.machine.hostname) +
                           ".json";
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  if (!out) {
    std::cerr << "bench: cannot write " << path << std::endl;
    return "";
  }
  return path;
}

}  // namespace bench
