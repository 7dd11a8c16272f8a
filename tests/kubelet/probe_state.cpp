#include "tests/kubelet/probe_state.h"

namespace processkubelet {

using nlohmann::json;

namespace {

int intOr(const json& obj, const char* key, int fallback) {
  return obj.contains(key) && obj[key].is_number_integer() ? obj[key].get<int>() : fallback;
}

// An IntOrString port: a number, or a name from the container's ports.
int resolvePort(const json& port, const json& container) {
  if (port.is_number_integer()) return port.get<int>();
  if (!port.is_string()) return 0;
  const std::string name = port.get<std::string>();
  for (const auto& p : container.value("ports", json::array())) {
    if (p.value("name", "") == name) return p.value("containerPort", 0);
  }
  try {
    return std::stoi(name);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

ProbeSpec parseProbe(const json& probe, const json& container) {
  ProbeSpec spec;
  if (probe.contains("httpGet")) {
    const json& h = probe["httpGet"];
    spec.action = ProbeSpec::Action::kHttpGet;
    spec.scheme = h.value("scheme", "HTTP");
    spec.host = h.value("host", "");
    spec.path = h.value("path", "/");
    spec.port = resolvePort(h.value("port", json()), container);
    for (const auto& header : h.value("httpHeaders", json::array())) {
      spec.httpHeaders.emplace_back(header.value("name", ""), header.value("value", ""));
    }
  } else if (probe.contains("tcpSocket")) {
    spec.action = ProbeSpec::Action::kTcpSocket;
    spec.host = probe["tcpSocket"].value("host", "");
    spec.port = resolvePort(probe["tcpSocket"].value("port", json()), container);
  } else if (probe.contains("exec")) {
    spec.action = ProbeSpec::Action::kExec;
  } else if (probe.contains("grpc")) {
    spec.action = ProbeSpec::Action::kGrpc;
    spec.port = intOr(probe["grpc"], "port", 0);
  }
  spec.initialDelay = std::chrono::seconds(intOr(probe, "initialDelaySeconds", 0));
  spec.period = std::chrono::seconds(std::max(1, intOr(probe, "periodSeconds", 10)));
  spec.timeout = std::chrono::seconds(std::max(1, intOr(probe, "timeoutSeconds", 1)));
  spec.successThreshold = std::max(1, intOr(probe, "successThreshold", 1));
  spec.failureThreshold = std::max(1, intOr(probe, "failureThreshold", 3));
  if (probe.contains("terminationGracePeriodSeconds") &&
      probe["terminationGracePeriodSeconds"].is_number_integer()) {
    spec.terminationGracePeriodSeconds = probe["terminationGracePeriodSeconds"].get<int64_t>();
  }
  return spec;
}

ProbeState::ProbeState(Kind kind, ProbeSpec spec, TimePoint containerStarted)
    : kind_(kind),
      spec_(std::move(spec)),
      started_(containerStarted),
      result_(kind == Kind::kLiveness) {}

bool ProbeState::due(TimePoint now) const {
  if (in_flight_) return false;
  if (now < started_ + spec_.initialDelay) return false;
  return !last_attempt_ || now >= *last_attempt_ + spec_.period;
}

void ProbeState::attemptStarted(TimePoint now) {
  in_flight_ = true;
  last_attempt_ = now;
}

void ProbeState::attemptFinished(bool success) {
  in_flight_ = false;
  if (success) {
    failures_ = 0;
    if (++successes_ >= spec_.successThreshold) result_ = true;
  } else {
    successes_ = 0;
    if (++failures_ >= spec_.failureThreshold) result_ = false;
  }
}

const char* probeKindName(ProbeState::Kind kind) {
  switch (kind) {
    case ProbeState::Kind::kReadiness:
      return "Readiness";
    case ProbeState::Kind::kLiveness:
      return "Liveness";
    case ProbeState::Kind::kStartup:
      return "Startup";
  }
  return "";
}

}  // namespace processkubelet
