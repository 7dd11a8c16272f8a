#pragma once
// The operator's command line. Parsing is pure (argv in, Flags or an error
// out) so it is unit-tested; main() maps an error to exit code 2.

#include <chrono>
#include <string>
#include <vector>

#include "controller/kube/status.h"
#include "reconcilers/clusteragent/agent_image.h"
#include "reconcilers/clusteragent/prober/address_policy.h"
#include "reconcilers/clusteragent/tenant_policy.h"

namespace cmd {

inline constexpr const char* kDefaultAgentImage = clusteragent::kDefaultAgentImage;

struct Flags {
  std::string kubeconfig;               // "": $KUBECONFIG, in-cluster, ~/.kube/config
  std::vector<std::string> namespaces;  // empty: all namespaces
  std::string agentImage = kDefaultAgentImage;
  bool leaderElect = false;
  std::string leaderElectionNamespace;  // "": the operator's own namespace
  std::string metricsBindAddress = ":8080";
  std::string healthProbeBindAddress = ":8081";
  // /metrics over HTTPS with TokenReview + SubjectAccessReview authorisation
  // (controller-runtime's metrics-secure). Off in the binary so a local run
  // scrapes with curl; on in the shipped manifests.
  bool metricsSecure = false;
  std::string metricsCertDir;     // tls.crt, tls.key; "": self-signed at start
  std::string logLevel = "info";  // debug | info | warn | error
  std::string logFormat;          // json | text; "" until parsed: json, text on a tty
  int maxConcurrentReconciles = 2;
  // The API client's own limit: --kube-api-qps/--kube-api-burst hold until
  // a response shows the API server's Priority and Fairness, when
  // --kube-api-throttling=apf (default) hands pacing to the server's 429s;
  // fixed keeps them for good (controller-runtime's 20/30).
  double kubeApiQps = 20;
  int kubeApiBurst = 30;
  bool kubeApiFollowApf = true;
  std::chrono::milliseconds probeInterval{60000};  // ServerReachable probe of each serverAddr
  std::chrono::milliseconds probeTimeout{5000};    // the whole probe
  bool probe = true;                               // false: no ServerReachable probes
  // Address ranges the prober refuses on top of loopback, link-local and
  // unspecified (the cluster's Service and Pod CIDRs), and ranges it probes
  // regardless (prober/address_policy.h). Validated CIDRs or addresses.
  std::vector<std::string> probeDenyCidrs;
  std::vector<std::string> probeAllowCidrs;
  // Tenant isolation (reconcilers/clusteragent/tenant_policy.h): namespaces
  // whose ClusterAgents may use a risky field ("*": every namespace), and
  // the image prefixes spec.image may use. Defaults: nothing risky, images
  // from the upstream agent repository only.
  std::vector<std::string> allowClusterWideNamespaces;
  std::vector<std::string> allowExtraRulesNamespaces;
  std::vector<std::string> allowPodSchedulingNamespaces;
  std::vector<std::string> allowedImagePrefixes = {
      clusteragent::TenantPolicy::defaultImageRepository()};
  bool help = false;
};

// args excludes argv[0]. stderrIsTty picks the default log format.
ctrl::kube::StatusOr<Flags> parseFlags(const std::vector<std::string>& args, bool stderrIsTty);

// The tenant policy the flags describe (--agent-image always allowed).
clusteragent::TenantPolicy tenantPolicy(const Flags& flags);

// The prober's address rules the flags describe.
clusteragent::prober::AddressPolicy probeAddressPolicy(const Flags& flags);

// The --help text: every flag, its default, what it does.
std::string usage(const std::string& program);

}  // namespace cmd
