#pragma once
// Per-ClusterAgent connection gauges, labelled {namespace, name, cluster}:
//   clusteragent_connected                                   0/1
//   clusteragent_server_reachable                            0/1
//   clusteragent_server_certificate_expiry_timestamp_seconds notAfter, Unix seconds
// A series exists only while its value is known, and every series of a
// ClusterAgent goes when it is deleted (or its cluster label changes), so
// alerts never fire on objects that are gone.

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "controller/manager/metrics.h"

namespace clusteragent {

inline constexpr const char* kConnectedMetric = "clusteragent_connected";
inline constexpr const char* kServerReachableMetric = "clusteragent_server_reachable";
inline constexpr const char* kCertificateExpiryMetric =
    "clusteragent_server_certificate_expiry_timestamp_seconds";

struct ConnectionSample {
  std::string ns;
  std::string name;
  std::string cluster;                  // spec.clusterName
  std::optional<bool> connected;        // nullopt: not assessed
  std::optional<bool> serverReachable;  // nullopt: not probed yet
  std::optional<std::chrono::system_clock::time_point> certificateNotAfter;
};

class ConnectionMetrics {
 public:
  explicit ConnectionMetrics(ctrl::manager::Registry& registry = ctrl::manager::Registry::global());

  void record(const ConnectionSample& sample);
  // Removes every series of ClusterAgent ns/name.
  void forget(const std::string& ns, const std::string& name);

 private:
  void removeLocked(const std::string& key);

  ctrl::manager::Gauge& connected_;
  ctrl::manager::Gauge& reachable_;
  ctrl::manager::Gauge& expiry_;
  std::mutex mu_;
  std::map<std::string, ctrl::manager::Labels> labels_;  // "ns/name" → the labels in use
};

}  // namespace clusteragent
