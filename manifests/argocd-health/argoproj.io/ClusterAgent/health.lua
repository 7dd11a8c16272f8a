-- Argo CD health of an argoproj.io/ClusterAgent (clusteragent-operator).
-- Healthy only while the agent is connected to the principal (Connected=True)
-- and the status describes the current spec. Runs in Argo CD's sandbox
-- without open libraries: base and table only, no string library.
local hs = {}

local function conditionsByType(status)
  local byType = {}
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type ~= nil then
        byType[c.type] = c
      end
    end
  end
  return byType
end

-- "Reason: message" of a condition, the operator's own words.
local function describe(c)
  local message = c.message or ""
  if c.reason ~= nil and c.reason ~= "" then
    if message == "" then
      return c.reason
    end
    return c.reason .. ": " .. message
  end
  return message
end

local function result(status, message)
  hs.status = status
  hs.message = message
  return hs
end

if obj.status == nil or obj.status.conditions == nil then
  return result("Progressing", "Waiting for the operator to report the ClusterAgent's status")
end

-- A status written for an older spec says nothing about the current one.
local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and observed ~= nil and observed < generation then
  return result("Progressing", "Waiting for the operator to observe generation " ..
    tostring(generation) .. " (status is for generation " .. tostring(observed) .. ")")
end

local c = conditionsByType(obj.status)

-- Someone has to act: the spec, a Secret, or the agent's pod.
if c.SpecValid ~= nil and c.SpecValid.status == "False" then
  return result("Degraded", describe(c.SpecValid))
end
if c.CredentialsReady ~= nil and c.CredentialsReady.status == "False" then
  return result("Degraded", describe(c.CredentialsReady))
end

local connected = c.Connected
if connected ~= nil and connected.status == "True" then
  return result("Healthy", describe(connected))
end

if connected ~= nil and connected.status == "False" then
  local reason = connected.reason
  if reason == "Paused" then
    -- spec.replicas: 0 stops the agent on purpose.
    return result("Suspended", describe(connected))
  end
  if reason == "ImagePullBackOff" or reason == "CrashLoopBackOff" or reason == "Unschedulable" or
      reason == "AgentNotConnected" or reason == "VersionMismatch" or
      reason == "CertificateUntrusted" or reason == "CertificateExpired" or
      reason == "AuthenticationFailed" then
    return result("Degraded", describe(connected))
  end
  -- NoAgentPods, ContainerCreating: the rollout is still under way.
  if c.DeploymentAvailable ~= nil and c.DeploymentAvailable.status ~= "True" then
    return result("Progressing", describe(c.DeploymentAvailable))
  end
  return result("Progressing", describe(connected))
end

-- Connected is Unknown or not assessed yet.
if c.DeploymentAvailable ~= nil and c.DeploymentAvailable.status ~= "True" then
  return result("Progressing", describe(c.DeploymentAvailable))
end
if connected ~= nil then
  return result("Progressing", describe(connected))
end
return result("Progressing", "Waiting for the agent to connect")
