#pragma once
// $(VAR) expansion exactly as Kubernetes does it for env values, command and
// args (k8s.io/kubernetes third_party/forked/golang/expansion): $(NAME) is
// replaced when NAME is defined and kept verbatim when not; $$ is an escaped $;
// an unterminated $( is kept as is.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace processkubelet {

using VarLookup = std::function<std::optional<std::string>(const std::string& name)>;

std::string expandVars(const std::string& input, const VarLookup& lookup);

// A lookup over maps searched in order (the first that defines a name wins).
VarLookup lookupIn(std::vector<const std::map<std::string, std::string>*> maps);

}  // namespace processkubelet
