#include "reconcilers/clusteragent/render_objects.h"

#include "reconcilers/clusteragent/build_cluster_role.h"
#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/build_metrics_service.h"
#include "reconcilers/clusteragent/build_role.h"
#include "reconcilers/clusteragent/build_service_account.h"
#include "reconcilers/clusteragent/object_meta.h"

namespace clusteragent {
namespace {

RenderedObject withoutUnknownOwner(const ClusterAgentSpec& spec, DesiredObject d) {
  RenderedObject r{std::move(d), {}};
  // As the one write path sends it (ctrl::apply::applyIfChanged).
  r.desired.object["apiVersion"] = r.desired.resource.apiVersion();
  r.desired.object["kind"] = r.desired.resource.kind;
  if (r.desired.ownerReferenced && spec.meta.uid.empty()) {
    r.desired.object["metadata"].erase("ownerReferences");
    r.notes.push_back(
        "metadata.ownerReferences: left out: the controller reference to ClusterAgent " +
        spec.meta.ns + "/" + spec.meta.name +
        " needs its metadata.uid, which the input does not carry (render the live object, "
        "`kubectl get clusteragent " +
        spec.meta.name + " -n " + spec.meta.ns + " -o yaml`, to include it)");
  }
  return r;
}

RenderedObject credentialsSecret(const ClusterAgentSpec& spec) {
  // The builder's own output with the token-derived fields dropped by the
  // same function the reconciler compares with: no value can slip through.
  DesiredObject d = buildCredentialsSecret(spec, CredentialValues{});
  d.object = withoutTokenDerivedFields(std::move(d.object));
  RenderedObject r = withoutUnknownOwner(spec, std::move(d));
  auto secretKey = [&](const SecretKeyRef& ref) {
    return "Secret " + spec.meta.ns + "/" + ref.name + " key \"" + ref.key + "\"";
  };
  if (spec.needsToken()) {
    std::string source = "spec.authToken";
    if (!spec.authToken) {
      source = spec.authTokenSecretRef ? secretKey(*spec.authTokenSecretRef)
                                       : "nowhere yet: no token is set, and the operator reports "
                                         "CredentialsReady=False (TokenMissing) until one is";
    }
    r.notes.push_back(std::string("data.") + kUserpassCredsKey +
                      ": left out (redacted): the agent's credentials file, \"" + spec.clusterName +
                      ":<token>\" with the token from " + source);
  }
  if (spec.proxy.httpsProxySecretRef) {
    r.notes.push_back(std::string("data.") + kHttpsProxyCredsKey +
                      ": left out (redacted): the agent's HTTPS_PROXY URL, copied from " +
                      secretKey(*spec.proxy.httpsProxySecretRef));
  }
  r.notes.push_back(std::string("metadata.annotations[") + kCredsSourceAnnotation + ", " +
                    kCredsDataAnnotation +
                    "]: left out: digests of the token and of the data, set in the cluster");
  return r;
}

RenderedObject deployment(const ClusterAgentSpec& spec) {
  // No hash: the builder then leaves the annotation out (build_deployment.h).
  RenderedObject r = withoutUnknownOwner(spec, buildDeployment(spec, DeploymentInputs{}));
  r.notes.push_back(
      std::string("spec.template.metadata.annotations[") + kCredentialsHashAnnotation +
      "]: left out: a SHA-256 over the contents of every Secret the agent uses "
      "(token, CA, client certificate, redis password, proxy URL), which the operator reads "
      "from the cluster; a change of it rolls the agent");
  r.notes.push_back(
      "applied only while CredentialsReady is True (every Secret it needs is present and "
      "well-formed); until then an existing Deployment is left as it is");
  return r;
}

}  // namespace

std::vector<RenderedObject> renderObjects(const ClusterAgentSpec& spec) {
  std::vector<RenderedObject> out;
  out.push_back(withoutUnknownOwner(spec, buildServiceAccount(spec)));
  out.push_back(withoutUnknownOwner(spec, buildRole(spec)));
  out.push_back(withoutUnknownOwner(spec, buildRoleBinding(spec)));
  out.push_back(withoutUnknownOwner(spec, buildClusterRole(spec)));
  out.push_back(withoutUnknownOwner(spec, buildClusterRoleBinding(spec)));
  if (spec.needsCredentialsSecret()) out.push_back(credentialsSecret(spec));
  out.push_back(deployment(spec));
  out.push_back(withoutUnknownOwner(spec, buildMetricsService(spec)));
  return out;
}

}  // namespace clusteragent
