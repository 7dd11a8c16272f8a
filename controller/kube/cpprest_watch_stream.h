#pragma once
// Internal to the cpprest client (includes cpprest; include only from .cpp).
// A WatchStream over a chunked watch response: bytes are pulled from the
// response body as they arrive, framed into lines and parsed into events.

#include <cpprest/http_client.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "controller/kube/kube_client.h"
#include "controller/kube/watch_framing.h"

namespace ctrl::kube {

class CpprestWatchStream : public WatchStream {
 public:
  // The stream owns the http_client of its request (its timeout is the watch's).
  CpprestWatchStream(std::unique_ptr<web::http::client::http_client> client,
                     pplx::cancellation_token_source cts, web::http::http_response response,
                     std::chrono::milliseconds readTimeout, std::string description);
  ~CpprestWatchStream() override;

  StatusOr<std::optional<WatchEvent>> next() override;
  void cancel() override;

 private:
  enum class ReadResult { kData, kEof, kTimeout, kCancelled, kError };
  ReadResult readMore();

  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool cancelled = false;
    bool readDone = false;
    size_t readCount = 0;
    std::string readError;
    unsigned char byte = 0;
  };

  std::unique_ptr<web::http::client::http_client> client_;
  pplx::cancellation_token_source cts_;
  web::http::http_response response_;
  concurrency::streams::streambuf<uint8_t> body_;
  std::chrono::milliseconds read_timeout_;
  std::string description_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  LineSplitter splitter_;
  static constexpr size_t kReadChunk = 64 * 1024;
  std::unique_ptr<char[]> read_buf_;  // allocated on the first buffered read
  bool eof_ = false;
  std::optional<Status> terminal_;
  std::string read_error_;
};

}  // namespace ctrl::kube
