#pragma once
// Where the client connects and who it is: loaded from a kubeconfig file or
// from the in-cluster ServiceAccount mount, in client-go's precedence order.
// Errors name the file and the problem, never a token or key.

#include <optional>
#include <string>

#include "controller/kube/status.h"

namespace ctrl::kube {

struct ClientConfig {
  std::string server;  // https://host:port
  std::string caData;  // PEM; "" means the system trust store
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;   // overrides SNI / verified name when set
  std::string clientCertData;  // PEM
  std::string clientKeyData;   // PEM
  std::string bearerToken;
  std::string tokenFile;         // re-read periodically (rotated SA tokens)
  std::string defaultNamespace;  // context namespace or the in-cluster namespace file
  std::string source;            // "kubeconfig /path (context x)" or "in-cluster": for logs
};

// Parses kubeconfig YAML text. baseDir resolves relative file references;
// sourceName names the file in errors. An empty context selects current-context.
StatusOr<ClientConfig> parseKubeconfig(const std::string& yamlText, const std::string& baseDir,
                                       const std::string& context, const std::string& sourceName);
StatusOr<ClientConfig> loadKubeconfigFile(const std::string& path, const std::string& context = "");

// The ServiceAccount mount; overridable for tests.
struct InClusterPaths {
  std::string tokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string caFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::string namespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

StatusOr<ClientConfig> loadInClusterConfig(const std::string& serviceHost,
                                           const std::string& servicePort,
                                           const InClusterPaths& paths = {});

// The inputs of the precedence rule, captured from flags and the environment.
struct ConfigSources {
  std::string explicitPath;                  // --kubeconfig
  std::string context;                       // --context
  std::optional<std::string> kubeconfigEnv;  // $KUBECONFIG
  std::optional<std::string> serviceHost;    // $KUBERNETES_SERVICE_HOST
  std::optional<std::string> servicePort;    // $KUBERNETES_SERVICE_PORT
  std::string home;                          // $HOME
  InClusterPaths inClusterPaths;
};

ConfigSources configSourcesFromEnvironment(const std::string& explicitPath,
                                           const std::string& context = "");

// --kubeconfig, then the first existing file in $KUBECONFIG, then in-cluster,
// then ~/.kube/config.
StatusOr<ClientConfig> resolveClientConfig(const ConfigSources& sources);

}  // namespace ctrl::kube
