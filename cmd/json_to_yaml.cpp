#include "cmd/json_to_yaml.h"

#include <yaml-cpp/yaml.h>

#include "cmd/yaml_to_json.h"

namespace cmd {
namespace {

using nlohmann::json;

// Quoted unless reading it back plain gives the same string (the reader and
// the writer agree by construction).
bool needsQuotes(const std::string& s) {
  if (s.empty() || s.find('\n') != std::string::npos) return true;
  auto back = yamlDocumentsToJson("v: " + s);
  return !back.isOk() || back->size() != 1 || !(*back)[0].is_object() ||
         (*back)[0].value("v", json()) != json(s);
}

void emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      // Empty collections inline ("emptyDir: {}"), as kubectl prints them.
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginMap;
      for (auto it = v.begin(); it != v.end(); ++it) {
        out << YAML::Key;
        if (needsQuotes(it.key())) out << YAML::DoubleQuoted;
        out << it.key() << YAML::Value;
        emit(out, it.value());
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      if (v.empty()) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : v) emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (needsQuotes(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case json::value_t::boolean:
      out << v.get<bool>();
      break;
    case json::value_t::number_integer:
      out << v.get<int64_t>();
      break;
    case json::value_t::number_unsigned:
      out << v.get<uint64_t>();
      break;
    case json::value_t::number_float:
      // JSON's own spelling reads back as the same number.
      out << v.dump();
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

std::string jsonToYaml(const json& value) {
  YAML::Emitter out;
  out.SetNullFormat(YAML::LowerNull);
  out.SetBoolFormat(YAML::TrueFalseBool);
  out.SetIndent(2);
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace cmd
