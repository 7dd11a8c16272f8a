#include "tests/support/control_plane.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

namespace testsupport {
namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r\n";
  size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

std::string lastLine(const std::string& s) {
  std::string t = trim(s);
  size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

std::string serverFromKubeconfig(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  const std::string key = "server:";
  while (std::getline(in, line)) {
    size_t at = line.find(key);
    if (at != std::string::npos) return trim(line.substr(at + key.size()));
  }
  return "";
}

}  // namespace

const ControlPlane& ControlPlane::instance() {
  // Function-local static: started once per process, thread-safe.
  static const ControlPlane controlPlane;
  return controlPlane;
}

ControlPlane::ControlPlane()
    : repo_root_(PROJECT_SOURCE_DIR),
      admin_kubeconfig_(repo_root_ + "/.cache/controlplane/admin.kubeconfig"),
      kubectl_(repo_root_ + "/.cache/controlplane/bin/kubectl"),
      ctl_(repo_root_ + "/tests/controlplane/ctl") {
  // `ctl up` returns at once when this worktree's control plane already runs;
  // on a fresh machine it builds the binaries first (minutes).
  CommandResult up = runCommand({ctl_, "up"});
  if (!up.ok()) {
    std::cerr << "testsupport: `" << ctl_ << " up` failed (exit " << up.exitCode << "):\n"
              << up.output << "\nlogs: " << repo_root_ << "/.cache/controlplane/logs/" << std::endl;
    std::abort();
  }
  api_server_url_ = serverFromKubeconfig(admin_kubeconfig_);
  if (api_server_url_.empty()) {
    std::cerr << "testsupport: no server in " << admin_kubeconfig_ << std::endl;
    std::abort();
  }
}

CommandResult ControlPlane::kubectl(const std::vector<std::string>& args,
                                    const std::string& input) const {
  std::vector<std::string> argv{kubectl_, "--kubeconfig", admin_kubeconfig_};
  argv.insert(argv.end(), args.begin(), args.end());
  return runCommand(argv, input);
}

nlohmann::json ControlPlane::kubectlJson(const std::vector<std::string>& args) const {
  std::vector<std::string> full = args;
  full.push_back("-o");
  full.push_back("json");
  CommandResult r = kubectl(full);
  if (!r.ok()) return nlohmann::json();
  nlohmann::json parsed = nlohmann::json::parse(r.output, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json() : parsed;
}

std::string ControlPlane::mintUserKubeconfig(const std::string& user,
                                             const std::vector<std::string>& groups) const {
  std::vector<std::string> args{"kubeconfig-for-user", user};
  args.insert(args.end(), groups.begin(), groups.end());
  CommandResult r = ctl(args);
  if (!r.ok()) {
    ADD_FAILURE() << "minting a kubeconfig for " << user << " failed: " << r.output;
    return "";
  }
  return lastLine(r.output);
}

std::string ControlPlane::serviceAccountToken(const std::string& ns,
                                              const std::string& serviceAccount) const {
  // The token is the last output line; it must never end up in a failure message.
  CommandResult r = kubectl({"create", "token", serviceAccount, "-n", ns});
  if (!r.ok()) {
    ADD_FAILURE() << "creating a token for ServiceAccount " << ns << "/" << serviceAccount
                  << " failed (exit " << r.exitCode << ")";
    return "";
  }
  return lastLine(r.output);
}

CommandResult ControlPlane::ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{ctl_};
  argv.insert(argv.end(), args.begin(), args.end());
  return runCommand(argv);
}

}  // namespace testsupport
