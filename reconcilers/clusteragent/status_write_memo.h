#pragma once
// The status this operator last wrote to each ClusterAgent, with the
// resourceVersion that write produced, kept until the informer cache has
// caught up with it.
//
// Why: a status write is followed within milliseconds by reconciles that
// children's watch events trigger, and those read the ClusterAgent from a
// cache that may not have seen the write yet. Compared with that stale status
// the same change looks new again: a second, identical /status write and every
// condition-flip Event emitted twice. client-go's MutationCache answers the
// same race the same way. Entries are dropped as soon as the cache catches up,
// so the memo holds only writes in flight.

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

namespace clusteragent {

class StatusWriteMemo {
 public:
  // The status to compare the next one with: what we last wrote when `cached`
  // (the ClusterAgent as the informer has it) predates that write, else the
  // cached status. `resourceVersion`, when given, receives the version that
  // status belongs to: the precondition for writing the next one.
  nlohmann::json basis(const std::string& key, const nlohmann::json& cached,
                       std::string* resourceVersion = nullptr);

  // After a successful /status write: `written` landed as `resourceVersion`.
  void record(const std::string& key, const std::string& resourceVersion, nlohmann::json written);

  void forget(const std::string& key);
  size_t size() const;

 private:
  struct Write {
    std::string resourceVersion;
    nlohmann::json status;
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, Write> writes_;
};

// Whether resourceVersion `a` is older than `b`. resourceVersions are opaque by
// API convention, but kube-apiserver's are etcd revisions (decimal integers)
// and client-go compares them so too; anything else counts as not older, which
// falls back to trusting the cache.
bool resourceVersionOlder(const std::string& a, const std::string& b);

}  // namespace clusteragent
