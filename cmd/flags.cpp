#include "cmd/flags.h"

#include <cstdlib>
#include <functional>
#include <map>

#include "cmd/duration_flag.h"

namespace cmd {
namespace {

using ctrl::kube::Code;
using ctrl::kube::Status;

Status bad(const std::string& msg) {
  return Status(Code::kInvalidArgument, msg);
}

bool parseBool(const std::string& v, bool* out) {
  if (v == "true" || v == "1") {
    *out = true;
    return true;
  }
  if (v == "false" || v == "0") {
    *out = false;
    return true;
  }
  return false;
}

// host:port or :port, port 0..65535.
bool validBindAddress(const std::string& v) {
  if (v == "0") return true;  // disabled
  auto colon = v.rfind(':');
  if (colon == std::string::npos) return false;
  std::string port = v.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  return std::atoi(port.c_str()) <= 65535;
}

std::vector<std::string> splitComma(const std::string& v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    if (end > start) out.push_back(v.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A namespace list flag: names (DNS-1123 labels) or "*", comma-separated,
// repeatable (appends).
Status appendNamespaces(const std::string& flag, const std::string& v,
                        std::vector<std::string>* out) {
  auto parts = splitComma(v);
  if (parts.empty()) return bad("--" + flag + " needs a namespace name (or *)");
  for (const auto& p : parts) {
    if (p != clusteragent::kAnyValue && !clusteragent::isDns1123Label(p)) {
      return bad("--" + flag + ": \"" + p + "\" is not a namespace name (or *)");
    }
  }
  out->insert(out->end(), parts.begin(), parts.end());
  return Status::ok();
}

// A CIDR list flag: comma-separated, repeatable (appends).
Status appendCidrs(const std::string& flag, const std::string& v, std::vector<std::string>* out) {
  auto parts = splitComma(v);
  if (parts.empty()) return bad("--" + flag + " needs a CIDR such as 10.96.0.0/12");
  for (const auto& p : parts) {
    auto cidr = clusteragent::prober::parseCidr(p);
    if (!cidr.isOk()) return bad("--" + flag + ": " + cidr.status().message());
  }
  out->insert(out->end(), parts.begin(), parts.end());
  return Status::ok();
}

}  // namespace

clusteragent::prober::AddressPolicy probeAddressPolicy(const Flags& flags) {
  clusteragent::prober::AddressPolicy p;
  for (const auto& c : flags.probeDenyCidrs)
    p.denyCidrs.push_back(*clusteragent::prober::parseCidr(c));
  for (const auto& c : flags.probeAllowCidrs) {
    p.allowCidrs.push_back(*clusteragent::prober::parseCidr(c));
  }
  return p;
}

clusteragent::TenantPolicy tenantPolicy(const Flags& flags) {
  clusteragent::TenantPolicy p;
  p.clusterWideNamespaces = flags.allowClusterWideNamespaces;
  p.extraRulesNamespaces = flags.allowExtraRulesNamespaces;
  p.podSchedulingNamespaces = flags.allowPodSchedulingNamespaces;
  p.imagePrefixes = flags.allowedImagePrefixes;
  p.operatorImage = flags.agentImage;
  return p;
}

ctrl::kube::StatusOr<Flags> parseFlags(const std::vector<std::string>& args, bool stderrIsTty) {
  Flags f;
  bool imagePrefixesGiven = false;
  using Setter = std::function<Status(const std::string&)>;
  const std::map<std::string, Setter> valued = {
      {"kubeconfig",
       [&](const std::string& v) {
         f.kubeconfig = v;
         return Status::ok();
       }},
      {"namespace",
       [&](const std::string& v) {
         auto parts = splitComma(v);
         if (parts.empty()) return bad("--namespace needs a namespace name");
         f.namespaces.insert(f.namespaces.end(), parts.begin(), parts.end());
         return Status::ok();
       }},
      {"agent-image",
       [&](const std::string& v) {
         if (v.empty()) return bad("--agent-image must not be empty");
         f.agentImage = v;
         return Status::ok();
       }},
      {"leader-election-namespace",
       [&](const std::string& v) {
         f.leaderElectionNamespace = v;
         return Status::ok();
       }},
      {"metrics-bind-address",
       [&](const std::string& v) {
         if (!validBindAddress(v))
           return bad("--metrics-bind-address: want host:port or :port, got \"" + v + "\"");
         f.metricsBindAddress = v;
         return Status::ok();
       }},
      {"health-probe-bind-address",
       [&](const std::string& v) {
         if (!validBindAddress(v))
           return bad("--health-probe-bind-address: want host:port or :port, got \"" + v + "\"");
         f.healthProbeBindAddress = v;
         return Status::ok();
       }},
      {"metrics-cert-dir",
       [&](const std::string& v) {
         f.metricsCertDir = v;
         return Status::ok();
       }},
      {"log-level",
       [&](const std::string& v) {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") {
           return bad("--log-level: want debug, info, warn or error, got \"" + v + "\"");
         }
         f.logLevel = v;
         return Status::ok();
       }},
      {"log-format",
       [&](const std::string& v) {
         if (v != "json" && v != "text")
           return bad("--log-format: want json or text, got \"" + v + "\"");
         f.logFormat = v;
         return Status::ok();
       }},
      {"max-concurrent-reconciles",
       [&](const std::string& v) {
         char* end = nullptr;
         long n = std::strtol(v.c_str(), &end, 10);
         if (v.empty() || *end != '\0' || n < 1 || n > 64) {
           return bad("--max-concurrent-reconciles: want an integer from 1 to 64, got \"" + v +
                      "\"");
         }
         f.maxConcurrentReconciles = static_cast<int>(n);
         return Status::ok();
       }},
      {"kube-api-qps",
       [&](const std::string& v) {
         char* end = nullptr;
         double q = std::strtod(v.c_str(), &end);
         if (v.empty() || *end != '\0' || !(q >= 0) || q > 100000) {
           return bad("--kube-api-qps: want a number from 0 (no limit) to 100000, got \"" + v +
                      "\"");
         }
         f.kubeApiQps = q;
         return Status::ok();
       }},
      {"kube-api-burst",
       [&](const std::string& v) {
         char* end = nullptr;
         long n = std::strtol(v.c_str(), &end, 10);
         if (v.empty() || *end != '\0' || n < 1 || n > 100000) {
           return bad("--kube-api-burst: want an integer from 1 to 100000, got \"" + v + "\"");
         }
         f.kubeApiBurst = static_cast<int>(n);
         return Status::ok();
       }},
      {"kube-api-throttling",
       [&](const std::string& v) {
         if (v != "apf" && v != "fixed") {
           return bad("--kube-api-throttling: want apf or fixed, got \"" + v + "\"");
         }
         f.kubeApiFollowApf = v == "apf";
         return Status::ok();
       }},
      {"probe-interval",
       [&](const std::string& v) {
         auto d = parseDurationFlag(v);
         if (!d) {
           return bad("--probe-interval: want a duration like 60s or 500ms, got \"" + v + "\"");
         }
         f.probeInterval = *d;
         return Status::ok();
       }},
      {"allow-cluster-wide-namespaces",
       [&](const std::string& v) {
         return appendNamespaces("allow-cluster-wide-namespaces", v, &f.allowClusterWideNamespaces);
       }},
      {"allow-extra-rules-namespaces",
       [&](const std::string& v) {
         return appendNamespaces("allow-extra-rules-namespaces", v, &f.allowExtraRulesNamespaces);
       }},
      {"allow-pod-scheduling-namespaces",
       [&](const std::string& v) {
         return appendNamespaces("allow-pod-scheduling-namespaces", v,
                                 &f.allowPodSchedulingNamespaces);
       }},
      {"allowed-image-prefixes",
       [&](const std::string& v) {
         // The first use replaces the default; "" leaves only --agent-image.
         if (!imagePrefixesGiven) f.allowedImagePrefixes.clear();
         imagePrefixesGiven = true;
         for (const auto& p : splitComma(v)) {
           for (char c : p) {
             if (c <= ' ' || c == 0x7f) {
               return bad("--allowed-image-prefixes: \"" + p +
                          "\" contains a space or control "
                          "character");
             }
           }
           f.allowedImagePrefixes.push_back(p);
         }
         return Status::ok();
       }},
      {"probe-deny-cidrs",
       [&](const std::string& v) { return appendCidrs("probe-deny-cidrs", v, &f.probeDenyCidrs); }},
      {"probe-allow-cidrs",
       [&](const std::string& v) {
         return appendCidrs("probe-allow-cidrs", v, &f.probeAllowCidrs);
       }},
      {"probe-timeout",
       [&](const std::string& v) {
         auto d = parseDurationFlag(v);
         if (!d) {
           return bad("--probe-timeout: want a duration like 5s or 500ms, got \"" + v + "\"");
         }
         f.probeTimeout = *d;
         return Status::ok();
       }},
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      f.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      return bad("unexpected argument \"" + arg + "\" (flags start with --; see --help)");
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    auto eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    // Boolean flags: bare means true; a value only with "=".
    bool* boolean = name == "leader-elect"     ? &f.leaderElect
                    : name == "probe"          ? &f.probe
                    : name == "metrics-secure" ? &f.metricsSecure
                                               : nullptr;
    if (boolean != nullptr) {
      if (value && !parseBool(*value, boolean)) {
        return bad("--" + name + ": want true or false, got \"" + *value + "\"");
      }
      if (!value) *boolean = true;
      continue;
    }
    auto it = valued.find(name);
    if (it == valued.end()) return bad("unknown flag --" + name + " (see --help)");
    if (!value) {
      if (i + 1 >= args.size()) return bad("flag --" + name + " needs a value");
      value = args[++i];
    }
    Status s = it->second(*value);
    if (!s.isOk()) return s;
  }
  if (f.logFormat.empty()) f.logFormat = stderrIsTty ? "text" : "json";
  return f;
}

std::string usage(const std::string& program) {
  return "Usage: " + program + R"( [flags]
       )" +
         program + R"( render -f FILE [-o yaml|json]   (see render --help)

Runs the ClusterAgent operator: turns each ClusterAgent (argoproj.io/v1alpha1)
into the argocd-agent's Deployment, credentials Secret, ServiceAccount, RBAC and
metrics Service, and keeps them as declared.

Flags:
  --kubeconfig PATH
        kubeconfig to connect with. Default: $KUBECONFIG, else the in-cluster
        ServiceAccount, else ~/.kube/config.
  --namespace NS
        watch ClusterAgents (and their children) only in NS. Repeatable, or
        comma-separated. Default: all namespaces.
  --agent-image IMAGE
        agent image for ClusterAgents that do not set spec.image.
        Default: )" +
         std::string(kDefaultAgentImage) + R"(
  --leader-elect[=true|false]
        elect a leader through a Lease so only one replica reconciles.
        Default: false.
  --leader-election-namespace NS
        namespace of the leader-election Lease. Default: the operator's own
        namespace (in-cluster), else the kubeconfig context's namespace.
  --metrics-bind-address ADDR
        host:port (or :port) serving Prometheus /metrics; 0 disables.
        Default: :8080.
  --metrics-secure[=true|false]
        serve /metrics over HTTPS, only to bearer tokens that a TokenReview
        accepts and a SubjectAccessReview allows get on /metrics (bind the
        metrics-reader ClusterRole). Needs an address of its own.
        Default: false (the shipped manifests set it, on :8443).
  --metrics-cert-dir DIR
        directory with tls.crt and tls.key for --metrics-secure, re-read when
        they change. Default: a self-signed certificate made at start.
  --health-probe-bind-address ADDR
        host:port (or :port) serving /healthz and /readyz; 0 disables.
        Default: :8081.
  --log-level LEVEL
        debug, info, warn or error. Default: info.
  --log-format FORMAT
        json (one object per line) or text. Default: json, or text when
        stderr is a terminal.
  --max-concurrent-reconciles N
        ClusterAgents reconciled in parallel, 1..64. Default: 2.
  --kube-api-qps QPS, --kube-api-burst N
        the API client's own rate limit (0: none). With
        --kube-api-throttling=apf it holds only until the API server shows
        it runs Priority and Fairness. Default: 20 and 30.
  --kube-api-throttling apf|fixed
        apf: once a response carries the API server's Priority and Fairness
        headers, no fixed limit; a 429 halves the rate the operator was
        sending and each second without one raises it by a quarter until no
        limit is needed. fixed: --kube-api-qps/--kube-api-burst always.
        Default: apf.
  --probe-interval DURATION
        how often the operator itself probes each ClusterAgent's serverAddr
        (DNS, TCP, TLS handshake) for the ServerReachable condition, e.g. 60s.
        Default: 60s.
  --probe-timeout DURATION
        bound on one whole probe: DNS, the connect attempts (at most 4
        addresses), the proxy's CONNECT and the TLS handshake. Default: 5s.
  --probe[=true|false]
        probe serverAddr at all. false: no probe runs, and ServerReachable is
        Unknown with reason ProbeDisabled. Default: true.
  --probe-deny-cidrs CIDR[,CIDR...]
        address ranges the probe refuses besides loopback, link-local
        (169.254.169.254 included) and unspecified addresses: set the
        cluster's Service and Pod CIDRs. Checked on resolved addresses, and
        on the proxy's. A refused target gets ServerReachable=Unknown, reason
        ProbeRefused. Repeatable or comma-separated. Default: none.
  --probe-allow-cidrs CIDR[,CIDR...]
        address ranges probed although a rule above refuses them, e.g. a
        principal or an in-cluster proxy at a Service address
        (10.96.12.34/32). Repeatable or comma-separated. Default: none.

Tenant isolation (docs/security.md). A ClusterAgent that asks for more than
these allow is refused (SpecValid=False, reason naming the rule) and gets
nothing applied. An argocdNamespace other than the ClusterAgent's own needs
the target Namespace's label )" +
         std::string(clusteragent::kAllowFromLabelPrefix) + R"(<source-namespace>=true.
  --allow-cluster-wide-namespaces NS
        namespaces whose ClusterAgents may set spec.rbac.clusterWide (create
        Namespaces, Applications in every namespace). Repeatable or
        comma-separated; * for every namespace. Default: none.
  --allow-extra-rules-namespaces NS
        namespaces whose ClusterAgents may set spec.rbac.extraRules.
        Repeatable or comma-separated; * for every namespace. Default: none.
  --allow-pod-scheduling-namespaces NS
        namespaces whose ClusterAgents may set spec.priorityClassName and
        spec.tolerations. Repeatable or comma-separated; * for every
        namespace. Default: none.
  --allowed-image-prefixes PREFIX[,PREFIX...]
        image prefixes spec.image may use; a prefix not ending in /, : or @
        must be followed by one of them (a repository, not a name prefix).
        The first use replaces the default, "" allows only --agent-image, *
        allows any image. --agent-image is always allowed.
        Default: )" +
         clusteragent::TenantPolicy::defaultImageRepository() + R"(
  -h, --help
        print this help and exit.

The render subcommand prints, without a cluster, the objects the operator
would apply for the ClusterAgents in FILE (pipe it to kubectl diff -f -).

Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 1 on a runtime
failure, 2 on bad flags.
)";
}

}  // namespace cmd
