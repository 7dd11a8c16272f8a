#pragma once
// What the kubelet answers for `GET /containerLogs/...?tailLines=&limitBytes=`:
// the last tailLines lines of the log (all when 0), then at most limitBytes
// bytes of that (from its start, as the kubelet cuts a stream; no limit when 0).

#include <cstdint>
#include <string>

namespace processkubelet {

std::string selectLogTail(const std::string& log, int64_t tailLines, int64_t limitBytes);

// The path's parts, when it is /containerLogs/<namespace>/<pod>/<container>
// and each part is a Kubernetes name (so no part can walk out of the log directory).
bool parseContainerLogPath(const std::string& path, std::string* ns, std::string* pod,
                           std::string* container);

}  // namespace processkubelet
