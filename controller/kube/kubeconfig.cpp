#include "controller/kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "controller/kube/base64.h"
#include "controller/kube/token_source.h"

namespace ctrl::kube {
namespace {

bool fileExists(const std::string& path) {
  std::ifstream in(path);
  return static_cast<bool>(in);
}

StatusOr<std::string> readFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, "cannot read " + what + " file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string dirName(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string resolvePath(const std::string& baseDir, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return baseDir + "/" + p;
}

std::string scalar(const YAML::Node& node, const char* key) {
  YAML::Node v = node[key];
  if (!v || !v.IsScalar()) return "";
  return v.as<std::string>();
}

// Finds the entry named `name` in a kubeconfig list (clusters/contexts/users)
// and returns its body (entry[bodyKey]).
std::optional<YAML::Node> findNamed(const YAML::Node& list, const std::string& name,
                                    const char* bodyKey) {
  if (!list || !list.IsSequence()) return std::nullopt;
  for (const auto& entry : list) {
    if (entry.IsMap() && scalar(entry, "name") == name) {
      YAML::Node body = entry[bodyKey];
      if (!body || !body.IsMap()) return YAML::Node(YAML::NodeType::Map);
      return body;
    }
  }
  return std::nullopt;
}

// Reads `<key>-data` (base64) or `<key>` (a file path relative to the kubeconfig).
Status inlineOrFile(const YAML::Node& node, const std::string& key, const std::string& baseDir,
                    const std::string& where, std::string* out) {
  std::string data = scalar(node, (key + "-data").c_str());
  if (!data.empty()) {
    auto decoded = base64Decode(data);
    if (!decoded) {
      return Status(Code::kInvalidArgument, where + ": " + key + "-data is not valid base64");
    }
    *out = std::move(*decoded);
    return Status::ok();
  }
  std::string file = scalar(node, key.c_str());
  if (file.empty()) return Status::ok();
  auto content = readFile(resolvePath(baseDir, file), key);
  if (!content.isOk()) {
    return Status(Code::kInvalidArgument, where + ": " + content.status().message());
  }
  *out = std::move(content).value();
  return Status::ok();
}

}  // namespace

StatusOr<ClientConfig> parseKubeconfig(const std::string& yamlText, const std::string& baseDir,
                                       const std::string& context, const std::string& sourceName) {
  const std::string where = "kubeconfig " + sourceName;
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::Exception& e) {
    // e.what() carries the parser's line/column, not file content.
    return Status(Code::kInvalidArgument, where + " is not valid YAML: " + e.msg + " at line " +
                                              std::to_string(e.mark.line + 1));
  }
  if (!root.IsMap()) return Status(Code::kInvalidArgument, where + " is not a YAML mapping");

  try {
    std::string contextName = context.empty() ? scalar(root, "current-context") : context;
    if (contextName.empty()) {
      return Status(Code::kInvalidArgument, where + " has no current-context and none was given");
    }
    auto ctxEntry = findNamed(root["contexts"], contextName, "context");
    if (!ctxEntry) {
      return Status(Code::kInvalidArgument, where + ": context \"" + contextName + "\" not found");
    }
    const YAML::Node& ctx = *ctxEntry;
    std::string clusterName = scalar(ctx, "cluster");
    std::string userName = scalar(ctx, "user");
    auto clusterEntry = findNamed(root["clusters"], clusterName, "cluster");
    if (!clusterEntry) {
      return Status(Code::kInvalidArgument, where + ": cluster \"" + clusterName +
                                                "\" of context \"" + contextName + "\" not found");
    }

    const YAML::Node& cluster = *clusterEntry;
    ClientConfig cfg;
    cfg.source = where + " (context " + contextName + ")";
    cfg.defaultNamespace = scalar(ctx, "namespace");
    cfg.server = scalar(cluster, "server");
    if (cfg.server.empty()) {
      return Status(Code::kInvalidArgument,
                    where + ": cluster \"" + clusterName + "\" has no server");
    }
    cfg.tlsServerName = scalar(cluster, "tls-server-name");
    std::string insecure = scalar(cluster, "insecure-skip-tls-verify");
    cfg.insecureSkipTlsVerify = insecure == "true";
    const std::string clusterWhere = where + " cluster \"" + clusterName + "\"";
    if (Status s =
            inlineOrFile(cluster, "certificate-authority", baseDir, clusterWhere, &cfg.caData);
        !s.isOk()) {
      return s;
    }

    if (!userName.empty()) {
      auto userEntry = findNamed(root["users"], userName, "user");
      if (!userEntry) {
        return Status(Code::kInvalidArgument, where + ": user \"" + userName + "\" of context \"" +
                                                  contextName + "\" not found");
      }
      const YAML::Node& user = *userEntry;
      const std::string userWhere = where + " user \"" + userName + "\"";
      if (Status s =
              inlineOrFile(user, "client-certificate", baseDir, userWhere, &cfg.clientCertData);
          !s.isOk()) {
        return s;
      }
      if (Status s = inlineOrFile(user, "client-key", baseDir, userWhere, &cfg.clientKeyData);
          !s.isOk()) {
        return s;
      }
      if (cfg.clientCertData.empty() != cfg.clientKeyData.empty()) {
        return Status(Code::kInvalidArgument,
                      userWhere + ": client certificate and client key must be given together");
      }
      cfg.bearerToken = scalar(user, "token");
      std::string tokenFile = scalar(user, "tokenFile");
      if (!tokenFile.empty()) {
        cfg.tokenFile = resolvePath(baseDir, tokenFile);
        if (cfg.bearerToken.empty()) {
          auto t = readTokenFile(cfg.tokenFile);
          if (!t.isOk()) {
            return Status(Code::kInvalidArgument, userWhere + ": " + t.status().message());
          }
        }
      }
      bool hasCredentials =
          !cfg.clientCertData.empty() || !cfg.bearerToken.empty() || !cfg.tokenFile.empty();
      if (!hasCredentials && (user["exec"] || user["auth-provider"])) {
        return Status(Code::kInvalidArgument,
                      userWhere +
                          ": exec and auth-provider credential plugins are not supported; "
                          "use a token, tokenFile or client certificate");
      }
    }
    return cfg;
  } catch (const YAML::Exception& e) {
    return Status(Code::kInvalidArgument, where + " has an unexpected shape: " + e.msg);
  }
}

