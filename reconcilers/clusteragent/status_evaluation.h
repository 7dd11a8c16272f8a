#pragma once
// Status = gather, evaluate, set (cert-manager's readiness controller). The
// reconcile steps gather inputs into StatusInputs; evaluateStatus turns them
// into conditions and a phase without I/O; nextStatus merges that into the
// live status with setCondition semantics and reports the flips that deserve
// an Event. Everything here is pure and unit-tested.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/conditions/conditions.h"
#include "reconcilers/clusteragent/agent_connection.h"
#include "reconcilers/clusteragent/server_reachability.h"

namespace clusteragent {

using nlohmann::json;

struct CredentialsAssessment {
  bool ready = false;
  std::string
      reason;  // CredentialsReady, SecretNotFound, SecretKeyMissing, InvalidCertificate, ...
  std::string message;  // names the Secret and key; never a value
  std::string hash;     // credentials hash (pod-template annotation) when ready
};

struct DeploymentAssessment {
  bool exists = false;
  bool available = false;
  std::string
      reason;  // Available, NotCreated, Progressing, Unavailable, Paused, WaitingForCredentials
  std::string message;
  std::string name;
  std::string image;
  int64_t readyReplicas = 0;
};

// From the cached Deployment (nullptr when there is none). Available means
// the controller has seen the current generation, every replica runs the
// current template, and the wanted number is available.
DeploymentAssessment assessDeployment(const json* deployment, const std::string& name,
                                      int64_t desiredReplicas);

struct StatusInputs {
  int64_t generation = 0;
  bool specValid = true;
  std::string specMessage;  // "spec.serverAddr: ..." when invalid
  std::string specReason;   // "" = InvalidSpec; else the tenant-policy rule refused
  bool inlineToken = false;
  bool insecureSkipVerify = false;
  std::string redisPasswordWarning;  // non-empty: RedisPasswordMissing with this message
  // Non-empty: a child's name is taken by an object this ClusterAgent did not
  // create; Ready is False (ChildConflict) with this message.
  std::string childConflict;
  CredentialsAssessment credentials;
  DeploymentAssessment deployment;
  // Filled by the connection assessment (agent pods); absent until that is
  // wired, and then Ready does not wait for it.
  std::optional<AgentConnection> connection;
  // The operator's own probe of serverAddr; absent when not probed (invalid spec).
  std::optional<ServerReachability> server;
};

struct EvaluatedStatus {
  std::vector<ctrl::conditions::Condition> conditions;  // to set
  std::vector<std::string> absent;                      // condition types to remove
  std::string phase;  // Pending | Progressing | Connected | Disconnected | Degraded | Invalid
  json agent;         // {deployment, readyReplicas, image}
  // status.server without lastProbeTime; null: remove; nullopt: leave as is
  // (not observed in this reconcile).
  std::optional<json> server;
  std::optional<std::chrono::system_clock::time_point> probeTime;
};

EvaluatedStatus evaluateStatus(const StatusInputs& in);

struct ConditionFlip {
  std::string type;
  std::string from;  // "" when the condition is new
  std::string fromReason;
  std::string to;
  std::string reason;
  std::string message;
  bool warning = false;  // the Event's type: Warning when the condition went bad
};

// The status to write: `current` (may be null) with the evaluation merged in;
// keys other components own (server, connectedSince, other conditions) are kept.
// Appends to *flips each condition whose status changed (or appeared).
json nextStatus(const json& current, const EvaluatedStatus& eval, int64_t generation,
                std::chrono::system_clock::time_point now, std::vector<ConditionFlip>* flips);

}  // namespace clusteragent
