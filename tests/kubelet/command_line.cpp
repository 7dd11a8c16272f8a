#include "tests/kubelet/command_line.h"

#include <map>

#include "tests/kubelet/var_expansion.h"

namespace processkubelet {

std::vector<std::string> containerArgv(const nlohmann::json& container,
                                       const std::string& entrypointBinary, const EnvList& env) {
  const std::map<std::string, std::string> vars(env.begin(), env.end());
  const auto lookup = lookupIn({&vars});
  std::vector<std::string> argv;
  const auto command = container.value("command", nlohmann::json::array());
  for (const auto& c : command) argv.push_back(expandVars(c.get<std::string>(), lookup));
  if (argv.empty()) argv.push_back(entrypointBinary);
  for (const auto& a : container.value("args", nlohmann::json::array())) {
    argv.push_back(expandVars(a.get<std::string>(), lookup));
  }
  return argv;
}

}  // namespace processkubelet
