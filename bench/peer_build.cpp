#include "bench/peer_build.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "bench/bench_util.h"

namespace bench {

PeerBinary buildPeer(const std::string& repoRoot, const std::string& logPath) {
  PeerBinary p;
  std::string given = envString("BENCH_PEER", "");
  if (!given.empty()) {
    if (access(given.c_str(), X_OK) == 0) {
      p.path = given;
    } else {
      p.reason = "BENCH_PEER=" + given + " is not an executable";
    }
    return p;
  }
  const std::string script = repoRoot + "/hack/build-bench-peer.sh";
  if (access(script.c_str(), R_OK) != 0) {
    p.reason = "no hack/build-bench-peer.sh in this checkout";
    return p;
  }
  std::cerr << "bench: building the peer (" << script << ", log " << logPath << ")" << std::endl;
  const std::string command = "bash '" + script + "' 2>'" + logPath + "'";
  FILE* out = popen(command.c_str(), "r");
  if (!out) {
    p.reason = "cannot run " + script;
    return p;
  }
  std::string text;
  char buf[4096];
  size_t got = 0;
  while ((got = fread(buf, 1, sizeof(buf), out)) > 0) text.append(buf, got);
  int status = pclose(out);
  // The last non-empty line of stdout.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string path =
      text.substr(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    p.reason = "hack/build-bench-peer.sh failed (exit " +
               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + "; see " + logPath +
               ")";
  } else if (path.empty() || access(path.c_str(), X_OK) != 0) {
    p.reason = "hack/build-bench-peer.sh printed no executable path (\"" + path + "\")";
  } else {
    p.path = path;
  }
  return p;
}

}  // namespace bench
