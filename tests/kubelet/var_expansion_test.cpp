#include "tests/kubelet/var_expansion.h"

#include <gtest/gtest.h>

namespace processkubelet {
namespace {

std::string expand(const std::string& in) {
  static const std::map<std::string, std::string> vars = {
      {"VAR_A", "A"}, {"VAR_B", "B"}, {"EMPTY", ""}};
  return expandVars(in, lookupIn({&vars}));
}

// Cases from k8s.io/kubernetes third_party/forked/golang/expansion/expand_test.go.
TEST(VarExpansionTest, ReplacesDefinedVariables) {
  EXPECT_EQ(expand("$(VAR_A)"), "A");
  EXPECT_EQ(expand("___$(VAR_B)___"), "___B___");
  EXPECT_EQ(expand("$(VAR_A)-$(VAR_B)"), "A-B");
  EXPECT_EQ(expand("x$(EMPTY)y"), "xy");
}

TEST(VarExpansionTest, KeepsUndefinedReferencesVerbatim) {
  EXPECT_EQ(expand("$(UNKNOWN)"), "$(UNKNOWN)");
  EXPECT_EQ(expand("$(VAR_A)$(UNKNOWN)"), "A$(UNKNOWN)");
}

TEST(VarExpansionTest, DoubleDollarEscapes) {
  EXPECT_EQ(expand("$$(VAR_A)"), "$(VAR_A)");
  EXPECT_EQ(expand("$$$(VAR_A)"), "$A");
  EXPECT_EQ(expand("$$"), "$");
  EXPECT_EQ(expand("$$$$"), "$$");
}

TEST(VarExpansionTest, LeavesOtherDollarsAndUnterminatedReferencesAlone) {
  EXPECT_EQ(expand("$VAR_A"), "$VAR_A");
  EXPECT_EQ(expand("$"), "$");
  EXPECT_EQ(expand("foo$"), "foo$");
  EXPECT_EQ(expand("$(VAR_A"), "$(VAR_A");
  EXPECT_EQ(expand("$()"), "$()");
  EXPECT_EQ(expand("plain"), "plain");
}

TEST(VarExpansionTest, FirstMapThatDefinesANameWins) {
  const std::map<std::string, std::string> first = {{"X", "1"}};
  const std::map<std::string, std::string> second = {{"X", "2"}, {"Y", "3"}};
  EXPECT_EQ(expandVars("$(X)$(Y)", lookupIn({&first, &second})), "13");
}

}  // namespace
}  // namespace processkubelet
