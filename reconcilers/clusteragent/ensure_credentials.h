#pragma once
// Resolves the credentials (token, CA, client certificate, proxy URL) from the
// digested Secret cache into CredentialsReady and the credentials hash, and
// keeps the owned `<name>-agent-creds` Secret holding the token in the
// agent's format and the proxy URL of proxy.httpsProxySecretRef.
//
// A missing or malformed Secret is a condition (CredentialsReady=False naming
// the Secret and key), not an error: the Secret informer wakes this
// ClusterAgent when it appears, so there is no retry loop.
//
// The values (token, proxy URL) are read only when the creds Secret must be
// (re)written: the creds Secret records the digest of its source (annotation
// argoproj.io/credentials-source) and of its own data
// (argoproj.io/data-digest); while both still match, nothing is fetched and
// nothing is written.

#include "reconcilers/clusteragent/build_credentials_secret.h"
#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

// The annotations kCredsSourceAnnotation and kCredsDataAnnotation are in
// build_credentials_secret.h, beside the Secret they describe.

StepResult ensureCredentials(ReconcileContext& ctx);

}  // namespace clusteragent
