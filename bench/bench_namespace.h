#pragma once
// One subject's fresh namespace `bench-<random>` (pod-security restricted)
// with the default TLS Secrets, N token Secrets and N ClusterAgents
// agent-0..agent-N-1, created by the bench's own client before the subject
// starts; and its removal (finalizers dropped first: the subject may be gone;
// cluster-scoped children labelled with the namespace deleted too).

#include <memory>
#include <string>

#include "controller/kube/kube_client.h"

namespace bench {

// The admin client the bench itself uses (high client-side limits: setting
// up is not what is measured). Installs the ClusterAgent CRD once. nullptr
// (after a loud message) when it cannot.
std::shared_ptr<ctrl::kube::KubeClient> benchClient();

// Destroys that client while cpprestsdk's thread pool surely still runs.
// Left to static destruction (a function-local static, made before the
// pool's), its order against the pool's teardown is not ours to choose: a
// run at N=1000 aborted after printing everything, in exit, with "corrupted
// size vs. prev_size". Call it once the cluster part is over.
void releaseBenchClient();

std::string agentName(int i);

class BenchNamespace {
 public:
  BenchNamespace(std::shared_ptr<ctrl::kube::KubeClient> client, int count);
  ~BenchNamespace();  // cleanUp()
  BenchNamespace(const BenchNamespace&) = delete;
  BenchNamespace& operator=(const BenchNamespace&) = delete;

  // Creates the namespace and the objects; "" or what went wrong.
  std::string create();
  void cleanUp();

  const std::string& name() const { return ns_; }
  int count() const { return count_; }
  double createSeconds() const { return create_seconds_; }
  ctrl::kube::KubeClient& client() { return *client_; }
  const std::shared_ptr<ctrl::kube::KubeClient>& clientPtr() const { return client_; }

  // Deployments labelled app.kubernetes.io/managed-by=<managedBy>; -1 on error.
  int countDeployments(const std::string& managedBy);

 private:
  std::shared_ptr<ctrl::kube::KubeClient> client_;
  int count_;
  std::string ns_;
  bool created_ = false;
  double create_seconds_ = 0;
};

}  // namespace bench
