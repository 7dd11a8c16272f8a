#include "cmd/render_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cmd/json_to_yaml.h"
#include "cmd/yaml_to_json.h"
#include "reconcilers/clusteragent/render_objects.h"
#include "reconcilers/clusteragent/spec.h"

namespace cmd {
namespace {

using ctrl::kube::Code;
using ctrl::kube::Status;
using nlohmann::json;

Status usageError(const std::string& msg) {
  return Status(Code::kInvalidArgument, msg);
}

// One ClusterAgent found in the input, and where.
struct Candidate {
  std::string where;  // "ca.yaml, document 2"
  json object;
};

// What the input held: ClusterAgents to render, and what to say on stderr.
struct Input {
  std::vector<Candidate> clusterAgents;
  std::vector<std::string> notes;   // skipped documents
  std::vector<std::string> errors;  // unreadable, not YAML
};

std::string objectName(const json& o) {
  const json md = o.value("metadata", json::object());
  if (!md.is_object()) return "";
  std::string ns = md.value("namespace", json("")).is_string() ? md.value("namespace", "") : "";
  std::string name = md.value("name", json("")).is_string() ? md.value("name", "") : "";
  return ns.empty() ? name : ns + "/" + name;
}

void collect(const json& doc, const std::string& where, Input* in) {
  if (doc.is_null()) return;  // an empty document, e.g. after a trailing ---
  if (!doc.is_object()) {
    in->notes.push_back(where + ": skipped: not a Kubernetes object (a YAML mapping)");
    return;
  }
  const std::string apiVersion =
      doc.value("apiVersion", json("")).is_string() ? doc.value("apiVersion", "") : std::string();
  const std::string kind =
      doc.value("kind", json("")).is_string() ? doc.value("kind", "") : std::string();
  // `kubectl get ... -o yaml` of several objects prints a List.
  if (kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && doc.contains("items") &&
      doc["items"].is_array()) {
    for (size_t i = 0; i < doc["items"].size(); ++i) {
      collect(doc["items"][i], where + ", item " + std::to_string(i + 1), in);
    }
    return;
  }
  if (kind == clusteragent::kKind && apiVersion == clusteragent::kApiVersion) {
    in->clusterAgents.push_back({where, doc});
    return;
  }
  in->notes.push_back(where + ": skipped " + (apiVersion.empty() ? "" : apiVersion + " ") +
                      (kind.empty() ? "object without kind" : kind) +
                      (objectName(doc).empty() ? "" : " " + objectName(doc)) +
                      ": not a ClusterAgent (" + clusteragent::kApiVersion + ")");
}

void readSource(const std::string& file, std::istream& stdinStream, Input* in);

// As kubectl -f DIR: the directory's .yaml, .yml and .json files, by name,
// not recursing.
void readDirectory(const std::string& dir, std::istream& stdinStream, Input* in) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
      files.push_back(entry.path().string());
    }
  }
  if (ec) {
    in->errors.push_back(dir + ": cannot read the directory: " + ec.message());
    return;
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) readSource(f, stdinStream, in);
}

void readSource(const std::string& file, std::istream& stdinStream, Input* in) {
  if (file != "-" && std::filesystem::is_directory(file)) {
    readDirectory(file, stdinStream, in);
    return;
  }
  const std::string label = file == "-" ? "<stdin>" : file;
  std::stringstream text;
  if (file == "-") {
    text << stdinStream.rdbuf();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) {
      in->errors.push_back(label + ": cannot read the file");
      return;
    }
    text << f.rdbuf();
  }
  auto docs = yamlDocumentsToJson(text.str());
  if (!docs.isOk()) {
    in->errors.push_back(label + ": " + docs.status().message());
    return;
  }
  for (size_t i = 0; i < docs->size(); ++i) {
    collect((*docs)[i], label + ", document " + std::to_string(i + 1), in);
  }
}

// "# " before every line of a note (notes are one line each, but stay safe).
std::string commentLines(const std::string& s) {
  std::string out = "# ";
  for (char c : s) {
    out += c;
    if (c == '\n') out += "# ";
  }
  return out + "\n";
}

struct Rendered {
  std::string owner;  // "argocd/aro-agent"
  std::vector<clusteragent::RenderedObject> objects;
};

std::string describe(const clusteragent::DesiredObject& d) {
  return d.resource.kind + " " + (d.ns().empty() ? d.name() : d.ns() + "/" + d.name());
}

void writeYaml(const std::vector<Rendered>& all, std::ostream& out) {
  for (const auto& r : all) {
    for (const auto& o : r.objects) {
      out << "---\n";
      out << commentLines(describe(o.desired) + ", from ClusterAgent " + r.owner);
      for (const auto& note : o.notes) out << commentLines(note);
      out << jsonToYaml(o.desired.object);
    }
  }
}

void writeJson(const std::vector<Rendered>& all, std::ostream& out, std::ostream& err) {
  json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", json::array()}};
  for (const auto& r : all) {
    for (const auto& o : r.objects) {
      list["items"].push_back(o.desired.object);
      for (const auto& note : o.notes)
        err << "note: " << describe(o.desired) << ": " << note << "\n";
    }
  }
  out << list.dump(2) << "\n";
}

}  // namespace

