#include "reconcilers/clusteragent/status_evaluation.h"

#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/readiness.h"

namespace clusteragent {
namespace {

using ctrl::conditions::Condition;
using ctrl::conditions::kFalse;
using ctrl::conditions::kTrue;
using ctrl::conditions::kUnknown;

int64_t intAt(const json& obj, const json::json_pointer& p, int64_t dflt = 0) {
  if (!obj.contains(p)) return dflt;
  const json& v = obj.at(p);
  return v.is_number() ? v.get<int64_t>() : dflt;
}

bool isWarningType(const std::string& type) {
  return type == kInlineTokenInUse || type == kInsecureSkipVerify ||
         type == kServerCertificateExpiring || type == kRedisPasswordMissing;
}

}  // namespace

DeploymentAssessment assessDeployment(const json* deployment, const std::string& name,
                                      int64_t desiredReplicas) {
  DeploymentAssessment a;
  a.name = name;
  if (deployment == nullptr || deployment->is_null()) {
    a.reason = "NotCreated";
    a.message = "Deployment " + name + " does not exist yet";
    return a;
  }
  const json& d = *deployment;
  a.exists = true;
  const json& containers = d.value("/spec/template/spec/containers"_json_pointer, json::array());
  if (!containers.empty()) a.image = containers[0].value("image", "");
  int64_t generation = intAt(d, "/metadata/generation"_json_pointer);
  int64_t observed = intAt(d, "/status/observedGeneration"_json_pointer);
  int64_t replicas = intAt(d, "/spec/replicas"_json_pointer, 1);
  int64_t updated = intAt(d, "/status/updatedReplicas"_json_pointer);
  int64_t available = intAt(d, "/status/availableReplicas"_json_pointer);
  int64_t total = intAt(d, "/status/replicas"_json_pointer);
  a.readyReplicas = intAt(d, "/status/readyReplicas"_json_pointer);
  if (desiredReplicas == 0 && replicas == 0) {
    a.reason = "Paused";
    a.message = "spec.replicas is 0: the agent is paused";
    return a;
  }
  if (observed < generation) {
    a.reason = "Progressing";
    a.message = "Deployment " + name + " generation " + std::to_string(generation) +
                " not yet observed by the deployment controller";
    return a;
  }
  if (updated < replicas || total > updated) {
    a.reason = "Progressing";
    a.message = "Deployment " + name + " is rolling out: " + std::to_string(updated) + " of " +
                std::to_string(replicas) + " replicas updated";
    return a;
  }
  if (available < replicas) {
    a.reason = "Unavailable";
    a.message = "Deployment " + name + ": " + std::to_string(available) + " of " +
                std::to_string(replicas) + " replicas available";
    return a;
  }
  a.available = true;
  a.reason = "Available";
  a.message = "Deployment " + name + " is rolled out and available";
  return a;
}

EvaluatedStatus evaluateStatus(const StatusInputs& in) {
  EvaluatedStatus out;
  const int64_t g = in.generation;
  auto add = [&](const char* type, const char* status, std::string reason, std::string message) {
    out.conditions.push_back(Condition{type, status, std::move(reason), std::move(message), g, ""});
  };

  if (in.inlineToken) {
    add(kInlineTokenInUse, kTrue, "InlineAuthToken",
        "spec.authToken is set inline: anyone who can read this ClusterAgent can read the token; "
        "move it to a Secret and use spec.authTokenSecretRef");
  } else {
    out.absent.push_back(kInlineTokenInUse);
  }
  if (in.insecureSkipVerify) {
    add(kInsecureSkipVerify, kTrue, "TLSVerificationDisabled",
        "spec.tls.insecureSkipVerify is on: the agent does not verify the principal's "
        "certificate; set spec.tls.caSecretRef instead");
  } else {
    out.absent.push_back(kInsecureSkipVerify);
  }
  if (!in.redisPasswordWarning.empty()) {
    add(kRedisPasswordMissing, kTrue, "NoRedisPassword", in.redisPasswordWarning);
  } else {
    out.absent.push_back(kRedisPasswordMissing);
  }

  // An invalid spec removes what the server probe said; a valid one not
  // observed in this reconcile (no prober wired) leaves it alone.
  ServerEvaluation server;
  if (!in.specValid || in.server) {
    server = evaluateServer(in.specValid ? in.server : std::nullopt, g);
    out.absent.insert(out.absent.end(), server.absent.begin(), server.absent.end());
    out.server = server.server;
    out.probeTime = server.probeTime;
  }

  out.agent = {{"deployment", in.deployment.name},
               {"readyReplicas", in.deployment.readyReplicas},
               {"image", in.deployment.image}};

  if (!in.specValid) {
    const std::string reason = in.specReason.empty() ? kReasonInvalidSpec : in.specReason;
    add(kSpecValid, kFalse, reason, in.specMessage);
    const std::string notEvaluated = "not evaluated: the spec is invalid";
    add(kCredentialsReady, kUnknown, reason, notEvaluated);
    add(kDeploymentAvailable, kUnknown, reason, notEvaluated);
    add(kReady, kFalse, reason, in.specMessage);
    out.phase = "Invalid";
    return out;
  }
  add(kSpecValid, kTrue, "Valid", "spec is valid");
  // A step the reconcile never reached (a ChildConflict stops it) leaves its
  // assessment empty: Unknown, not a False without a reason.
  auto assessed = [&](const char* type, bool ok, const std::string& reason,
                      const std::string& message) {
    if (reason.empty()) {
      add(type, kUnknown, "NotEvaluated", "not evaluated: an earlier step stopped the reconcile");
    } else {
      add(type, ok ? kTrue : kFalse, reason, message);
    }
  };
  assessed(kCredentialsReady, in.credentials.ready, in.credentials.reason, in.credentials.message);
  assessed(kDeploymentAvailable, in.deployment.available, in.deployment.reason,
           in.deployment.message);
  if (in.connection) {
    add(kConnected, in.connection->connected ? kTrue : kFalse, in.connection->reason,
        in.connection->message);
  }

  out.conditions.insert(out.conditions.end(), server.conditions.begin(), server.conditions.end());

  Readiness r = deriveReadiness(in);
  add(kReady, r.ready ? kTrue : kFalse, r.reason, r.message);
  out.phase = r.phase;
  return out;
}

json nextStatus(const json& current, const EvaluatedStatus& eval, int64_t generation,
                std::chrono::system_clock::time_point now, std::vector<ConditionFlip>* flips) {
  json status = current.is_object() ? current : json::object();
  json conds = status.value("conditions", json::array());
  for (const auto& type : eval.absent) ctrl::conditions::removeCondition(&conds, type);
  for (const auto& c : eval.conditions) {
    const json* old = ctrl::conditions::findCondition(conds, c.type);
    std::string from = old ? old->value("status", "") : "";
    std::string fromReason = old ? old->value("reason", "") : "";
    ctrl::conditions::setCondition(&conds, c, now);
    if (from != c.status && flips != nullptr) {
      bool bad = isWarningType(c.type) ? c.status == kTrue : c.status != kTrue;
      flips->push_back(ConditionFlip{c.type, from, fromReason, c.status, c.reason, c.message, bad});
    }
  }
  status["conditions"] = std::move(conds);
  mergeServerStatus(current.is_object() ? current : json::object(), eval.server, eval.probeTime,
                    &status);
  bool connectionAssessed = false;
  for (const auto& c : eval.conditions) connectionAssessed |= c.type == kConnected;
  mergeConnectedSince(&status, connectionAssessed);
  status["observedGeneration"] = generation;
  status["phase"] = eval.phase;
  status["agent"] = eval.agent;
  return status;
}

}  // namespace clusteragent
