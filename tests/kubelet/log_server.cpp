#include "tests/kubelet/log_server.h"

#include <cpprest/http_listener.h>

#include <boost/asio/ssl.hpp>
#include <fstream>
#include <sstream>

#include "controller/logging/logger.h"
#include "tests/kubelet/log_tail.h"
#include "tests/support/free_loopback_port.h"
#include "tests/support/test_certificates.h"

namespace processkubelet {
namespace {

namespace http = web::http;
using ctrl::kube::Code;
using ctrl::kube::Status;
using http::experimental::listener::http_listener;
using http::experimental::listener::http_listener_config;

int64_t queryInt(const std::map<std::string, std::string>& q, const std::string& key) {
  auto it = q.find(key);
  if (it == q.end()) return 0;
  try {
    return std::max<int64_t>(0, std::stoll(it->second));
  } catch (...) {
    return 0;
  }
}

}  // namespace

struct LogServer::Impl {
  std::unique_ptr<http_listener> listener;
};

LogServer::LogServer(std::string logDir) : log_dir_(std::move(logDir)) {}

LogServer::~LogServer() {
  stop();
}

Status LogServer::start() {
  testsupport::CertificateSpec spec;
  spec.commonName = "process-kubelet";
  const auto cert = testsupport::makeSelfSignedCertificate(spec);
  http_listener_config config;
  config.set_ssl_context_callback([cert](boost::asio::ssl::context& ctx) {
    ctx.use_certificate_chain(boost::asio::buffer(cert.certPem));
    ctx.use_private_key(boost::asio::buffer(cert.keyPem), boost::asio::ssl::context::pem);
  });
  std::string lastError;
  // A picked port can be taken before the listener binds it: try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = testsupport::freeLoopbackPort();
    if (port <= 0) continue;
    auto impl = std::make_unique<Impl>();
    try {
      impl->listener = std::make_unique<http_listener>(
          web::uri("https://127.0.0.1:" + std::to_string(port)), config);
      const std::string dir = log_dir_;
      impl->listener->support([dir](http::http_request req) {
        if (req.method() != http::methods::GET) {
          req.reply(http::status_codes::MethodNotAllowed);
          return;
        }
        std::string ns, pod, container;
        const std::string path = web::uri::decode(req.relative_uri().path());
        if (!parseContainerLogPath(path, &ns, &pod, &container)) {
          req.reply(http::status_codes::NotFound, "not found\n", "text/plain");
          return;
        }
        std::ifstream in(dir + "/" + ns + "_" + pod + "_" + container + ".log", std::ios::binary);
        if (!in) {
          req.reply(
              http::status_codes::NotFound,
              "container " + container + " of pod " + ns + "/" + pod + " has no log on this node\n",
              "text/plain");
          return;
        }
        std::stringstream text;
        text << in.rdbuf();
        const auto query = web::uri::split_query(req.relative_uri().query());
        req.reply(
            http::status_codes::OK,
            selectLogTail(text.str(), queryInt(query, "tailLines"), queryInt(query, "limitBytes")),
            "text/plain");
      });
      impl->listener->open().wait();
    } catch (const std::exception& e) {
      lastError = e.what();
      continue;
    }
    impl_ = std::move(impl);
    port_ = port;
    ctrl::logging::info("serving container logs", {{"address", "127.0.0.1"}, {"port", port}});
    return Status::ok();
  }
  return Status(Code::kUnavailable, "cannot serve container logs: " + lastError);
}

void LogServer::stop() {
  if (!impl_) return;
  try {
    impl_->listener->close().wait();
  } catch (const std::exception& e) {
    ctrl::logging::warn("closing the log server failed", {{"error", e.what()}});
  }
  impl_.reset();
}

}  // namespace processkubelet