StatusOr<ClientConfig> loadKubeconfigFile(const std::string& path, const std::string& context) {
  auto text = readFile(path, "kubeconfig");
  if (!text.isOk()) return text.status();
  return parseKubeconfig(text.value(), dirName(path), context, path);
}

StatusOr<ClientConfig> loadInClusterConfig(const std::string& serviceHost,
                                           const std::string& servicePort,
                                           const InClusterPaths& paths) {
  if (serviceHost.empty() || servicePort.empty()) {
    return Status(Code::kInvalidArgument,
                  "not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set");
  }
  ClientConfig cfg;
  cfg.source = "in-cluster";
  // IPv6 service addresses need brackets in a URL.
  std::string host =
      serviceHost.find(':') != std::string::npos ? "[" + serviceHost + "]" : serviceHost;
  cfg.server = "https://" + host + ":" + servicePort;
  auto token = readTokenFile(paths.tokenFile);
  if (!token.isOk()) {
    return Status(Code::kInvalidArgument, "in-cluster config: " + token.status().message());
  }
  cfg.bearerToken = std::move(token).value();
  cfg.tokenFile = paths.tokenFile;
  auto ca = readFile(paths.caFile, "CA");
  if (!ca.isOk()) {
    return Status(Code::kInvalidArgument, "in-cluster config: " + ca.status().message());
  }
  cfg.caData = std::move(ca).value();
  auto ns = readTokenFile(paths.namespaceFile);  // same trimming rules as a token
  if (ns.isOk()) cfg.defaultNamespace = ns.value();
  return cfg;
}

ConfigSources configSourcesFromEnvironment(const std::string& explicitPath,
                                           const std::string& context) {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  ConfigSources s;
  s.explicitPath = explicitPath;
  s.context = context;
  s.kubeconfigEnv = env("KUBECONFIG");
  s.serviceHost = env("KUBERNETES_SERVICE_HOST");
  s.servicePort = env("KUBERNETES_SERVICE_PORT");
  s.home = env("HOME").value_or("");
  return s;
}

StatusOr<ClientConfig> resolveClientConfig(const ConfigSources& sources) {
  if (!sources.explicitPath.empty()) {
    return loadKubeconfigFile(sources.explicitPath, sources.context);
  }
  if (sources.kubeconfigEnv && !sources.kubeconfigEnv->empty()) {
    std::stringstream list(*sources.kubeconfigEnv);
    std::string entry;
    while (std::getline(list, entry, ':')) {
      if (!entry.empty() && fileExists(entry)) return loadKubeconfigFile(entry, sources.context);
    }
  }
  if (sources.serviceHost && !sources.serviceHost->empty() && sources.servicePort &&
      !sources.servicePort->empty()) {
    return loadInClusterConfig(*sources.serviceHost, *sources.servicePort, sources.inClusterPaths);
  }
  if (!sources.home.empty()) {
    std::string home = sources.home + "/.kube/config";
    if (fileExists(home)) return loadKubeconfigFile(home, sources.context);
  }
  return Status(Code::kInvalidArgument,
                "no Kubernetes client configuration: pass --kubeconfig, set KUBECONFIG, run in a "
                "cluster or create ~/.kube/config");
}

}  // namespace ctrl::kube
