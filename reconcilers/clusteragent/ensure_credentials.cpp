#include "reconcilers/clusteragent/ensure_credentials.h"

#include "controller/apply/owned_fields.h"
#include "controller/kube/base64.h"
#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/finalize_deletion.h"
#include "reconcilers/clusteragent/ownership.h"
#include "reconcilers/clusteragent/secret_digest.h"

namespace clusteragent {
namespace {

namespace res = ctrl::kube::resources;
using ctrl::kube::Code;
using ctrl::kube::Status;

std::string dataDigestOf(const json& digested) {
  return sha256Hex(digested.value(kDataDigestField, json::object()).dump());
}

// The creds Secret as we would write it, with the values given.
json desiredCredsSecret(ReconcileContext& ctx, const CredentialValues& values,
                        const std::string& source) {
  json desired = buildCredentialsSecret(ctx.spec, values).object;
  json& ann = desired["metadata"]["annotations"];
  if (!ann.is_object()) ann = json::object();
  ann[kCredsSourceAnnotation] = source;
  ann[kCredsDataAnnotation] = dataDigestOf(digestSecret(desired));
  return desired;
}

// One key of a Secret in the ClusterAgent's namespace, decoded. Errors name
// the Secret and key, never the value.
ctrl::kube::StatusOr<std::string> fetchSecretValue(ReconcileContext& ctx, const std::string& name,
                                                   const std::string& key) {
  auto secret = ctx.client.get(res::kSecrets, ctx.ns, name);
  if (!secret.isOk()) return secret.status();
  const json& data = secret->value("data", json::object());
  auto it = data.find(key);
  if (it == data.end() || !it->is_string()) {
    return Status(Code::kNotFound, "Secret " + ctx.ns + "/" + name + " has no key \"" + key + "\"");
  }
  auto decoded = ctrl::kube::base64Decode(it->get<std::string>());
  if (!decoded) {
    return Status(Code::kInvalidArgument,
                  "Secret " + ctx.ns + "/" + name + " key \"" + key + "\" is not valid base64");
  }
  return *decoded;
}

ctrl::kube::StatusOr<CredentialValues> fetchValues(ReconcileContext& ctx) {
  const CredentialSources& c = ctx.credentials;
  CredentialValues values;
  if (c.tokenInline) {
    values.token = *ctx.spec.authToken;
  } else if (c.tokenNeeded) {
    auto token = fetchSecretValue(ctx, c.tokenSecretName, c.tokenSecretKey);
    if (!token.isOk()) return token.status();
    values.token = std::move(*token);
  }
  if (!c.proxySecretName.empty()) {
    auto proxy = fetchSecretValue(ctx, c.proxySecretName, c.proxySecretKey);
    if (!proxy.isOk()) return proxy.status();
    values.httpsProxy = std::move(*proxy);
  }
  return values;
}

}  // namespace

StepResult ensureCredentials(ReconcileContext& ctx) {
  static const ctrl::cache::Store kEmpty;
  ctx.credentials =
      resolveCredentialSources(ctx.spec, ctx.ns, ctx.caches.secrets ? *ctx.caches.secrets : kEmpty);
  ctx.status.credentials = ctx.credentials.assessment;
  ctx.status.redisPasswordWarning = ctx.credentials.redisPasswordWarning;
  const std::string credsName = credentialsSecretName(ctx.spec.meta);

  if (!ctx.credentials.credsSecretNeeded) {
    // mtls without a proxy Secret: nothing to carry; remove a creds Secret
    // left from another method.
    const std::string credsKey = ctrl::cache::objectKey(ctx.ns, credsName);
    Status s = deleteOwned(ctx, ctx.caches.secrets, res::kSecrets,
                           [&](const std::string& key) { return key != credsKey; });
    return s.isOk() ? StepResult::next() : StepResult::fail(s);
  }
  if (!ctx.credentials.assessment.ready) return StepResult::next();

  const std::string& source = ctx.credentials.sourceHash;
  const json* live = ctx.cached(ctx.caches.secrets, ctx.ns, credsName);
  if (live != nullptr) {
    const json& ann = live->value("/metadata/annotations"_json_pointer, json::object());
    bool sourceCurrent = ann.value(kCredsSourceAnnotation, "") == source;
    bool dataIntact = ann.value(kCredsDataAnnotation, "") == dataDigestOf(*live);
    // The token does not change metadata: a placeholder builds the same
    // (the source annotation is compared just above).
    bool metaCurrent = ctrl::apply::ownedFieldsMatch(
        withoutTokenDerivedFields(desiredCredsSecret(ctx, CredentialValues{}, source)), *live);
    if (sourceCurrent && dataIntact && metaCurrent) {
      if (ctx.options.onApply) ctx.options.onApply("Secret", ctrl::apply::ApplyOutcome::kUnchanged);
      return StepResult::next();
    }
  }

  auto values = fetchValues(ctx);
  if (!values.isOk()) return StepResult::fail(values.status());
  json desired = desiredCredsSecret(ctx, *values, source);
  ctrl::apply::ApplyOptions opts;
  opts.comparable = [](const json& d) { return digestSecret(d); };
  auto applied = ctx.apply(res::kSecrets, desired, live, opts);
  if (!applied.isOk()) return StepResult::fail(applied.status());
  return StepResult::next();
}

}  // namespace clusteragent
