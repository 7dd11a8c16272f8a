#include "reconcilers/clusteragent/agent_log_diagnosis.h"

#include <string_view>
#include <vector>

namespace clusteragent {
namespace {

struct Phrase {
  const char* text;  // as upstream writes it
  const char* reason;
};

// Upstream v0.9.0, pkg/client/remote.go (Connect): the principal's refusals
// are logged as "Version mismatch with principal" / "Agent version validation
// failed", and every other failed Authenticate call as "Auth failure: <gRPC
// error>", where the error names the cause: Go's crypto/x509 text for TLS,
// code = Unauthenticated when the principal refused the credentials
// (principal/apis/auth/auth.go), connection refused and the like otherwise.
// In priority order: a line naming several (an "Auth failure" caused by TLS)
// gets the most specific.
const std::vector<Phrase>& phrases() {
  static const std::vector<Phrase> kPhrases = {
      {"Version mismatch with principal", "VersionMismatch"},
      {"Agent version validation failed", "VersionMismatch"},
      {"x509: certificate has expired or is not yet valid", "CertificateExpired"},
      {"certificate signed by unknown authority", "CertificateUntrusted"},
      {"x509: certificate is valid for", "CertificateUntrusted"},
      {"code = Unauthenticated", "AuthenticationFailed"},
  };
  return kPhrases;
}

const char* reasonOfLine(std::string_view line) {
  for (const Phrase& p : phrases()) {
    if (line.find(p.text) != std::string_view::npos) return p.reason;
  }
  return nullptr;
}

std::string messageFor(const std::string& reason, const std::string& pod,
                       const std::string& image) {
  const std::string who = "agent pod " + pod;
  if (reason == "VersionMismatch") {
    return who + " runs " + image +
           ", and the principal refuses it: it accepts only agents of its own release. Set "
           "spec.image to the agent image of the principal's version (or remove spec.image to "
           "use the operator's default)";
  }
  if (reason == "CertificateUntrusted") {
    return who +
           " cannot verify the principal's certificate: the CA it trusts (spec.tls.caSecretRef, "
           "spec.tls.rootCAPath or Secret argocd-agent-ca) did not issue it, or the certificate "
           "does not name serverAddr's host";
  }
  if (reason == "CertificateExpired") {
    return who + " refuses the principal's certificate: it has expired or is not yet valid";
  }
  return who +
         " is refused by the principal: it does not accept the agent's credentials (client "
         "certificate or token; the principal's log says which)";
}

}  // namespace

std::optional<AgentLogDiagnosis> diagnoseAgentLog(const std::string& logTail,
                                                  const std::string& pod,
                                                  const std::string& image) {
  // Line by line from the end: the latest recognised line describes the agent now.
  size_t end = logTail.size();
  while (end > 0) {
    const size_t nl = end > 1 ? logTail.rfind('\n', end - 2) : std::string::npos;
    const size_t begin = nl == std::string::npos ? 0 : nl + 1;
    if (const char* reason = reasonOfLine(std::string_view(logTail.data() + begin, end - begin))) {
      return AgentLogDiagnosis{reason, messageFor(reason, pod, image)};
    }
    end = begin;
  }
  return std::nullopt;
}

}  // namespace clusteragent
