#include "cmd/yaml_to_json.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>

namespace cmd {
namespace {

using nlohmann::json;

bool isNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// go-yaml v2's boolean words.
int boolValue(const std::string& s) {
  static const std::set<std::string> kTrue = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                              "True", "TRUE", "on",  "On",  "ON"};
  static const std::set<std::string> kFalse = {"n",     "N",     "no",  "No",  "NO", "false",
                                               "False", "FALSE", "off", "Off", "OFF"};
  if (kTrue.count(s)) return 1;
  if (kFalse.count(s)) return 0;
  return -1;
}

bool allOf(const std::string& s, size_t from, const char* chars) {
  if (from >= s.size()) return false;
  return s.find_first_not_of(chars, from) == std::string::npos;
}

// Integers: [-+]decimal, 0x hex, 0o/0 octal, 0b binary (underscores allowed,
// as in YAML 1.1). Floats: decimal with '.' or an exponent, .inf, .nan.
std::optional<json> number(std::string s) {
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  size_t sign = (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) ? 1 : 0;
  const std::string body = digits.substr(sign);
  const bool negative = sign == 1 && digits[0] == '-';
  auto integer = [&](const std::string& d, int base) -> std::optional<json> {
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(d.c_str(), &end, base);
    if (errno != 0 || *end != '\0' || d.empty()) return std::nullopt;
    if (negative) return json(-static_cast<long long>(v));
    return json(static_cast<long long>(v));
  };
  if (body.rfind("0x", 0) == 0 && allOf(body, 2, "0123456789abcdefABCDEF")) {
    return integer(body.substr(2), 16);
  }
  if (body.rfind("0b", 0) == 0 && allOf(body, 2, "01")) return integer(body.substr(2), 2);
  if (body.rfind("0o", 0) == 0 && allOf(body, 2, "01234567")) return integer(body.substr(2), 8);
  if (allOf(body, 0, "0123456789")) {
    if (body.size() > 1 && body[0] == '0' && allOf(body, 0, "01234567")) return integer(body, 8);
    return integer(body, 10);
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    return json(negative ? -HUGE_VAL : HUGE_VAL);
  }
  if (sign == 0 && (body == ".nan" || body == ".NaN" || body == ".NAN")) return json(NAN);
  // [0-9]*\.?[0-9]+([eE][-+]?[0-9]+)? and the like, nothing else.
  if (!allOf(body, 0, "0123456789.eE+-") || body.find_first_of("0123456789") == std::string::npos ||
      body[0] == 'e' || body[0] == 'E') {
    return std::nullopt;
  }
  char* end = nullptr;
  double v = std::strtod(digits.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return json(v);
}

json plainScalar(const std::string& s) {
  if (isNull(s)) return nullptr;
  int b = boolValue(s);
  if (b >= 0) return b == 1;
  if (auto n = number(s)) return *n;
  return s;
}

json toJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // "!" is yaml-cpp's tag for a quoted (non-plain) scalar: always a string.
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return node.Scalar();
      return plainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node) arr.push_back(toJson(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = toJson(kv.second);
      return obj;
    }
  }
  return nullptr;
}

}  // namespace

ctrl::kube::StatusOr<std::vector<json>> yamlDocumentsToJson(const std::string& text) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return ctrl::kube::Status(ctrl::kube::Code::kInvalidArgument,
                              "not valid YAML: " + e.msg + " at line " +
                                  std::to_string(e.mark.line + 1) + ", column " +
                                  std::to_string(e.mark.column + 1));
  }
  std::vector<json> out;
  out.reserve(docs.size());
  for (const auto& d : docs) out.push_back(toJson(d));
  return out;
}

}  // namespace cmd
