#pragma once
// The agent Deployment `<name>-agent`, its pod template annotated with the
// credentials hash so a rotated Secret rolls the agent.
//
// Until the credentials are ready the Deployment is not applied: a new one is
// not created (its pod could only crash-loop on a missing mount), and an
// existing one is left exactly as it is — a Secret deleted by mistake does
// not take down an agent that is connected with the credentials it loaded at
// start. DeploymentAvailable keeps reporting the live Deployment either way.

#include "reconcilers/clusteragent/reconcile_context.h"

namespace clusteragent {

StepResult ensureDeployment(ReconcileContext& ctx);

}  // namespace clusteragent
