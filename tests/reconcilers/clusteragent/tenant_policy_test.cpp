#include "reconcilers/clusteragent/tenant_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/builders/cluster_agent_builder.h"

namespace clusteragent {
namespace {

using namespace testbuilders;
using ::testing::HasSubstr;

// A parsed ClusterAgent in namespace "team-a" with the operator's default image.
template <typename... Options>
ClusterAgentSpec spec(Options&&... options) {
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withNamespace("team-a"), std::forward<Options>(options)...));
  EXPECT_TRUE(r.ok()) << r.errorSummary();
  return r.spec;
}

json namespaceWithLabels(const std::string& name, json labels) {
  return {{"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}}};
}

TEST(TenantPolicy, DefaultsAllowTheSeedManifest) {
  EXPECT_TRUE(checkTenantPolicy(spec(), TenantPolicy{}, nullptr).empty());
}

TEST(TenantPolicy, AllowFromLabelNamesTheSourceNamespace) {
  EXPECT_EQ(allowFromLabel("team-a"), "clusteragent.argoproj.io/allow-from-team-a");
  // The label's name part ("allow-from-<ns>") is at most 63 characters.
  EXPECT_EQ(allowFromLabel(std::string(52, 'n')).size(),
            std::string("clusteragent.argoproj.io/allow-from-").size() + 52);
  EXPECT_EQ(allowFromLabel(std::string(53, 'n')), "");
  EXPECT_EQ(allowFromLabel(""), "");
}

TEST(TenantPolicy, OtherArgocdNamespaceNeedsTheTargetsOptInLabel) {
  auto s = spec(withArgocdNamespace("kube-system"));
  auto v = checkTenantPolicy(s, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "spec.argocdNamespace");
  EXPECT_EQ(v[0].reason, "ArgocdNamespaceNotAllowed");
  EXPECT_THAT(v[0].message, HasSubstr("does not exist or is not readable"));
  EXPECT_THAT(v[0].message, HasSubstr("kubectl label namespace kube-system "
                                      "clusteragent.argoproj.io/allow-from-team-a=true"));

  json unlabelled = namespaceWithLabels("kube-system", {{"other", "true"}});
  v = checkTenantPolicy(s, TenantPolicy{}, &unlabelled);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("has not opted in"));

  // Another source namespace's opt-in, or a value other than "true", is not enough.
  json otherSource =
      namespaceWithLabels("kube-system", {{"clusteragent.argoproj.io/allow-from-team", "true"}});
  EXPECT_EQ(checkTenantPolicy(s, TenantPolicy{}, &otherSource).size(), 1u);
  json notTrue =
      namespaceWithLabels("kube-system", {{"clusteragent.argoproj.io/allow-from-team-a", "yes"}});
  EXPECT_EQ(checkTenantPolicy(s, TenantPolicy{}, &notTrue).size(), 1u);

  json optedIn =
      namespaceWithLabels("kube-system", {{"clusteragent.argoproj.io/allow-from-team-a", "true"}});
  EXPECT_TRUE(checkTenantPolicy(s, TenantPolicy{}, &optedIn).empty());
}

// With --namespace, the operator neither sees nor (usually) may write
// outside its namespaces: a target there is refused, however opted in.
TEST(TenantPolicy, ArgocdNamespaceMustBeWatchedWhenTheOperatorIsScoped) {
  TenantPolicy p;
  p.watchedNamespaces = {"team-a", "gitops"};
  EXPECT_TRUE(checkTenantPolicy(spec(), p, nullptr).empty());
  const json optedIn = namespaceWithLabels("elsewhere", {{allowFromLabel("team-a"), "true"}});
  auto v = checkTenantPolicy(spec(withArgocdNamespace("elsewhere")), p, &optedIn);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "spec.argocdNamespace");
  EXPECT_EQ(v[0].reason, kReasonArgocdNamespaceNotWatched);
  EXPECT_THAT(v[0].message, HasSubstr("\"elsewhere\" is outside the namespaces this operator "
                                      "watches (team-a, gitops)"));
  EXPECT_THAT(v[0].message, HasSubstr("--namespace"));
  const json gitops = namespaceWithLabels("gitops", {{allowFromLabel("team-a"), "true"}});
  EXPECT_TRUE(checkTenantPolicy(spec(withArgocdNamespace("gitops")), p, &gitops).empty());
  // Unscoped (the default): every namespace is watched.
  p.watchedNamespaces.clear();
  EXPECT_TRUE(checkTenantPolicy(spec(withArgocdNamespace("elsewhere")), p, &optedIn).empty());
}

