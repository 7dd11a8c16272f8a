#pragma once
// Resolves, from the digested Secret cache alone, every credential a
// ClusterAgent's agent uses — token, CA bundle, client certificate (the
// referenced one, or upstream's default Secret in argocdNamespace), redis
// password, proxy URL — into
// "present and well-formed, with this digest" or a precise reason naming the
// Secret and key. The credentials hash over those digests goes on the pod
// template, so rotating any of them rolls the agent. The hash is
// credentials_hash.h's, fed with each value's SHA-256 instead of its bytes:
// the same property (changes exactly when a value changes) without values.

#include <string>
#include <vector>

#include "controller/cache/store.h"
#include "reconcilers/clusteragent/spec.h"
#include "reconcilers/clusteragent/status_evaluation.h"

namespace clusteragent {

struct CredentialSources {
  CredentialsAssessment assessment;  // ready + reason/message, hash when ready
  bool credsSecretNeeded = false;    // the owned creds Secret must exist (token or proxy)
  bool tokenNeeded = false;          // a creds Secret must carry a token
  bool tokenInline = false;          // from spec.authToken (no GET needed)
  std::string tokenSecretName;       // from spec.authTokenSecretRef
  std::string tokenSecretKey;
  std::string tokenDigest;      // sha256 of the token
  std::string proxySecretName;  // from spec.proxy.httpsProxySecretRef
  std::string proxySecretKey;
  std::string sourceHash;  // what the creds Secret content derives from
  // Non-empty: why REDIS_PASSWORD will be missing (RedisPasswordMissing warning).
  std::string redisPasswordWarning;
};

CredentialSources resolveCredentialSources(const ClusterAgentSpec& spec, const std::string& ns,
                                           const ctrl::cache::Store& secrets);

}  // namespace clusteragent
