#include "reconcilers/clusteragent/ensure_service_account.h"

#include "reconcilers/clusteragent/build_service_account.h"

namespace clusteragent {

StepResult ensureServiceAccount(ReconcileContext& ctx) {
  DesiredObject desired = buildServiceAccount(ctx.spec);
  auto r = ctx.apply(desired, ctx.cachedFor(ctx.caches.serviceAccounts, desired));
  return r.isOk() ? StepResult::next() : StepResult::fail(r.status());
}

}  // namespace clusteragent