TEST(TenantPolicy, OwnNamespaceNeedsNoOptIn) {
  EXPECT_TRUE(
      checkTenantPolicy(spec(withArgocdNamespace("team-a")), TenantPolicy{}, nullptr).empty());
}

TEST(TenantPolicy, TooLongSourceNamespaceCannotOptIn) {
  std::string longNs(60, 'n');
  ParseResult r = parseClusterAgent(
      makeClusterAgent("a", withNamespace(longNs), withArgocdNamespace("target")));
  ASSERT_TRUE(r.ok()) << r.errorSummary();
  auto v = checkTenantPolicy(r.spec, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("too long"));
}

TEST(TenantPolicy, ClusterWideOnlyFromListedNamespaces) {
  auto s = spec(withSpecField("rbac", {{"clusterWide", true}}));
  auto v = checkTenantPolicy(s, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "spec.rbac.clusterWide");
  EXPECT_EQ(v[0].reason, "ClusterWideNotAllowed");
  EXPECT_THAT(v[0].message, HasSubstr("--allow-cluster-wide-namespaces"));

  TenantPolicy p;
  p.clusterWideNamespaces = {"other", "team-a"};
  EXPECT_TRUE(checkTenantPolicy(s, p, nullptr).empty());
  p.clusterWideNamespaces = {"*"};
  EXPECT_TRUE(checkTenantPolicy(s, p, nullptr).empty());
  p.clusterWideNamespaces = {"team"};
  EXPECT_EQ(checkTenantPolicy(s, p, nullptr).size(), 1u);
}

TEST(TenantPolicy, ExtraRulesOnlyFromListedNamespaces) {
  auto s = spec(withSpecField(
      "rbac",
      {{"extraRules",
        json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}})}}));
  auto v = checkTenantPolicy(s, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "spec.rbac.extraRules");
  EXPECT_EQ(v[0].reason, "ExtraRulesNotAllowed");
  EXPECT_THAT(v[0].message, HasSubstr("--allow-extra-rules-namespaces"));
  TenantPolicy p;
  p.extraRulesNamespaces = {"team-a"};
  EXPECT_TRUE(checkTenantPolicy(s, p, nullptr).empty());
}

TEST(TenantPolicy, ImageOnlyFromAllowedPrefixesOrTheOperatorsOwn) {
  EXPECT_TRUE(
      checkTenantPolicy(spec(withSpecField("image", "quay.io/argoprojlabs/argocd-agent:v0.8.0")),
                        TenantPolicy{}, nullptr)
          .empty());
  EXPECT_TRUE(
      checkTenantPolicy(spec(withSpecField("image", "quay.io/argoprojlabs/argocd-agent@sha256:ab")),
                        TenantPolicy{}, nullptr)
          .empty());
  auto v = checkTenantPolicy(spec(withSpecField("image", "evil.example.com/agent:latest")),
                             TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "spec.image");
  EXPECT_EQ(v[0].reason, "ImageNotAllowed");
  EXPECT_THAT(v[0].message, HasSubstr("--allowed-image-prefixes"));
  EXPECT_THAT(v[0].message, HasSubstr("quay.io/argoprojlabs/argocd-agent"));
  // A name that merely starts like the allowed repository is another repository.
  EXPECT_EQ(
      checkTenantPolicy(spec(withSpecField("image", "quay.io/argoprojlabs/argocd-agent-evil:v1")),
                        TenantPolicy{}, nullptr)
          .size(),
      1u);

  TenantPolicy p;
  p.imagePrefixes = {};
  p.operatorImage = "mirror.example.com/agent:v1";
  EXPECT_TRUE(
      checkTenantPolicy(spec(withSpecField("image", "mirror.example.com/agent:v1")), p, nullptr)
          .empty());
  EXPECT_EQ(
      checkTenantPolicy(spec(withSpecField("image", "mirror.example.com/agent:v2")), p, nullptr)
          .size(),
      1u);
  p.imagePrefixes = {"*"};
  EXPECT_TRUE(checkTenantPolicy(spec(withSpecField("image", "anything:1")), p, nullptr).empty());
}

