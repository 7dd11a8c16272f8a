// clusteragent-operator: flags → client → manager (caches, leader-gated
// controller, health/metrics server) → run until SIGTERM/SIGINT.
// `clusteragent-operator render ...` instead prints, offline, what the
// operator would apply (cmd/render_command.h).

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cmd/flags.h"
#include "cmd/render_command.h"
#include "controller/kube/cpprest_kube_client.h"
#include "controller/kube/http_thread_pool.h"
#include "controller/kube/kubeconfig.h"
#include "controller/logging/logger.h"
#include "controller/manager/event_recorder_impl.h"
#include "controller/manager/manager.h"
#include "controller/manager/metrics.h"
#include "controller/manager/signal_handler.h"
#include "reconcilers/clusteragent/setup.h"

int main(int argc, char** argv) {
  const std::string program = argc > 0 ? argv[0] : "clusteragent-operator";
  if (argc > 1 && std::string(argv[1]) == "render") {
    return cmd::runRenderCommand(std::vector<std::string>(argv + 2, argv + argc), std::cin,
                                 std::cout, std::cerr, program);
  }
  auto parsed = cmd::parseFlags(std::vector<std::string>(argv + 1, argv + argc), isatty(2) != 0);
  if (!parsed.isOk()) {
    std::cerr << "error: " << parsed.status().message() << "\n";
    return 2;
  }
  const cmd::Flags& flags = *parsed;
  if (flags.help) {
    std::cout << cmd::usage(program);
    return 0;
  }

  ctrl::logging::Level level = ctrl::logging::Level::kInfo;
  ctrl::logging::Format format = ctrl::logging::Format::kJson;
  ctrl::logging::parseLevel(flags.logLevel, &level);
  ctrl::logging::parseFormat(flags.logFormat, &format);
  ctrl::logging::configure(format, level);

  // Before any other thread: signals go to the handler thread only.
  auto stop = ctrl::manager::setupSignalHandler();
  // Before anything starts the pool (controller/kube/http_thread_pool.h), and
  // after the signal mask its threads inherit.
  if (auto pool = ctrl::kube::configureHttpThreadPool(); !pool.isOk()) {
    ctrl::logging::error("cannot size the HTTP thread pool", {{"error", pool.toString()}});
    return 1;
  }

  auto config =
      ctrl::kube::resolveClientConfig(ctrl::kube::configSourcesFromEnvironment(flags.kubeconfig));
  if (!config.isOk()) {
    ctrl::logging::error("cannot load client configuration",
                         {{"error", config.status().toString()}});
    return 1;
  }
  auto& requests = ctrl::manager::Registry::global().counter(
      "clusteragent_operator_api_requests_total",
      "Requests to the API server by verb and HTTP code (0: no response).");
  ctrl::kube::KubeClientOptions clientOptions;
  clientOptions.qps = flags.kubeApiQps;
  clientOptions.burst = flags.kubeApiBurst;
  clientOptions.followApf = flags.kubeApiFollowApf;
  auto& rateLimit = ctrl::manager::Registry::global().gauge(
      "clusteragent_operator_api_client_rate_limit",
      "The API client's own limit in requests/s; 0: none (the API server's Priority and "
      "Fairness paces it).");
  rateLimit.set(flags.kubeApiQps);
  clientOptions.onRateLimitChange = [&rateLimit](double qps) { rateLimit.set(qps); };
  clientOptions.onRequest = [&requests](const std::string& verb, int code) {
    requests.inc({{"verb", verb}, {"code", std::to_string(code)}});
  };
  auto client = ctrl::kube::CpprestKubeClient::create(*config, clientOptions);
  if (!client.isOk()) {
    ctrl::logging::error("cannot create API client", {{"error", client.status().toString()}});
    return 1;
  }
  ctrl::kube::KubeClientPtr kube = *client;

  // Leader election's own client: its own rate limit, one attempt per request
  // and a timeout well inside the renew deadline (client-go does the same).
  ctrl::manager::ManagerOptions mo;
  ctrl::kube::KubeClientOptions leaseOptions;
  leaseOptions.userAgent = clientOptions.userAgent + "/leader-election";
  leaseOptions.qps = 5;
  leaseOptions.burst = 10;
  leaseOptions.followApf = false;  // one request per retry period
  leaseOptions.maxRetries = 0;
  leaseOptions.requestTimeout =
      std::chrono::duration_cast<std::chrono::seconds>(mo.leaderElectionConfig.renewDeadline / 2);
  leaseOptions.onRequest = clientOptions.onRequest;
  auto leaseClient = ctrl::kube::CpprestKubeClient::create(*config, leaseOptions);
  if (!leaseClient.isOk()) {
    ctrl::logging::error("cannot create API client", {{"error", leaseClient.status().toString()}});
    return 1;
  }

  std::string leaseNamespace = flags.leaderElectionNamespace;
  if (leaseNamespace.empty()) leaseNamespace = config->defaultNamespace;
  if (leaseNamespace.empty()) leaseNamespace = "default";

  ctrl::logging::info("starting clusteragent-operator",
                      {{"source", config->source},
                       {"namespaces", flags.namespaces.empty() ? nlohmann::json("all")
                                                               : nlohmann::json(flags.namespaces)},
                       {"agentImage", flags.agentImage},
                       {"leaderElect", flags.leaderElect},
                       {"leaderElectionNamespace", leaseNamespace},
                       {"maxConcurrentReconciles", flags.maxConcurrentReconciles},
                       {"kubeApiQps", flags.kubeApiQps},
                       {"kubeApiThrottling", flags.kubeApiFollowApf ? "apf" : "fixed"},
                       {"allowClusterWideNamespaces", flags.allowClusterWideNamespaces},
                       {"allowExtraRulesNamespaces", flags.allowExtraRulesNamespaces},
                       {"allowPodSchedulingNamespaces", flags.allowPodSchedulingNamespaces},
                       {"allowedImagePrefixes", flags.allowedImagePrefixes},
                       {"probe", flags.probe},
                       {"probeDenyCidrs", flags.probeDenyCidrs},
                       {"probeAllowCidrs", flags.probeAllowCidrs}});

  mo.metricsBindAddress = flags.metricsBindAddress;
  mo.healthProbeBindAddress = flags.healthProbeBindAddress;
  mo.metricsSecure = flags.metricsSecure;
  mo.metricsCertDir = flags.metricsCertDir;
  mo.leaderElection = flags.leaderElect;
  mo.leaderElectionNamespace = leaseNamespace;
  mo.client = kube;
  mo.leaseClient = *leaseClient;
  ctrl::manager::Manager manager(mo);
  // Everything that writes for the leader writes through the fence.
  ctrl::kube::KubeClientPtr writer = manager.fencedClient();
  ctrl::manager::KubeEventRecorder recorder(writer);

  clusteragent::OperatorOptions oo;
  oo.namespaces = flags.namespaces;
  oo.agentImage = flags.agentImage;
  oo.tenantPolicy = cmd::tenantPolicy(flags);
  oo.maxConcurrentReconciles = flags.maxConcurrentReconciles;
  oo.connection.probeInterval = flags.probeInterval;
  oo.connection.probeTimeout = flags.probeTimeout;
  oo.connection.probeEnabled = flags.probe;
  oo.probeAddresses = cmd::probeAddressPolicy(flags);
  clusteragent::ClusterAgentOperator op(writer, &recorder, oo);
  op.registerWith(manager);

  int rc = manager.run(*stop);
  ctrl::logging::info("clusteragent-operator stopped", {{"exitCode", rc}});
  if (manager.abandonedThreads()) {
    // Threads still run (detached): static destructors would pull objects
    // from under them. The Lease is already released, so just end.
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  return rc;
}
