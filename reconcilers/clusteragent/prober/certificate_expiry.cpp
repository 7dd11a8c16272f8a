#include "reconcilers/clusteragent/prober/certificate_expiry.h"

#include <ctime>

#include "controller/clock/rfc3339.h"

namespace clusteragent::prober {
namespace {

std::string plural(long long n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

}  // namespace

bool expiresWithin(std::chrono::system_clock::time_point notAfter,
                   std::chrono::system_clock::time_point now, std::chrono::seconds window) {
  return notAfter - now <= window;
}

std::string describeRelative(std::chrono::system_clock::time_point t,
                             std::chrono::system_clock::time_point now) {
  using std::chrono::duration_cast;
  const bool future = t >= now;
  const auto d = duration_cast<std::chrono::seconds>(future ? t - now : now - t);
  const long long minutes = d.count() / 60;
  const long long hours = minutes / 60;
  const long long days = hours / 24;
  std::string amount;
  if (days >= 1) {
    amount = plural(days, "day");
  } else if (hours >= 1) {
    amount = plural(hours, "hour");
  } else if (minutes >= 1) {
    amount = plural(minutes, "minute");
  } else {
    amount = "less than a minute";
  }
  return future ? "in " + amount : amount + " ago";
}

std::optional<std::string> certificateExpiryWarning(std::chrono::system_clock::time_point notAfter,
                                                    std::chrono::system_clock::time_point now,
                                                    std::chrono::seconds window) {
  if (!expiresWithin(notAfter, now, window)) return std::nullopt;
  const std::string when =
      describeRelative(notAfter, now) + " (" + ctrl::formatRfc3339(notAfter) + ")";
  if (notAfter <= now) {
    return "the server certificate expired " + when +
           "; the principal must be given a renewed certificate";
  }
  return "the server certificate expires " + when +
         "; renew it before the agent loses its connection";
}

}  // namespace clusteragent::prober
