#pragma once
// A kubeconfig that reaches the test control plane as a ServiceAccount, the
// identity the shipped manifests bind the operator's ClusterRole to: running
// the operator binary under it tests that binding as well as the role.

#include <string>

namespace testsupport {

// Writes to `path` (mode 0600) the admin kubeconfig's cluster with a bearer
// token for ServiceAccount ns/serviceAccount. False, with a test failure that
// never shows the token, when it cannot.
bool writeServiceAccountKubeconfig(const std::string& ns, const std::string& serviceAccount,
                                   const std::string& path);

}  // namespace testsupport