TEST(TenantPolicy, ImagePrefixMatchesAtARepositoryBoundary) {
  EXPECT_TRUE(imageMatchesPrefix("r.io/a/agent:v1", "r.io/a/agent"));
  EXPECT_TRUE(imageMatchesPrefix("r.io/a/agent", "r.io/a/agent"));
  EXPECT_TRUE(imageMatchesPrefix("r.io/a/agent/sub:v1", "r.io/a/agent"));
  EXPECT_FALSE(imageMatchesPrefix("r.io/a/agentx:v1", "r.io/a/agent"));
  EXPECT_TRUE(imageMatchesPrefix("r.io/a/anything:v1", "r.io/a/"));
  EXPECT_FALSE(imageMatchesPrefix("r.io/a/", "r.io/a/"));
  // A prefix with a tag pins that tag (and its digests), not "v1.2".
  EXPECT_TRUE(imageMatchesPrefix("r.io/a/agent:v1", "r.io/a/agent:v1"));
  EXPECT_FALSE(imageMatchesPrefix("r.io/a/agent:v1.2", "r.io/a/agent:v1"));
  EXPECT_FALSE(imageMatchesPrefix("r.io/b/agent:v1", "r.io/a/"));
  EXPECT_FALSE(imageMatchesPrefix("anything", ""));
}

TEST(TenantPolicy, DefaultImageRepositoryIsTheUpstreamAgents) {
  EXPECT_EQ(TenantPolicy::defaultImageRepository(), "quay.io/argoprojlabs/argocd-agent");
}

TEST(TenantPolicy, PriorityClassAndTolerationsOnlyFromListedNamespaces) {
  auto s = spec(withSpecField("priorityClassName", "system-cluster-critical"),
                withSpecField("tolerations", json::array({{{"operator", "Exists"}}})));
  auto v = checkTenantPolicy(s, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "spec.priorityClassName");
  EXPECT_EQ(v[1].field, "spec.tolerations");
  EXPECT_EQ(v[0].reason, "PodSchedulingNotAllowed");
  EXPECT_THAT(v[1].message, HasSubstr("--allow-pod-scheduling-namespaces"));
  TenantPolicy p;
  p.podSchedulingNamespaces = {"team-a"};
  EXPECT_TRUE(checkTenantPolicy(s, p, nullptr).empty());
}

TEST(TenantPolicy, EveryViolationIsReportedAndTheReasonNamesTheRule) {
  auto s = spec(withArgocdNamespace("kube-system"), withSpecField("rbac", {{"clusterWide", true}}),
                withSpecField("image", "evil.example.com/x:1"));
  auto v = checkTenantPolicy(s, TenantPolicy{}, nullptr);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(violationReason(v), "TenantPolicyViolation");
  EXPECT_EQ(violationReason({v[1]}), "ClusterWideNotAllowed");
  std::string summary = violationSummary(v);
  EXPECT_THAT(summary, HasSubstr("spec.argocdNamespace: "));
  EXPECT_THAT(summary, HasSubstr("; spec.rbac.clusterWide: "));
  EXPECT_THAT(summary, HasSubstr("; spec.image: "));
}

TEST(TenantPolicy, UnrestrictedAllowsEverything) {
  auto s = spec(
      withArgocdNamespace("kube-system"),
      withSpecField(
          "rbac",
          {{"clusterWide", true},
           {"extraRules",
            json::array({{{"apiGroups", {""}}, {"resources", {"pods"}}, {"verbs", {"get"}}}})}}),
      withSpecField("image", "evil.example.com/x:1"), withSpecField("priorityClassName", "p"));
  EXPECT_TRUE(checkTenantPolicy(s, TenantPolicy::unrestricted(), nullptr).empty());
}

}  // namespace
}  // namespace clusteragent
