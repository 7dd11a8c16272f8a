#pragma once
// Turns an API server error response (HTTP code + metav1.Status body) into a
// Status, the way client-go's apierrors classify them. Messages come from the
// server's Status, never from the request body.

#include <nlohmann/json.hpp>
#include <string>

#include "controller/kube/status.h"

namespace ctrl::kube {

// body: the response body (usually a metav1.Status JSON, may be anything);
// retryAfterHeader: the Retry-After header value, "" if absent.
Status statusFromResponse(int httpCode, const std::string& body,
                          const std::string& retryAfterHeader = "");

// A metav1.Status object, e.g. the object of a watch ERROR event.
Status statusFromStatusObject(const nlohmann::json& status);

// The Code for an HTTP error code and metav1.Status reason.
Code codeFromHttp(int httpCode, const std::string& reason);

}  // namespace ctrl::kube
