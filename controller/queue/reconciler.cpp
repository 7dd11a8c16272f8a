#include "controller/queue/reconciler.h"

namespace ctrl::queue {

Request Request::fromKey(const std::string& key) {
  auto slash = key.find('/');
  if (slash == std::string::npos) return Request{"", key};
  return Request{key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace ctrl::queue
