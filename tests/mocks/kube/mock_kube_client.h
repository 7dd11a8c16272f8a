#pragma once
// GoogleMock of the KubeClient seam, for unit tests of code above the client.

#include <gmock/gmock.h>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

class MockKubeClient : public KubeClient {
 public:
  MOCK_METHOD(StatusOr<json>, get,
              (const Resource&, const std::string&, const std::string&, const std::string&),
              (override));
  MOCK_METHOD(StatusOr<json>, list, (const Resource&, const std::string&, const ListOptions&),
              (override));
  MOCK_METHOD(StatusOr<json>, create,
              (const Resource&, const std::string&, const json&, const std::string&), (override));
  MOCK_METHOD(StatusOr<json>, update,
              (const Resource&, const std::string&, const json&, const UpdateOptions&), (override));
  MOCK_METHOD(StatusOr<json>, patch,
              (const Resource&, const std::string&, const std::string&, PatchType, const json&,
               const PatchOptions&),
              (override));
  MOCK_METHOD(Status, remove,
              (const Resource&, const std::string&, const std::string&, const DeleteOptions&),
              (override));
  MOCK_METHOD(StatusOr<WatchStreamPtr>, watch,
              (const Resource&, const std::string&, const WatchOptions&), (override));
  MOCK_METHOD(StatusOr<std::string>, podLogs,
              (const std::string&, const std::string&, const LogOptions&), (override));
  MOCK_METHOD(void, shutdown, (), (override));
};

// For scripted event sequences prefer ScriptedWatchStream (scripted_watch_stream.h).
class MockWatchStream : public WatchStream {
 public:
  MOCK_METHOD((StatusOr<std::optional<WatchEvent>>), next, (), (override));
  MOCK_METHOD(void, cancel, (), (override));
};

}  // namespace ctrl::kube
