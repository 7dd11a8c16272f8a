#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "tests/support/control_plane.h"

namespace testsupport {
namespace {

// Lowercase alphanumerics and single dashes: a valid DNS-1123 label fragment.
std::string dnsLabelPart(const std::string& s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string randomSuffix() {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::uniform_int_distribution<size_t> pick(0, sizeof alphabet - 2);
  std::string s;
  for (int i = 0; i < 6; ++i) s += alphabet[pick(rd)];
  return s;
}

std::string uniqueName(const std::string& prefix) {
  std::string middle;
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    middle = dnsLabelPart(std::string(test->test_suite_name()) + "-" + test->name());
  }
  std::string head = dnsLabelPart(prefix);
  if (head.empty()) head = "t";
  if (!middle.empty()) head += "-" + middle;
  // 63 characters at most, with room for "-" and the suffix.
  const size_t maxHead = 63 - 7;
  if (head.size() > maxHead) head.resize(maxHead);
  while (!head.empty() && head.back() == '-') head.pop_back();
  return head + "-" + randomSuffix();
}

}  // namespace

TestNamespace::TestNamespace(const std::string& prefix, const std::vector<std::string>& labels)
    : name_(uniqueName(prefix)) {
  nlohmann::json ns = {{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata", {{"name", name_}, {"labels", nlohmann::json::object()}}}};
  for (const auto& label : labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos) {
      ADD_FAILURE() << "namespace label '" << label << "' is not key=value";
      continue;
    }
    ns["metadata"]["labels"][label.substr(0, eq)] = label.substr(eq + 1);
  }
  // Created with its labels in one request, so that admission (PodSecurity)
  // applies from the first object created in it.
  CommandResult r = ControlPlane::instance().kubectl({"create", "-f", "-"}, ns.dump());
  if (!r.ok()) ADD_FAILURE() << "creating namespace " << name_ << " failed: " << r.output;
}

TestNamespace::~TestNamespace() {
  // Not waiting: the namespace controller finalizes it in the background.
  CommandResult r = ControlPlane::instance().kubectl(
      {"delete", "namespace", name_, "--wait=false", "--ignore-not-found"});
  if (!r.ok()) ADD_FAILURE() << "deleting namespace " << name_ << " failed: " << r.output;
}

}  // namespace testsupport
