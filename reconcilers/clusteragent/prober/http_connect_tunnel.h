#pragma once
// Opens a tunnel to host:port through an HTTP proxy (RFC 9110 CONNECT) on an
// already connected socket, so the TLS handshake that follows reaches the
// server the way the agent's traffic does (HTTPS_PROXY). The target name is
// resolved by the proxy, as it is for the agent.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "reconcilers/clusteragent/prober/proxy_route.h"
#include "reconcilers/clusteragent/prober/tcp_connect.h"

namespace clusteragent::prober {

// nullopt when the proxy answered 2xx; the socket then carries the tunnel.
// Reads exactly the response header, nothing of what follows.
std::optional<ProbeFailure> openConnectTunnel(int fd, const ProxyEndpoint& proxy,
                                              const std::string& host, uint16_t port,
                                              std::chrono::steady_clock::time_point deadline);

}  // namespace clusteragent::prober
