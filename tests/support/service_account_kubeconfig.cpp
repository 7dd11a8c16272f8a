#include "tests/support/service_account_kubeconfig.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "tests/support/control_plane.h"

namespace testsupport {

bool writeServiceAccountKubeconfig(const std::string& ns, const std::string& serviceAccount,
                                   const std::string& path) {
  const ControlPlane& cp = ControlPlane::instance();
  // The admin context alone, with the CA inlined, so only the user needs replacing.
  CommandResult view =
      cp.kubectl({"config", "view", "--raw", "--minify", "--flatten", "-o", "json"});
  if (!view.ok()) {
    ADD_FAILURE() << "kubectl config view failed: " << view.output;
    return false;
  }
  nlohmann::json config = nlohmann::json::parse(view.output, nullptr, false);
  if (config.is_discarded() || !config.contains("contexts") || config["contexts"].empty()) {
    ADD_FAILURE() << "kubectl config view printed no context: " << view.output;
    return false;
  }
  const std::string token = cp.serviceAccountToken(ns, serviceAccount);
  if (token.empty()) return false;

  const std::string user = "system:serviceaccount:" + ns + ":" + serviceAccount;
  config["users"] = nlohmann::json::array({{{"name", user}, {"user", {{"token", token}}}}});
  config["contexts"][0]["context"]["user"] = user;
  // Named for who it is, so a log that names the context does not say "admin".
  const std::string context = user + "@" + config["contexts"][0]["context"].value("cluster", "");
  config["contexts"][0]["name"] = context;
  config["current-context"] = context;

  // Created 0600 before the token is written: it is a credential.
  const std::string text = config.dump(2) + "\n";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0 && fchmod(fd, 0600) == 0 &&
                 write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) close(fd);
  if (!written) ADD_FAILURE() << "cannot write " << path << ": " << std::strerror(errno);
  return written;
}

}  // namespace testsupport
