#include "reconcilers/clusteragent/server_reachability.h"

#include "controller/clock/rfc3339.h"
#include "reconcilers/clusteragent/condition_types.h"
#include "reconcilers/clusteragent/prober/certificate_expiry.h"

namespace clusteragent {

using ctrl::conditions::Condition;
using nlohmann::json;

ServerReachability gatherServerReachability(const std::string& host, int port,
                                            std::optional<prober::ProbeObservation> observation,
                                            std::chrono::system_clock::time_point now) {
  ServerReachability r;
  r.host = host;
  r.port = port;
  r.observation = std::move(observation);
  if (r.observation && r.observation->result.certificateNotAfter) {
    r.certificateWarning =
        prober::certificateExpiryWarning(*r.observation->result.certificateNotAfter, now);
  }
  return r;
}

std::optional<prober::ProbeObservation> observationFromStatus(const json& status,
                                                              int64_t generation,
                                                              const std::string& host, int port) {
  if (!status.is_object()) return std::nullopt;
  const json server = status.value("server", json::object());
  if (!server.is_object() || server.value("host", json()) != json(host) ||
      server.value("port", json()) != json(port)) {
    return std::nullopt;
  }
  const json conds = status.value("conditions", json::array());
  const json* c = ctrl::conditions::findCondition(conds, kServerReachable);
  if (c == nullptr || c->value("observedGeneration", json()) != json(generation)) {
    return std::nullopt;
  }
  const json reasonName = c->value("reason", json());
  const auto reason = reasonName.is_string()
                          ? prober::parseReasonName(reasonName.get<std::string>())
                          : std::nullopt;
  if (!reason) return std::nullopt;  // Probing, ProbeDisabled, CAUnavailable, ...
  prober::ProbeObservation obs;
  obs.result.reason = *reason;
  const json message = c->value("message", json());
  obs.result.message = message.is_string() ? message.get<std::string>() : "";
  // The condition must say what this reason says, or it is not ours.
  const char* expected = !obs.result.probed()     ? ctrl::conditions::kUnknown
                         : obs.result.reachable() ? ctrl::conditions::kTrue
                                                  : ctrl::conditions::kFalse;
  if (c->value("status", json()) != json(expected)) return std::nullopt;
  if (obs.result.probed()) {
    const json t = server.value("lastProbeTime", json());
    if (!t.is_string() || !ctrl::parseRfc3339(t.get<std::string>(), &obs.probeTime)) {
      return std::nullopt;
    }
  }
  const json notAfter = server.value("certificateNotAfter", json());
  if (notAfter.is_string()) {
    std::chrono::system_clock::time_point t;
    if (!ctrl::parseRfc3339(notAfter.get<std::string>(), &t)) return std::nullopt;
    obs.result.certificateNotAfter = t;
  }
  return obs;
}

ServerEvaluation evaluateServer(const std::optional<ServerReachability>& in, int64_t generation) {
  ServerEvaluation out;
  if (!in) {
    out.absent = {kServerReachable, kServerCertificateExpiring};
    out.server = nullptr;
    return out;
  }
  out.server = {{"host", in->host}, {"port", in->port}};
  const std::string where = in->host + ":" + std::to_string(in->port);
  if (!in->observation) {
    if (!in->notProbedReason.empty()) {
      out.conditions.push_back(Condition{kServerReachable, ctrl::conditions::kUnknown,
                                         in->notProbedReason, in->notProbedMessage, generation,
                                         ""});
    } else {
      out.conditions.push_back(Condition{kServerReachable, ctrl::conditions::kUnknown, "Probing",
                                         "waiting for the first probe of " + where, generation,
                                         ""});
    }
    out.absent.push_back(kServerCertificateExpiring);
    return out;
  }
  const prober::ProbeResult& r = in->observation->result;
  // A refusal is not a probe: status.server gets no lastProbeTime for it.
  if (r.probed()) out.probeTime = in->observation->probeTime;
  // A refused target was never contacted: whether it is reachable is unknown.
  const char* status = !r.probed()     ? ctrl::conditions::kUnknown
                       : r.reachable() ? ctrl::conditions::kTrue
                                       : ctrl::conditions::kFalse;
  out.conditions.push_back(
      Condition{kServerReachable, status, prober::reasonName(r.reason), r.message, generation, ""});
  if (r.certificateNotAfter) {
    out.server["certificateNotAfter"] = ctrl::formatRfc3339(*r.certificateNotAfter);
  }
  if (in->certificateWarning) {
    out.conditions.push_back(Condition{kServerCertificateExpiring, ctrl::conditions::kTrue,
                                       "CertificateExpiresSoon", *in->certificateWarning,
                                       generation, ""});
  } else {
    out.absent.push_back(kServerCertificateExpiring);
  }
  return out;
}

namespace {

json reachableSummary(const json& status) {
  const json conds = status.value("conditions", json::array());
  const json* c = ctrl::conditions::findCondition(conds, kServerReachable);
  if (c == nullptr) return nullptr;
  return json{c->value("status", ""), c->value("reason", ""), c->value("message", "")};
}

}  // namespace

void mergeServerStatus(const json& current, const std::optional<json>& serverOrKeep,
                       const std::optional<std::chrono::system_clock::time_point>& probeTime,
                       json* status) {
  if (!serverOrKeep) return;
  const json& server = *serverOrKeep;
  if (server.is_null()) {
    status->erase("server");
    return;
  }
  json next = server;
  const json old = current.value("server", json::object());
  json oldWithoutTime = old;
  oldWithoutTime.erase("lastProbeTime");
  const bool unchanged = oldWithoutTime == server &&
                         reachableSummary(current) == reachableSummary(*status) &&
                         old.contains("lastProbeTime") == probeTime.has_value();
  if (unchanged && old.contains("lastProbeTime")) {
    next["lastProbeTime"] = old["lastProbeTime"];
  } else if (probeTime) {
    next["lastProbeTime"] = ctrl::formatRfc3339(*probeTime);
  }
  (*status)["server"] = std::move(next);
}

void mergeConnectedSince(json* status, bool assessed) {
  if (!assessed) return;
  const json conds = status->value("conditions", json::array());
  const json* c = ctrl::conditions::findCondition(conds, kConnected);
  if (c != nullptr && c->value("status", "") == ctrl::conditions::kTrue) {
    (*status)["connectedSince"] = c->value("lastTransitionTime", "");
  } else {
    status->erase("connectedSince");
  }
}

}  // namespace clusteragent
