#pragma once
// GoogleMock of the API seam. Use as StrictMock<MockKubeClient> so an
// unexpected API call fails the test.

#include <gmock/gmock.h>

#include "controller/kube/kube_client.h"

namespace ctrl::kube {

class MockKubeClient : public KubeClient {
 public:
  MOCK_METHOD(StatusOr<json>, get,
              (const Resource& r, const std::string& ns, const std::string& name,
               const std::string& subresource),
              (override));
  MOCK_METHOD(StatusOr<json>, list,
              (const Resource& r, const std::string& ns, const ListOptions& opts), (override));
  MOCK_METHOD(StatusOr<json>, create,
              (const Resource& r, const std::string& ns, const json& obj,
               const std::string& fieldManager),
              (override));
  MOCK_METHOD(StatusOr<json>, update,
              (const Resource& r, const std::string& ns, const json& obj,
               const UpdateOptions& opts),
              (override));
  MOCK_METHOD(StatusOr<json>, patch,
              (const Resource& r, const std::string& ns, const std::string& name, PatchType type,
               const json& body, const PatchOptions& opts),
              (override));
  MOCK_METHOD(Status, remove,
              (const Resource& r, const std::string& ns, const std::string& name,
               const DeleteOptions& opts),
              (override));
  MOCK_METHOD(StatusOr<WatchStreamPtr>, watch,
              (const Resource& r, const std::string& ns, const WatchOptions& opts), (override));
};

class MockWatchStream : public WatchStream {
 public:
  MOCK_METHOD((StatusOr<std::optional<WatchEvent>>), next, (), (override));
  MOCK_METHOD(void, cancel, (), (override));
};

}  // namespace ctrl::kube
