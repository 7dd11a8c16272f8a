#pragma once
// An in-memory Lease with resourceVersion semantics, shared by several
// candidates, each lock with its own view (the version it last read), plus
// write-failure injection. For elector and manager unit tests.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "controller/leader/lease_lock.h"

namespace ctrl::leader::fakes {

struct LeaseStore {
  std::mutex mu;
  std::optional<LeaderElectionRecord> record;
  int version = 0;
  bool failWrites = false;
  // get() and update() block while set: an API server that accepts and
  // never answers.
  bool hangRequests = false;
  std::condition_variable unhang;
  int updates = 0;
  int reads = 0;
  int requests = 0;  // reads and update attempts, counted before any hang

  void setHangRequests(bool hang) {
    {
      std::lock_guard<std::mutex> l(mu);
      hangRequests = hang;
    }
    unhang.notify_all();
  }
};

class FakeLeaseLock : public LeaseLock {
 public:
  explicit FakeLeaseLock(std::shared_ptr<LeaseStore> store) : store_(std::move(store)) {}
  kube::StatusOr<LeaderElectionRecord> get() override {
    std::unique_lock<std::mutex> l(store_->mu);
    ++store_->reads;
    ++store_->requests;
    store_->unhang.wait(l, [this] { return !store_->hangRequests; });
    if (!store_->record) return kube::Status(kube::Code::kNotFound, "not found");
    seen_ = store_->version;
    return *store_->record;
  }
  kube::Status create(const LeaderElectionRecord& r) override {
    std::lock_guard<std::mutex> l(store_->mu);
    if (store_->failWrites) return kube::Status(kube::Code::kUnavailable, "down");
    if (store_->record) return kube::Status(kube::Code::kAlreadyExists, "exists");
    store_->record = r;
    seen_ = ++store_->version;
    return kube::Status::ok();
  }
  kube::Status update(const LeaderElectionRecord& r) override {
    std::unique_lock<std::mutex> l(store_->mu);
    ++store_->requests;
    store_->unhang.wait(l, [this] { return !store_->hangRequests; });
    if (store_->failWrites) return kube::Status(kube::Code::kUnavailable, "down");
    if (seen_ != store_->version) return kube::Status(kube::Code::kConflict, "conflict");
    store_->record = r;
    ++store_->updates;
    seen_ = ++store_->version;
    return kube::Status::ok();
  }
  std::string describe() const override { return "ns/lease"; }

 private:
  std::shared_ptr<LeaseStore> store_;
  int seen_ = -1;
};

}  // namespace ctrl::leader::fakes
