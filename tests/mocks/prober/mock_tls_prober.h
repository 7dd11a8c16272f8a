#pragma once

#include <gmock/gmock.h>

#include "reconcilers/clusteragent/prober/tls_prober.h"

namespace clusteragent::prober {

class MockTlsProber : public TlsProber {
 public:
  MOCK_METHOD(ProbeResult, probe, (const ProbeTarget& target), (override));
};

}  // namespace clusteragent::prober
