#pragma once
// One probe attempt over loopback, as the kubelet's prober makes it:
// httpGet succeeds on a status in [200, 400), tcpSocket when a connection
// opens, both within timeoutSeconds. exec and grpc probes are not run (the
// process kubelet has no container to exec into): they count as successes and
// say so in `note`. HTTPS probes are made as plain TCP connects (the kubelet
// does not verify the certificate either, so only reachability is lost).

#include <string>

#include "tests/kubelet/probe_state.h"

namespace processkubelet {

struct ProbeOutcome {
  bool success = false;
  std::string note;  // why it failed, or what was not checked
};

ProbeOutcome runProbe(const ProbeSpec& spec, const std::string& podIP);

}  // namespace processkubelet
