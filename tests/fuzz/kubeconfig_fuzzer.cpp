// parseKubeconfig on arbitrary text: a kubeconfig is user-supplied YAML, so a
// malformed one must come back as a Status, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "controller/kube/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A kubeconfig may name files to read (certificate-authority, tokenFile).
  // Device and kernel files (/dev/zero, /proc/self/...) never end and are the
  // file system's behaviour, not the parser's: leave them out.
  for (const char* special : {"/dev", "/proc", "/sys"}) {
    if (text.find(special) != std::string::npos) return -1;
  }
  // Relative references resolve under a directory that does not exist.
  auto parsed =
      ctrl::kube::parseKubeconfig(text, "/nonexistent-fuzz-dir", /*context=*/"", "fuzz.yaml");
  if (parsed.isOk() && parsed.value().server.empty()) __builtin_trap();  // "has no server"
  return 0;
}
