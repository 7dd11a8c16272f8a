// parseServerAddr on arbitrary text (spec.serverAddr, also what the prober
// dials): an accepted address must be one we can write back and read again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcilers/clusteragent/spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string addr(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto parsed = clusteragent::parseServerAddr(addr, &error);
  if (!parsed) {
    if (error.empty()) __builtin_trap();  // a refusal always says why
    return 0;
  }
  if (parsed->host.empty() || parsed->port < 1 || parsed->port > 65535) __builtin_trap();
  const bool v6 = parsed->host.find(':') != std::string::npos;
  const std::string again = "https://" + (v6 ? "[" + parsed->host + "]" : parsed->host) + ":" +
                            std::to_string(parsed->port);
  const auto reparsed = clusteragent::parseServerAddr(again, nullptr);
  if (!reparsed || reparsed->host != parsed->host || reparsed->port != parsed->port) {
    __builtin_trap();
  }
  return 0;
}
