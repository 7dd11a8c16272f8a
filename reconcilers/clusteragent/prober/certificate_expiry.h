#pragma once
// Pure helpers for the server certificate's expiry: the status field's
// timestamp format and the warning shown ahead of expiry.

#include <chrono>
#include <optional>
#include <string>

namespace clusteragent::prober {

// How far ahead of notAfter the status starts warning.
constexpr std::chrono::hours kCertificateExpiryWarningWindow{24 * 14};

// True when the certificate is expired at `now` or expires within `window`.
bool expiresWithin(std::chrono::system_clock::time_point notAfter,
                   std::chrono::system_clock::time_point now,
                   std::chrono::seconds window = kCertificateExpiryWarningWindow);

// "in 13 days", "in 5 hours", "in 12 minutes", "2 days ago", ... Coarse on
// purpose: a message that changes every probe would churn status, so the
// unit is days while more than a day is left.
std::string describeRelative(std::chrono::system_clock::time_point t,
                             std::chrono::system_clock::time_point now);

// A warning for people when the certificate expires within `window` (or has
// expired), e.g. "the server certificate expires in 3 days
// (2026-12-02T00:00:00Z); renew it before the agent loses its connection";
// nullopt otherwise.
std::optional<std::string> certificateExpiryWarning(
    std::chrono::system_clock::time_point notAfter, std::chrono::system_clock::time_point now,
    std::chrono::seconds window = kCertificateExpiryWarningWindow);

}  // namespace clusteragent::prober
