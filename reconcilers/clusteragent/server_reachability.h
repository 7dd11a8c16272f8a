#pragma once
// ServerReachable and the server-certificate warning, from the ProbeScheduler's
// latest observation of serverAddr. Pure: the gather step snapshots the
// observation and the wall clock into ServerReachability; evaluateServer
// turns that into conditions and status.server; mergeServerStatus decides
// whether status.server.lastProbeTime moves.
//
// status.server.lastProbeTime is the time of the probe that produced the
// current result, i.e. the last probe whose outcome (reason, message,
// certificate expiry) changed. Probes that find the same result do not move
// it: otherwise every probe interval would write status for nothing.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controller/conditions/conditions.h"
#include "reconcilers/clusteragent/prober/probe_scheduler.h"

namespace clusteragent {

struct ServerReachability {
  std::string host;
  int port = 443;
  std::optional<prober::ProbeObservation> observation;  // nullopt until the first probe
  // Why there is no observation when it is not simply the first probe
  // pending (e.g. the CA Secret is missing): ServerReachable=Unknown with these.
  std::string notProbedReason;
  std::string notProbedMessage;
  // Set when the presented certificate expires within the warning window (or
  // has expired): for people, coarse enough not to change every probe.
  std::optional<std::string> certificateWarning;
};

// Snapshot for one reconcile; `now` only decides certificateWarning.
ServerReachability gatherServerReachability(const std::string& host, int port,
                                            std::optional<prober::ProbeObservation> observation,
                                            std::chrono::system_clock::time_point now);

// What the operator wrote into `status` from its last probe of host:port,
// as an observation: a restarted operator has not probed yet, and standing in
// for that first probe with its predecessor's result keeps the restart from
// rewriting status (ServerReachable and Ready's message stay; the probe that
// then finds the same keeps lastProbeTime). Only a ServerReachable condition
// observed at `generation` for the same host:port counts, with a
// lastProbeTime unless the target was refused; nullopt otherwise.
std::optional<prober::ProbeObservation> observationFromStatus(const nlohmann::json& status,
                                                              int64_t generation,
                                                              const std::string& host, int port);

struct ServerEvaluation {
  std::vector<ctrl::conditions::Condition> conditions;  // ServerReachable [+ warning]
  std::vector<std::string> absent;                      // condition types to remove
  // {host, port[, certificateNotAfter]}; lastProbeTime is added by
  // mergeServerStatus. Null: remove status.server.
  nlohmann::json server;
  std::optional<std::chrono::system_clock::time_point> probeTime;
};

// in == nullopt (spec invalid, or no prober wired): ServerReachable and the
// warning are removed, as is status.server.
ServerEvaluation evaluateServer(const std::optional<ServerReachability>& in, int64_t generation);

// Writes status.server from `server`/`probeTime` into *status, whose
// conditions are already the new ones (server: nullopt keeps status.server
// as it is, null removes it). lastProbeTime keeps its value from `current`
// when neither status.server nor the ServerReachable condition's
// status/reason/message changed; otherwise it becomes probeTime.
void mergeServerStatus(const nlohmann::json& current, const std::optional<nlohmann::json>& server,
                       const std::optional<std::chrono::system_clock::time_point>& probeTime,
                       nlohmann::json* status);

// status.connectedSince: while Connected is True, the time it last became
// True (its lastTransitionTime); removed while it is not True, so its
// presence alone answers "connected?" and the Connected condition's
// lastTransitionTime answers "since when down?". Untouched when Connected
// was not assessed in this evaluation.
void mergeConnectedSince(nlohmann::json* status, bool assessed);

}  // namespace clusteragent
