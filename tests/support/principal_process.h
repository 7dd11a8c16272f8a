#pragma once
// An upstream argocd-agent principal on 127.0.0.1 for e2e tests, run by
// tests/argocd-agent/principal (which builds the binaries pinned in
// tests/argocd-agent/go.mod). It serves the cluster of the given kubeconfig,
// so agents in that same cluster have something real to connect to.
// One principal per work tree: its state is <repo>/.cache/argocd-agent/principal/.

#include <string>

namespace testsupport {

// Where issueAgentCertificate() left an agent's credentials: the Secrets
// argocd-agent-client-tls and argocd-agent-ca in the agent's namespace, and
// the same PEM files on disk for an agent run as a host process.
struct AgentCertificate {
  std::string certPath;  // tls.crt, CN = the agent name
  std::string keyPath;   // tls.key
  std::string caPath;    // ca.crt, the principal's CA
};

struct PrincipalOptions {
  // The principal's own namespace (created when missing).
  std::string ns = "argocd";
  // Upstream's --allowed-namespaces (regular expressions, comma-separated):
  // where it watches Applications to send to the agent named like the
  // namespace (managed mode); "" watches none but its own.
  std::string allowedNamespaces;
  // "mtls" (agents named by their client certificate's CN) or "userpass"
  // (agents added with addUser()).
  std::string auth = "mtls";
};

class PrincipalProcess {
 public:
  PrincipalProcess(std::string repoRoot, std::string kubeconfig, PrincipalOptions options = {});
  ~PrincipalProcess();  // stop()
  PrincipalProcess(const PrincipalProcess&) = delete;
  PrincipalProcess& operator=(const PrincipalProcess&) = delete;

  // Starts it (or adopts the one already running here) and waits until its
  // gRPC port accepts; the first call on a fresh machine builds the binaries.
  bool start(std::string* error);
  bool stop(std::string* error = nullptr);
  bool running() const;

  // A userpass agent (auth "userpass"): its password, stored bcrypt-hashed
  // where the principal reads it. Takes effect at the next start().
  bool addUser(const std::string& agentName, const std::string& password, std::string* error);

  // A client certificate for agentName issued by the principal's CA, stored
  // as the Secrets the agent reads by default in agentNamespace.
  bool issueAgentCertificate(const std::string& agentNamespace, const std::string& agentName,
                             AgentCertificate* out, std::string* error);

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  int healthPort() const { return health_port_; }
  const std::string& caPath() const { return ca_path_; }
  const std::string& logPath() const { return log_path_; }
  // The argocd-agent binary built from the same pin (`argocd-agent agent ...`).
  const std::string& agentBinary() const { return agent_binary_; }

 private:
  std::string script_;
  std::string kubeconfig_;
  PrincipalOptions options_;
  bool started_ = false;
  std::string address_;
  int port_ = 0;
  int health_port_ = 0;
  std::string ca_path_;
  std::string log_path_;
  std::string agent_binary_;
};

// A free port for an agent's health or metrics server. Not freeLoopbackPort():
// upstream's agent refuses ports from 32768 on (agent/options.go, v0.9.0),
// which is where the kernel hands out ephemeral ports.
int freeAgentPort();

}  // namespace testsupport
