// diagnoseAgentLog on arbitrary log bytes: the agent's log is untrusted, and
// nothing of it may reach the result (status, Events).
#include <cstddef>
#include <cstdint>
#include <string>

#include "reconcilers/clusteragent/agent_log_diagnosis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string log(reinterpret_cast<const char*>(data), size);
  const auto diagnosis = clusteragent::diagnoseAgentLog(log, "agent-pod", "agent-image");
  if (diagnosis && (diagnosis->reason.empty() || diagnosis->message.empty())) __builtin_trap();
  return 0;
}
