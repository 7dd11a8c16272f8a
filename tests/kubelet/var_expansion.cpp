#include "tests/kubelet/var_expansion.h"

namespace processkubelet {

std::string expandVars(const std::string& input, const VarLookup& lookup) {
  std::string out;
  size_t checkpoint = 0;
  for (size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out.append(input, checkpoint, cursor - checkpoint);
    const char next = input[cursor + 1];
    size_t advance = 1;
    if (next == '$') {
      out += '$';
    } else if (next == '(') {
      const size_t close = input.find(')', cursor + 2);
      if (close == std::string::npos) {
        out += "$(";
      } else {
        const std::string name = input.substr(cursor + 2, close - cursor - 2);
        auto value = lookup(name);
        out += value ? *value : "$(" + name + ")";
        advance = close - cursor;
      }
    } else {
      out += '$';
      out += next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  if (checkpoint < input.size()) out.append(input, checkpoint, std::string::npos);
  return out;
}

VarLookup lookupIn(std::vector<const std::map<std::string, std::string>*> maps) {
  return [maps = std::move(maps)](const std::string& name) -> std::optional<std::string> {
    for (const auto* m : maps) {
      auto it = m->find(name);
      if (it != m->end()) return it->second;
    }
    return std::nullopt;
  };
}

}  // namespace processkubelet
