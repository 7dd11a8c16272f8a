#pragma once
// The part of the kubelet's HTTPS server that `kubectl logs` reaches: the API
// server serves pods/log by calling GET /containerLogs/<ns>/<pod>/<container>
// on the node's address and daemonEndpoints.kubeletEndpoint.Port. Only the
// logs of this kubelet's containers (files in logDir) are served. The test
// control plane's API server is given no kubelet CA, so it does not verify
// this server's self-signed certificate, and sends no client certificate.

#include <memory>
#include <string>

#include "controller/kube/status.h"

namespace processkubelet {

class LogServer {
 public:
  explicit LogServer(std::string logDir);
  ~LogServer();  // stop()
  LogServer(const LogServer&) = delete;
  LogServer& operator=(const LogServer&) = delete;

  // Listens on 127.0.0.1 on a free port.
  ctrl::kube::Status start();
  void stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string log_dir_;
  int port_ = 0;
};

}  // namespace processkubelet