ctrl::kube::StatusOr<RenderFlags> parseRenderFlags(const std::vector<std::string>& args) {
  RenderFlags f;
  bool stdinSeen = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> value;
    if (name.rfind("--", 0) == 0) {
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
    } else if (name.size() > 2 && name[0] == '-' && name[1] != '-') {
      // -fca.yaml, -ojson, -f=ca.yaml (kubectl accepts all three)
      value = name.substr(name[2] == '=' ? 3 : 2);
      name = name.substr(0, 2);
    }
    if (name == "-h" || name == "--help") {
      f.help = true;
      continue;
    }
    const bool known = name == "-f" || name == "--filename" || name == "-o" || name == "--output" ||
                       name == "--agent-image" || name == "-n" || name == "--namespace";
    if (!known) {
      if (name.empty() || name[0] != '-') {
        return usageError("unexpected argument \"" + args[i] +
                          "\" (input files go after -f; see render --help)");
      }
      return usageError("unknown flag " + name + " (see render --help)");
    }
    if (!value) {
      if (i + 1 >= args.size()) return usageError("flag " + name + " needs a value");
      value = args[++i];
    }
    if (name == "-f" || name == "--filename") {
      if (value->empty()) return usageError(name + " needs a file name, or - for stdin");
      if (*value == "-") {
        if (stdinSeen) return usageError("-f - (stdin) given twice");
        stdinSeen = true;
      }
      f.files.push_back(*value);
    } else if (name == "-o" || name == "--output") {
      if (*value != "yaml" && *value != "json") {
        return usageError(name + ": want yaml or json, got \"" + *value + "\"");
      }
      f.output = *value;
    } else if (name == "--agent-image") {
      if (value->empty()) return usageError("--agent-image must not be empty");
      f.agentImage = *value;
    } else {
      if (value->empty()) return usageError(name + " needs a namespace name");
      f.defaultNamespace = *value;
    }
  }
  if (!f.help && f.files.empty()) {
    return usageError("render needs at least one -f FILE (or -f - for stdin)");
  }
  return f;
}

std::string renderUsage(const std::string& program) {
  return "Usage: " + program + R"( render -f FILE [-f FILE...] [-o yaml|json] [flags]

Prints the objects the operator would apply for each ClusterAgent in the
input, without a cluster: ServiceAccount, Role, RoleBinding, ClusterRole,
ClusterRoleBinding, the credentials Secret (userpass) and the Deployment and
metrics Service — built by the operator's own code, so for the same flags the
output is what it applies. What only the cluster knows is left out, with a
comment (-o yaml) or a note on stderr (-o json) saying so: Secret data (the
token is never printed), the Deployment's credentials hash (a digest of live
Secrets), owner references when the input has no metadata.uid.

Preview a change against the cluster:
  )" + program +
         R"( render -f ca.yaml | kubectl diff -f -
  kubectl get clusteragent NAME -n NS -o yaml | )" +
         program + R"( render -f - | kubectl diff -f -

Flags:
  -f, --filename FILE
        a YAML file of one or more documents (---), a directory (its
        .yaml, .yml and .json files), or - for stdin.
        Repeatable. Documents other than ClusterAgents (and List items
        that are not) are skipped with a note on stderr.
  -o, --output FORMAT
        yaml (a multi-document stream) or json (a v1 List). Default: yaml.
  --agent-image IMAGE
        as the operator's flag: the image of ClusterAgents without
        spec.image. Default: )" +
         std::string(kDefaultAgentImage) + R"(
  -n, --namespace NS
        namespace of ClusterAgents that set none, as kubectl apply -n does.
  -h, --help
        print this help and exit.

Exit codes: 0 rendered; 1 invalid input (unreadable or not YAML, a
ClusterAgent the operator would mark SpecValid=False — the message is the
condition's —, or no ClusterAgent at all); 2 bad usage.
)";
}

int runRenderCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                     std::ostream& err, const std::string& program) {
  auto parsed = parseRenderFlags(args);
  if (!parsed.isOk()) {
    err << "error: " << parsed.status().message() << "\n";
    return 2;
  }
  const RenderFlags& flags = *parsed;
  if (flags.help) {
    out << renderUsage(program);
    return 0;
  }

  Input input;
  for (const auto& file : flags.files) readSource(file, in, &input);

  clusteragent::ParseOptions po;
  po.defaultImage = flags.agentImage;  // what main() hands the reconciler as agentImage
  std::vector<Rendered> rendered;
  for (auto& c : input.clusterAgents) {
    auto md = c.object.find("metadata");
    if (md != c.object.end() && md->is_object() && !flags.defaultNamespace.empty() &&
        !md->contains("namespace")) {
      (*md)["namespace"] = flags.defaultNamespace;
    }
    auto result = clusteragent::parseClusterAgent(c.object, po);
    const std::string who = "ClusterAgent " + objectName(c.object);
    if (!result.ok()) {
      // The SpecValid=False message, word for word.
      input.errors.push_back(c.where + ": " + who + ": " + result.errorSummary());
      continue;
    }
    for (const auto& w : result.warnings) {
      err << "warning: " << c.where << ": " << who << ": " << w.field << ": " << w.message << "\n";
    }
    rendered.push_back({objectName(c.object), clusteragent::renderObjects(result.spec)});
  }

  for (const auto& note : input.notes) err << "note: " << note << "\n";
  if (input.errors.empty() && rendered.empty()) {
    input.errors.push_back(std::string("no ClusterAgent (") + clusteragent::kApiVersion +
                           ") in the input");
  }
  if (!input.errors.empty()) {
    for (const auto& e : input.errors) err << "error: " << e << "\n";
    return 1;
  }
  if (flags.output == "json") {
    writeJson(rendered, out, err);
  } else {
    writeYaml(rendered, out);
  }
  return 0;
}

}  // namespace cmd
