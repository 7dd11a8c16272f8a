#pragma once
// Why an agent that runs is not connected, from the lines upstream's agent
// writes when the principal turns it away. Its /healthz only says "not
// connected"; the reason a person can act on (wrong release, untrusted or
// expired certificate, refused credentials) is in its log and nowhere else.
//
// The log is untrusted bytes: it is only searched for upstream's fixed
// phrases, and nothing of it is copied into the result, so no log text (a
// token an agent might print, terminal escapes) can reach status or Events.

#include <optional>
#include <string>

namespace clusteragent {

struct AgentLogDiagnosis {
  std::string reason;   // VersionMismatch, CertificateUntrusted, CertificateExpired,
                        // AuthenticationFailed
  std::string message;  // for people: the cause and what to change
};

// logTail: the end of the agent container's log, oldest line first. The most
// recent recognised line wins: an agent that got past one failure and then hit
// another is described by the latest. pod and image go into the message.
std::optional<AgentLogDiagnosis> diagnoseAgentLog(const std::string& logTail,
                                                  const std::string& pod, const std::string& image);

}  // namespace clusteragent
