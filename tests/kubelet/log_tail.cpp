#include "tests/kubelet/log_tail.h"

#include <vector>

namespace processkubelet {
namespace {

bool isName(const std::string& s) {
  if (s.empty() || s.size() > 253 || s == "." || s == "..") return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::string selectLogTail(const std::string& log, int64_t tailLines, int64_t limitBytes) {
  size_t start = 0;
  if (tailLines > 0) {
    // Walk back over tailLines line ends; a final line without '\n' counts too.
    size_t end = log.size();
    if (end > 0 && log[end - 1] == '\n') --end;
    int64_t lines = 0;
    start = end;
    while (start > 0) {
      if (log[start - 1] == '\n' && ++lines == tailLines) break;
      --start;
    }
  }
  std::string out = log.substr(start);
  if (limitBytes > 0 && out.size() > static_cast<size_t>(limitBytes)) {
    out.resize(static_cast<size_t>(limitBytes));
  }
  return out;
}

bool parseContainerLogPath(const std::string& path, std::string* ns, std::string* pod,
                           std::string* container) {
  const std::string prefix = "/containerLogs/";
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  std::vector<std::string> parts;
  size_t at = prefix.size();
  while (true) {
    const size_t slash = path.find('/', at);
    parts.push_back(path.substr(at, slash == std::string::npos ? std::string::npos : slash - at));
    if (slash == std::string::npos) break;
    at = slash + 1;
  }
  if (parts.size() != 3) return false;
  for (const auto& p : parts) {
    if (!isName(p)) return false;
  }
  *ns = parts[0];
  *pod = parts[1];
  *container = parts[2];
  return true;
}

}  // namespace processkubelet
