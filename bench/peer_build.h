#pragma once
// The controller-runtime peer (bench/peer/, Go): hack/build-bench-peer.sh
// builds it and prints the binary's path on stdout. BENCH_PEER=<path> uses a
// binary as it is. When there is no peer, the reason goes in the table.

#include <string>

namespace bench {

struct PeerBinary {
  std::string path;    // "" when not built
  std::string reason;  // why not
};

// The script's stderr goes to logPath.
PeerBinary buildPeer(const std::string& repoRoot, const std::string& logPath);

}  // namespace bench
