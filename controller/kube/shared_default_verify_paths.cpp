#include "controller/kube/shared_default_verify_paths.h"

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>

namespace ctrl::kube {
namespace {

std::atomic<size_t> given{0};

// Never freed: contexts hold references until the process ends.
X509_STORE* sharedStore() {
  static X509_STORE* const store = [] {
    X509_STORE* s = X509_STORE_new();
    if (s != nullptr) X509_STORE_set_default_paths(s);
    ERR_clear_error();  // a missing bundle is not an error here, as in libssl
    return s;
  }();
  return store;
}

using SetDefaultVerifyPaths = int (*)(SSL_CTX*);

SetDefaultVerifyPaths libsslSetDefaultVerifyPaths() {
  static const auto next =
      reinterpret_cast<SetDefaultVerifyPaths>(dlsym(RTLD_NEXT, "SSL_CTX_set_default_verify_paths"));
  return next;
}

bool storeIsEmpty(SSL_CTX* ctx) {
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (store == nullptr) return true;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
  return objects == nullptr || sk_X509_OBJECT_num(objects) == 0;
}

}  // namespace

X509_STORE* sharedSystemRoots() {
  return sharedStore();
}

void preloadSharedDefaultVerifyPaths() {
  sharedStore();
}

size_t sharedDefaultVerifyPathsGiven() {
  return given.load();
}

}  // namespace ctrl::kube

// See the header. A context that already holds certificates keeps them: the
// call goes on to libssl, which adds the default paths to that store.
extern "C" int SSL_CTX_set_default_verify_paths(SSL_CTX* ctx) {
  X509_STORE* shared = ctrl::kube::sharedStore();
  if (ctx != nullptr && shared != nullptr && ctrl::kube::storeIsEmpty(ctx)) {
    SSL_CTX_set1_cert_store(ctx, shared);  // takes a reference, frees the empty store
    ctrl::kube::given.fetch_add(1);
    return 1;
  }
  auto next = ctrl::kube::libsslSetDefaultVerifyPaths();
  return next != nullptr ? next(ctx) : 0;
}
