// process-kubelet: a kubelet for tests that runs pods' containers as host
// processes. Usage in tests/kubelet/README.md.
#include <cstdlib>
#include <iostream>
#include <string>

#include "controller/kube/cpprest_kube_client.h"
#include "controller/logging/logger.h"
#include "controller/manager/signal_handler.h"
#include "tests/kubelet/process_kubelet.h"

namespace {

const char kUsage[] = R"(usage: process-kubelet --kubeconfig FILE --image IMAGE=BINARY [flags]

Registers a Node and runs the pods it can run (every image on the allow-list)
as host processes, in private mount namespaces (needs root).

  --kubeconfig FILE        API server and identity (else $KUBECONFIG, in-cluster, ~/.kube/config)
  --node-name NAME         the Node to register (default process-kubelet)
  --image IMAGE=BINARY     run IMAGE with BINARY as its entrypoint; IMAGE ending in '*' is a
                           prefix (repeatable; at least one)
  --namespace NS           only bind and run pods of NS (repeatable; default all)
  --state-dir DIR          pod volumes and termination logs (default .cache/kubelet/state)
  --log-dir DIR            container logs <ns>_<pod>_<container>.log (default .cache/kubelet)
  --log-level LEVEL        debug|info|warn|error (default info)
)";

bool takeValue(int argc, char** argv, int* i, const std::string& flag, std::string* out) {
  const std::string arg = argv[*i];
  if (arg == flag && *i + 1 < argc) {
    *out = argv[++*i];
    return true;
  }
  if (arg.rfind(flag + "=", 0) == 0) {
    *out = arg.substr(flag.size() + 1);
    return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  namespace log = ctrl::logging;
  processkubelet::ProcessKubeletOptions opts;
  opts.stateDir = ".cache/kubelet/state";
  opts.logDir = ".cache/kubelet";
  std::string kubeconfig, value, level = "info";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (takeValue(argc, argv, &i, "--kubeconfig", &kubeconfig)) {
    } else if (takeValue(argc, argv, &i, "--node-name", &opts.nodeName)) {
    } else if (takeValue(argc, argv, &i, "--namespace", &value)) {
      opts.namespaces.push_back(value);
    } else if (takeValue(argc, argv, &i, "--state-dir", &opts.stateDir)) {
    } else if (takeValue(argc, argv, &i, "--log-dir", &opts.logDir)) {
    } else if (takeValue(argc, argv, &i, "--log-level", &level)) {
    } else if (takeValue(argc, argv, &i, "--image", &value)) {
      if (auto s = opts.images.add(value); !s.isOk()) {
        std::cerr << s.message() << "\n";
        return 2;
      }
    } else {
      std::cerr << "unknown flag " << arg << "\n" << kUsage;
      return 2;
    }
  }
  if (opts.images.mappings().empty()) {
    std::cerr << "at least one --image IMAGE=BINARY is required\n" << kUsage;
    return 2;
  }
  log::Level lvl;
  if (!log::parseLevel(level, &lvl)) {
    std::cerr << "bad --log-level " << level << "\n";
    return 2;
  }
  log::configure(log::Format::kText, lvl);
  auto stop = ctrl::manager::setupSignalHandler();

  auto config =
      ctrl::kube::resolveClientConfig(ctrl::kube::configSourcesFromEnvironment(kubeconfig));
  if (!config.isOk()) {
    log::error("no usable kubeconfig", {{"error", config.status().toString()}});
    return 1;
  }
  opts.clientConfig = *config;
  ctrl::kube::KubeClientOptions clientOpts;
  clientOpts.userAgent = "process-kubelet";
  clientOpts.qps = 50;
  clientOpts.burst = 100;
  auto client = ctrl::kube::CpprestKubeClient::create(*config, clientOpts);
  if (!client.isOk()) {
    log::error("cannot create the API client", {{"error", client.status().toString()}});
    return 1;
  }
  processkubelet::ProcessKubelet kubelet(*client, std::move(opts));
  auto s = kubelet.run(*stop);
  if (!s.isOk()) {
    log::error("process-kubelet failed", {{"error", s.toString()}});
    return 1;
  }
  return 0;
}
