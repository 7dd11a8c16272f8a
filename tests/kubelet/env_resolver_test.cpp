#include "tests/kubelet/env_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "tests/kubelet/fake_object_source.h"

namespace processkubelet {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class EnvResolverTest : public ::testing::Test {
 protected:
  EnvResolverTest() {
    objects_.secrets[{"ns1", "creds"}] = {
        {"password", "s3cret"}, {"user", "bob"}, {"tmpl", "$(PW)"}};
    objects_.configMaps[{"ns1", "settings"}] = {{"level", "debug"}, {"1bad", "skipped"}};
    ctx_.pod = &pod_;
    ctx_.imageEnv = {{"PATH", "/usr/bin"}};
    ctx_.serviceEnv = kubernetesServiceEnv("127.0.0.1", "6443");
  }

  std::map<std::string, std::string> resolve(const json& container) {
    auto env = resolveEnv(container, ctx_, objects_);
    EXPECT_TRUE(env.isOk()) << env.status().toString();
    if (!env.isOk()) return {};
    return {env->begin(), env->end()};
  }

  json pod_ = {
      {"metadata",
       {{"name", "agent-1"}, {"namespace", "ns1"}, {"uid", "u-1"}, {"labels", {{"app", "agent"}}}}},
      {"spec", {{"serviceAccountName", "agent-sa"}, {"nodeName", "process-kubelet"}}}};
  FakeObjectSource objects_;
  EnvContext ctx_;
};

TEST_F(EnvResolverTest, PlainValuesWithExpansionAgainstEarlierVariables) {
  auto env = resolve(
      {{"env",
        {{{"name", "A"}, {"value", "one"}},
         {{"name", "B"}, {"value", "$(A)-two-$(LATER)"}},
         {{"name", "LATER"}, {"value", "x"}},
         {{"name", "API"}, {"value", "$(KUBERNETES_SERVICE_HOST):$(KUBERNETES_SERVICE_PORT)"}},
         {{"name", "ESC"}, {"value", "$$(A)"}}}}});
  EXPECT_EQ(env["A"], "one");
  EXPECT_EQ(env["B"], "one-two-$(LATER)");  // only what is defined before expands
  EXPECT_EQ(env["API"], "127.0.0.1:6443");
  EXPECT_EQ(env["ESC"], "$(A)");
  EXPECT_EQ(env["PATH"], "/usr/bin");
  EXPECT_EQ(env["KUBERNETES_SERVICE_HOST"], "127.0.0.1");
  EXPECT_EQ(env["KUBERNETES_PORT"], "tcp://127.0.0.1:6443");
}

TEST_F(EnvResolverTest, SecretAndConfigMapKeyRefs) {
  auto env = resolve(
      {{"env",
        {{{"name", "PW"},
          {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "password"}}}}}},
         {{"name", "LVL"},
          {"valueFrom", {{"configMapKeyRef", {{"name", "settings"}, {"key", "level"}}}}}},
         // A value read through valueFrom is taken literally: no expansion.
         {{"name", "LIT"}, {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "tmpl"}}}}}},
         {{"name", "REF"}, {"value", "$(PW)"}}}}});
  EXPECT_EQ(env["PW"], "s3cret");
  EXPECT_EQ(env["LVL"], "debug");
  EXPECT_EQ(env["LIT"], "$(PW)");
  EXPECT_EQ(env["REF"], "s3cret");
}

TEST_F(EnvResolverTest, OptionalRefsThatDoNotResolveLeaveTheVariableUnset) {
  auto env = resolve(
      {{"env",
        {{{"name", "NOSECRET"},
          {"valueFrom",
           {{"secretKeyRef", {{"name", "missing"}, {"key", "k"}, {"optional", true}}}}}},
         {{"name", "NOKEY"},
          {"valueFrom",
           {{"configMapKeyRef", {{"name", "settings"}, {"key", "nope"}, {"optional", true}}}}}},
         {{"name", "USE"}, {"value", "$(NOSECRET)"}}}}});
  EXPECT_EQ(env.count("NOSECRET"), 0u);
  EXPECT_EQ(env.count("NOKEY"), 0u);
  EXPECT_EQ(env["USE"], "$(NOSECRET)");
}

TEST_F(EnvResolverTest, RequiredRefsThatDoNotResolveFailLikeTheKubelet) {
  json missingSecret = {
      {"env",
       {{{"name", "X"}, {"valueFrom", {{"secretKeyRef", {{"name", "gone"}, {"key", "k"}}}}}}}}};
  auto r = resolveEnv(missingSecret, ctx_, objects_);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "secret \"gone\" not found");

  json missingKey = {
      {"env",
       {{{"name", "X"}, {"valueFrom", {{"secretKeyRef", {{"name", "creds"}, {"key", "nope"}}}}}}}}};
  r = resolveEnv(missingKey, ctx_, objects_);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "couldn't find key nope in Secret ns1/creds");

  json missingConfigMap = {{"envFrom", {{{"configMapRef", {{"name", "gone"}}}}}}};
  r = resolveEnv(missingConfigMap, ctx_, objects_);
  ASSERT_FALSE(r.isOk());
  EXPECT_THAT(r.status().message(), HasSubstr("configmap \"gone\" not found"));
}

TEST_F(EnvResolverTest, FieldRefs) {
  auto env = resolve(
      {{"env",
        {{{"name", "NAME"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
         {{"name", "NS"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.namespace"}}}}}},
         {{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}},
         {{"name", "SA"},
          {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.serviceAccountName"}}}}}},
         {{"name", "APP"},
          {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.labels['app']"}}}}}}}}});
  EXPECT_EQ(env["NAME"], "agent-1");
  EXPECT_EQ(env["NS"], "ns1");
  EXPECT_EQ(env["IP"], "127.0.0.1");
  EXPECT_EQ(env["SA"], "agent-sa");
  EXPECT_EQ(env["APP"], "agent");
}

TEST_F(EnvResolverTest, EnvFromWithPrefixThenEnvOverrides) {
  auto env = resolve({{"envFrom",
                       {{{"secretRef", {{"name", "creds"}}}, {"prefix", "DB_"}},
                        {{"configMapRef", {{"name", "settings"}}}},
                        {{"secretRef", {{"name", "absent"}, {"optional", true}}}}}},
                      {"env", {{{"name", "DB_user"}, {"value", "alice/$(level)"}}}}});
  EXPECT_EQ(env["DB_password"], "s3cret");
  EXPECT_EQ(env["DB_user"], "alice/debug");
  EXPECT_EQ(env["level"], "debug");
  EXPECT_EQ(env.count("1bad"), 0u);  // not a valid variable name: skipped
}

}  // namespace
}  // namespace processkubelet
