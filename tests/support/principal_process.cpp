#include "tests/support/principal_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>
#include <vector>

#include "tests/support/control_plane.h"

namespace testsupport {
namespace {

// `principal env` prints `export NAME=value` lines (values %q-quoted; ours
// hold no characters that quoting would change).
std::map<std::string, std::string> parseExports(const std::string& text) {
  std::map<std::string, std::string> vars;
  std::istringstream lines(text);
  std::string line;
  const std::string prefix = "export ";
  while (std::getline(lines, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    vars[line.substr(prefix.size(), eq - prefix.size())] = line.substr(eq + 1);
  }
  return vars;
}

std::string lastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  const size_t nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

int toPort(const std::string& s) {
  try {
    return std::stoi(s);
  } catch (...) {
    return 0;
  }
}

// The script reads its configuration from the environment; `env` sets it for
// this one command without touching the test process's own.
std::vector<std::string> scriptCommand(const std::string& script, const std::string& kubeconfig,
                                       const PrincipalOptions& o,
                                       const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env",
                                "KUBECONFIG=" + kubeconfig,
                                "PRINCIPAL_NAMESPACE=" + o.ns,
                                "PRINCIPAL_ALLOWED_NAMESPACES=" + o.allowedNamespaces,
                                "PRINCIPAL_AUTH=" + o.auth,
                                script};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

PrincipalProcess::PrincipalProcess(std::string repoRoot, std::string kubeconfig,
                                   PrincipalOptions options)
    : script_(repoRoot + "/tests/argocd-agent/principal"),
      kubeconfig_(std::move(kubeconfig)),
      options_(std::move(options)) {}

PrincipalProcess::~PrincipalProcess() {
  if (started_) stop();
}

bool PrincipalProcess::start(std::string* error) {
  CommandResult r = runCommand(scriptCommand(script_, kubeconfig_, options_, {"start"}));
  if (!r.ok()) {
    *error = "`principal start` failed (exit " + std::to_string(r.exitCode) + "):\n" + r.output;
    return false;
  }
  started_ = true;
  CommandResult env = runCommand(scriptCommand(script_, kubeconfig_, options_, {"env"}));
  if (!env.ok()) {
    *error = "`principal env` failed: " + env.output;
    return false;
  }
  auto vars = parseExports(env.output);
  address_ = vars["PRINCIPAL_ADDR"];
  port_ = toPort(vars["PRINCIPAL_PORT"]);
  health_port_ = toPort(vars["PRINCIPAL_HEALTH_PORT"]);
  ca_path_ = vars["PRINCIPAL_CA"];
  log_path_ = vars["PRINCIPAL_LOG"];
  agent_binary_ = vars["ARGOCD_AGENT_BIN"];
  if (address_.empty() || port_ == 0 || agent_binary_.empty()) {
    *error = "`principal env` printed no address, port or agent binary:\n" + env.output;
    return false;
  }
  return true;
}

bool PrincipalProcess::stop(std::string* error) {
  CommandResult r = runCommand(scriptCommand(script_, kubeconfig_, options_, {"stop"}));
  started_ = false;
  if (!r.ok() && error) *error = "`principal stop` failed: " + r.output;
  return r.ok();
}

bool PrincipalProcess::running() const {
  return runCommand(scriptCommand(script_, kubeconfig_, options_, {"status"})).ok();
}

bool PrincipalProcess::addUser(const std::string& agentName, const std::string& password,
                               std::string* error) {
  CommandResult r = runCommand(
      scriptCommand(script_, kubeconfig_, options_, {"add-user", agentName}), password + "\n");
  if (!r.ok()) {
    // The script's output never holds the password (it reads it from stdin only).
    *error = "`principal add-user " + agentName + "` failed (exit " + std::to_string(r.exitCode) +
             "):\n" + r.output;
    return false;
  }
  return true;
}

bool PrincipalProcess::issueAgentCertificate(const std::string& agentNamespace,
                                             const std::string& agentName, AgentCertificate* out,
                                             std::string* error) {
  CommandResult r = runCommand(
      scriptCommand(script_, kubeconfig_, options_, {"issue-agent", agentNamespace, agentName}));
  if (!r.ok()) {
    *error = "`principal issue-agent " + agentNamespace + " " + agentName + "` failed (exit " +
             std::to_string(r.exitCode) + "):\n" + r.output;
    return false;
  }
  // The directory is the last line; anything before it is the script's log.
  const std::string dir = lastLine(r.output);
  out->certPath = dir + "/tls.crt";
  out->keyPath = dir + "/tls.key";
  out->caPath = dir + "/ca.crt";
  return true;
}

int freeAgentPort() {
  std::random_device seed;
  std::uniform_int_distribution<int> pick(20000, 32767);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = pick(seed);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // The agent listens on every interface (":<port>"), so that is what must be free.
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    if (free) return port;
  }
  return -1;
}

}  // namespace testsupport
