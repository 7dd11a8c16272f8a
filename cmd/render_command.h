#pragma once
// `clusteragent-operator render`: prints, without a cluster, the objects the
// operator would apply for each ClusterAgent in the input — the reconciler's
// own parser and builders (reconcilers/clusteragent/render_objects.h), with
// the operator's flags that change them (--agent-image).
//
// Exit codes: 0 rendered; 1 invalid input (unreadable file, bad YAML, a
// ClusterAgent the operator would mark SpecValid=False — with the same
// message —, or no ClusterAgent at all); 2 bad usage.

#include <iosfwd>
#include <string>
#include <vector>

#include "cmd/flags.h"
#include "controller/kube/status.h"

namespace cmd {

struct RenderFlags {
  std::vector<std::string> files;  // "-" is stdin
  std::string output = "yaml";     // yaml | json
  std::string agentImage = kDefaultAgentImage;
  std::string defaultNamespace;  // for objects without metadata.namespace, as kubectl -n
  bool help = false;
};

// args excludes argv[0] and the word "render".
ctrl::kube::StatusOr<RenderFlags> parseRenderFlags(const std::vector<std::string>& args);

std::string renderUsage(const std::string& program);

// The whole subcommand: stdout gets the objects (and nothing when the input is
// invalid), stderr the notes about skipped documents and the errors.
int runRenderCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                     std::ostream& err, const std::string& program = "clusteragent-operator");

}  // namespace cmd
