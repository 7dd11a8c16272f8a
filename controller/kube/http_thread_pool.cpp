#include "controller/kube/http_thread_pool.h"

#include <pplx/threadpool.h>

#include <stdexcept>
#include <string>

namespace ctrl::kube {

Status configureHttpThreadPool(size_t threads) {
  if (threads == 0) return Status(Code::kInvalidArgument, "the HTTP thread pool needs a thread");
  try {
    crossplat::threadpool::initialize_with_threads(threads);
  } catch (const std::runtime_error& e) {
    return Status(Code::kInternal, std::string("sizing the HTTP thread pool: ") + e.what());
  }
  return Status::ok();
}

}  // namespace ctrl::kube
