#include "cmd/render_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cmd/yaml_to_json.h"
#include "reconcilers/clusteragent/secret_digest.h"
#include "reconcilers/clusteragent/spec.h"
#include "tests/support/base64.h"
#include "tests/support/control_plane.h"

namespace cmd {
namespace {

using nlohmann::json;

const std::string kToken = "tok-SEED-SECRET-42";

// The manifest from the original write-up (docs/api.md), with a token that
// is easy to look for.
const std::string kSeed = R"(apiVersion: argoproj.io/v1alpha1
kind: ClusterAgent
metadata:
  name: aro-agent
  namespace: argocd
spec:
  serverAddr: https://argocd.yourdomain.com
  authToken: ")" + kToken +
                          R"("
  clusterName: aro-prod
)";

struct Rendering {
  int exitCode = -1;
  std::string out;
  std::string err;
};

Rendering render(const std::vector<std::string>& args, const std::string& stdinText = "") {
  std::istringstream in(stdinText);
  std::ostringstream out, err;
  Rendering r;
  r.exitCode = runRenderCommand(args, in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A file under the test's temporary directory, removed at destruction.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/render-command-test-XXXXXX";
    int fd = mkstemp(tmpl);
    path_ = tmpl;
    close(fd);
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<json> documents(const std::string& yaml) {
  auto docs = yamlDocumentsToJson(yaml);
  EXPECT_TRUE(docs.isOk()) << docs.status().message();
  std::vector<json> out;
  if (!docs.isOk()) return out;
  for (auto& d : *docs) {
    if (!d.is_null()) out.push_back(d);
  }
  return out;
}

std::vector<std::string> kindsAndNames(const std::vector<json>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) {
    std::string ns = o["metadata"].value("namespace", "");
    out.push_back(o.value("kind", "") + " " + (ns.empty() ? "" : ns + "/") +
                  o["metadata"].value("name", ""));
  }
  return out;
}

TEST(RenderCommandTest, SeedManifestRendersEveryChildInApplyOrder) {
  TempFile f(kSeed);
  Rendering r = render({"-f", f.path()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(
      kindsAndNames(documents(r.out)),
      (std::vector<std::string>{
          "ServiceAccount argocd/aro-agent-agent", "Role argocd/aro-agent-agent",
          "RoleBinding argocd/aro-agent-agent", "ClusterRole clusteragent:argocd:aro-agent",
          "ClusterRoleBinding clusteragent:argocd:aro-agent", "Secret argocd/aro-agent-agent-creds",
          "Deployment argocd/aro-agent-agent", "Service argocd/aro-agent-agent-metrics"}));
  // The inline token draws the same warning the InlineTokenInUse condition carries.
  EXPECT_NE(r.err.find("warning:"), std::string::npos) << r.err;
}

TEST(RenderCommandTest, DeploymentCarriesTheDefaultImageAndTheAgentSettings) {
  TempFile f(kSeed);
  Rendering r = render({"-f", f.path()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  json deployment = documents(r.out)[6];
  const json& c = deployment["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["image"], kDefaultAgentImage);
  EXPECT_EQ(c["args"], json({"agent"}));
  bool remote = false;
  for (const auto& e : c["env"]) {
    if (e["name"] == "ARGOCD_AGENT_REMOTE_SERVER") remote = e["value"] == "argocd.yourdomain.com";
    // kubectl rejects a number where an env value belongs: quoted in the YAML.
    if (e.contains("value")) {
      EXPECT_TRUE(e["value"].is_string()) << e.dump();
    }
  }
  EXPECT_TRUE(remote);
}

TEST(RenderCommandTest, NoCredentialValueAppearsAnywhere) {
  TempFile f(kSeed);
  for (const std::string format : {"yaml", "json"}) {
    Rendering r = render({"-f", f.path(), "-o", format});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const std::string& secretish :
         {kToken, testsupport::base64Encode("aro-prod:" + kToken),
          testsupport::base64Encode(kToken), clusteragent::sha256Hex(kToken)}) {
      EXPECT_EQ(r.out.find(secretish), std::string::npos) << format << ": " << secretish;
      EXPECT_EQ(r.err.find(secretish), std::string::npos) << format << ": " << secretish;
    }
  }
  Rendering r = render({"-f", f.path()});
  json secret = documents(r.out)[5];
  ASSERT_EQ(secret["kind"], "Secret");
  EXPECT_FALSE(secret.contains("data"));
  EXPECT_FALSE(secret.contains("stringData"));
  // ...and the output says so where the data would be.
  EXPECT_NE(r.out.find("# data.userpass.creds: left out (redacted)"), std::string::npos) << r.out;
}

TEST(RenderCommandTest, ValuesOnlyTheClusterKnowsAreLeftOutWithAComment) {
  TempFile f(kSeed);
  Rendering r = render({"-f", f.path()});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  json deployment = documents(r.out)[6];
  EXPECT_FALSE(deployment["spec"]["template"]["metadata"].contains("annotations"));
  EXPECT_NE(r.out.find("# spec.template.metadata.annotations[argoproj.io/credentials-hash]: "
                       "left out"),
            std::string::npos);
  // No uid in the input: no owner reference, and a comment saying why.
  EXPECT_FALSE(deployment["metadata"].contains("ownerReferences"));
  EXPECT_NE(r.out.find("# metadata.ownerReferences: left out"), std::string::npos);
}

TEST(RenderCommandTest, UidInTheInputGivesOwnerReferences) {
  std::string live = kSeed;
  live.replace(live.find("  namespace: argocd\n"), 0,
               "  uid: 1b2c3d4e-0000-4000-8000-000000000001\n");
  Rendering r = render({"-f", "-"}, live);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  json sa = documents(r.out)[0];
  ASSERT_EQ(sa["metadata"]["ownerReferences"].size(), 1u);
  EXPECT_EQ(sa["metadata"]["ownerReferences"][0]["uid"], "1b2c3d4e-0000-4000-8000-000000000001");
  EXPECT_EQ(r.out.find("ownerReferences: left out"), std::string::npos);
}

TEST(RenderCommandTest, SeveralDocumentsFilesAndStdin) {
  TempFile f(kSeed +
             "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: argocd}\n"
             "---\n" +
             R"(apiVersion: argoproj.io/v1alpha1
kind: ClusterAgent
metadata: {name: second, namespace: team-a}
spec: {serverAddr: "principal.example.com:8443", clusterName: second, auth: {method: mtls}}
)");
  const std::string fromStdin = R"(apiVersion: v1
kind: List
items:
- apiVersion: argoproj.io/v1alpha1
  kind: ClusterAgent
  metadata: {name: third, namespace: team-b}
  spec: {serverAddr: "https://p.example.com", clusterName: third, authTokenSecretRef: {name: t}}
)";
  Rendering r = render({"-f", f.path(), "-f", "-"}, fromStdin);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  auto names = kindsAndNames(documents(r.out));
  // 8 for the seed, 7 for mtls (no creds Secret), 8 for the List item.
  EXPECT_EQ(names.size(), 23u);
  EXPECT_EQ(std::count(names.begin(), names.end(), "Deployment team-a/second-agent"), 1);
  EXPECT_EQ(std::count(names.begin(), names.end(), "Secret team-a/second-agent-creds"), 0);
  EXPECT_EQ(std::count(names.begin(), names.end(), "Deployment team-b/third-agent"), 1);
  EXPECT_NE(r.err.find("note: " + f.path() + ", document 2: skipped v1 ConfigMap argocd/cm"),
            std::string::npos)
      << r.err;
}

TEST(RenderCommandTest, DirectoryAsKubectlReadsIt) {
  char tmpl[] = "/tmp/render-command-dir-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/a.yaml") << kSeed;
  std::ofstream(dir + "/notes.txt") << "not a manifest";
  Rendering r = render({"-f", dir});
  std::remove((dir + "/a.yaml").c_str());
  std::remove((dir + "/notes.txt").c_str());
  rmdir(dir.c_str());
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(documents(r.out).size(), 8u);
}

TEST(RenderCommandTest, JsonIsAV1ListOfTheSameObjects) {
  TempFile f(kSeed);
  Rendering yaml = render({"-f", f.path()});
  Rendering js = render({"-f", f.path(), "-o", "json"});
  ASSERT_EQ(js.exitCode, 0) << js.err;
  json list = json::parse(js.out);
  EXPECT_EQ(list["apiVersion"], "v1");
  EXPECT_EQ(list["kind"], "List");
  std::vector<json> items(list["items"].begin(), list["items"].end());
  EXPECT_EQ(items, documents(yaml.out));
  // JSON has no comments: what is left out is noted on stderr.
  EXPECT_NE(js.err.find("note: Secret argocd/aro-agent-agent-creds: data.userpass.creds: left out"),
            std::string::npos)
      << js.err;
}

TEST(RenderCommandTest, AgentImageFlagAsTheOperatorTakesIt) {
  TempFile f(kSeed);
  Rendering r = render({"-f", f.path(), "--agent-image", "registry.example.com/agent:v1"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(documents(r.out)[6]["spec"]["template"]["spec"]["containers"][0]["image"],
            "registry.example.com/agent:v1");
}

TEST(RenderCommandTest, NamespaceFlagFillsOnlyMissingNamespaces) {
  std::string noNs = kSeed;
  noNs.erase(noNs.find("  namespace: argocd\n"), std::string("  namespace: argocd\n").size());
  Rendering r = render({"-f", "-", "-n", "gitops"}, noNs);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(documents(r.out)[0]["metadata"]["namespace"], "gitops");
  Rendering without = render({"-f", "-"}, noNs);
  EXPECT_EQ(without.exitCode, 1);
  EXPECT_NE(without.err.find("metadata.namespace: Required value"), std::string::npos)
      << without.err;
}

TEST(RenderCommandTest, InvalidSpecFailsWithTheSpecValidMessage) {
  std::string bad = kSeed;
  bad.replace(bad.find("https://argocd.yourdomain.com"), 29, "ftp://argocd.yourdomain.com");
  bad.replace(bad.find("clusterName: aro-prod"), 21, "clusterName: Not_A_Label");
  Rendering r = render({"-f", "-"}, bad);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.out, "");
  // The exact text the operator would put in SpecValid=False.
  auto docs = yamlDocumentsToJson(bad);
  ASSERT_TRUE(docs.isOk());
  auto parsed = clusteragent::parseClusterAgent((*docs)[0]);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(r.err.find("ClusterAgent argocd/aro-agent: " + parsed.errorSummary()),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("spec.serverAddr"), std::string::npos);
  EXPECT_NE(r.err.find("spec.clusterName"), std::string::npos);
  EXPECT_EQ(r.err.find(kToken), std::string::npos);
}

TEST(RenderCommandTest, OneInvalidClusterAgentRendersNothing) {
  Rendering r =
      render({"-f", "-"}, kSeed +
                              "---\napiVersion: argoproj.io/v1alpha1\nkind: ClusterAgent\n"
                              "metadata: {name: b, namespace: argocd}\nspec: {}\n");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("<stdin>, document 2: ClusterAgent argocd/b: spec.serverAddr"),
            std::string::npos)
      << r.err;
}

TEST(RenderCommandTest, InputProblemsExitOne) {
  EXPECT_EQ(render({"-f", "/nonexistent/ca.yaml"}).exitCode, 1);
  Rendering notYaml = render({"-f", "-"}, "a: [unclosed\n");
  EXPECT_EQ(notYaml.exitCode, 1);
  EXPECT_NE(notYaml.err.find("<stdin>: not valid YAML"), std::string::npos) << notYaml.err;
  Rendering none = render({"-f", "-"}, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
  EXPECT_EQ(none.exitCode, 1);
  EXPECT_NE(none.err.find("no ClusterAgent"), std::string::npos) << none.err;
}

TEST(RenderCommandTest, UsageErrorsExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{{},
                                                                {"-o", "json"},
                                                                {"-f", "x", "-o", "xml"},
                                                                {"-f", "x", "--bogus"},
                                                                {"x.yaml"},
                                                                {"-f"},
                                                                {"-f", "-", "-f", "-"},
                                                                {"-f", "x", "--agent-image="}}) {
    Rendering r = render(args);
    EXPECT_EQ(r.exitCode, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  }
  Rendering help = render({"--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_NE(help.out.find("kubectl diff -f -"), std::string::npos);
}

TEST(RenderCommandTest, ShortFlagsTakeAttachedValues) {
  TempFile f(kSeed);
  Rendering r = render({"-f" + f.path(), "-ojson"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["kind"], "List");
}

// The binary dispatches `render` before the operator's own flags.
TEST(RenderCommandTest, BinaryRunsTheSubcommand) {
  auto ok = testsupport::runCommand({OPERATOR_BINARY, "render", "-f", "-"}, kSeed);
  EXPECT_EQ(ok.exitCode, 0) << ok.output;
  EXPECT_NE(ok.output.find("kind: Deployment"), std::string::npos);
  EXPECT_EQ(testsupport::runCommand({OPERATOR_BINARY, "render"}).exitCode, 2);
  EXPECT_EQ(
      testsupport::runCommand({OPERATOR_BINARY, "render", "-f", "-"}, "kind: Nothing\n").exitCode,
      1);
}

}  // namespace
}  // namespace cmd
