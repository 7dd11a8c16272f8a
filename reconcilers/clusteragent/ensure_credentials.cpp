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

// The creds Secret as we would write it, with the token given.
json desiredCredsSecret(ReconcileContext& ctx, const std::string& token,
                        const std::string& source) {
  json desired = buildCredentialsSecret(ctx.spec, token).object;
  json& ann = desired["metadata"]["annotations"];
  if (!ann.is_object()) ann = json::object();
  ann[kCredsSourceAnnotation] = source;
  ann[kCredsDataAnnotation] = dataDigestOf(digestSecret(desired));
  return desired;
}

ctrl::kube::StatusOr<std::string> fetchToken(ReconcileContext& ctx) {
  const CredentialSources& c = ctx.credentials;
  if (c.tokenInline) return *ctx.spec.authToken;
  auto secret = ctx.client.get(res::kSecrets, ctx.ns, c.tokenSecretName);
  if (!secret.isOk()) return secret.status();
  const json& data = secret->value("data", json::object());
  auto it = data.find(c.tokenSecretKey);
  if (it == data.end() || !it->is_string()) {
    return Status(Code::kNotFound, "Secret " + ctx.ns + "/" + c.tokenSecretName + " has no key \"" +
                                       c.tokenSecretKey + "\"");
  }
  auto decoded = ctrl::kube::base64Decode(it->get<std::string>());
  if (!decoded) {
    return Status(Code::kInvalidArgument, "Secret " + ctx.ns + "/" + c.tokenSecretName + " key \"" +
                                              c.tokenSecretKey + "\" is not valid base64");
  }
  return *decoded;
}

}  // namespace

StepResult ensureCredentials(ReconcileContext& ctx) {
  static const ctrl::cache::Store kEmpty;
  ctx.credentials =
      resolveCredentialSources(ctx.spec, ctx.ns, ctx.caches.secrets ? *ctx.caches.secrets : kEmpty);
  ctx.status.credentials = ctx.credentials.assessment;
  ctx.status.redisPasswordWarning = ctx.credentials.redisPasswordWarning;
  const std::string credsName = credentialsSecretName(ctx.spec.meta);

  if (!ctx.credentials.tokenNeeded) {
    // mtls: no token to carry; remove a creds Secret left from another method.
    Status s = deleteOwned(ctx, ctx.caches.secrets, res::kSecrets, [&](const json& obj) {
      return obj.value("/metadata/name"_json_pointer, std::string()) != credsName;
    });
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
        withoutTokenDerivedFields(desiredCredsSecret(ctx, "", source)), *live);
    if (sourceCurrent && dataIntact && metaCurrent) {
      if (ctx.options.onApply) ctx.options.onApply("Secret", ctrl::apply::ApplyOutcome::kUnchanged);
      return StepResult::next();
    }
  }

  auto token = fetchToken(ctx);
  if (!token.isOk()) return StepResult::fail(token.status());
  json desired = desiredCredsSecret(ctx, *token, source);
  ctrl::apply::ApplyOptions opts;
  opts.comparable = [](const json& d) { return digestSecret(d); };
  auto applied = ctx.apply(res::kSecrets, desired, live, opts);
  if (!applied.isOk()) return StepResult::fail(applied.status());
  return StepResult::next();
}

}  // namespace clusteragent
