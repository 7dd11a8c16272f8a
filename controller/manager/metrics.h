#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format at /metrics.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ctrl::manager {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void inc(const Labels& labels = {}, double by = 1);
  double value(const Labels& labels = {}) const;

 private:
  friend class Registry;
  mutable std::mutex mu_;
  std::map<Labels, double> values_;
};

class Gauge {
 public:
  void set(const Labels& labels, double v);
  void set(double v) { set({}, v); }
  void add(const Labels& labels, double by);
  void remove(const Labels& labels);  // drop a series (object deleted)
  double value(const Labels& labels = {}) const;

 private:
  friend class Registry;
  mutable std::mutex mu_;
  std::map<Labels, double> values_;
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> buckets);
  void observe(const Labels& labels, double v);
  void observe(double v) { observe({}, v); }
  uint64_t count(const Labels& labels = {}) const;

 private:
  friend class Registry;
  struct Series {
    std::vector<uint64_t> counts;
    double sum = 0;
    uint64_t count = 0;
  };
  std::vector<double> buckets_;
  mutable std::mutex mu_;
  std::map<Labels, Series> series_;
};

class Registry {
 public:
  // Returns the existing metric when the name is already registered.
  Counter& counter(const std::string& name, const std::string& help);
  Gauge& gauge(const std::string& name, const std::string& help);
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> buckets = defaultBuckets());
  std::string render() const;  // text exposition format 0.0.4

  static std::vector<double> defaultBuckets();  // .005 .. 10 s
  static Registry& global();

 private:
  struct Entry {
    std::string help;
    std::string type;
    std::unique_ptr<Counter> c;
    std::unique_ptr<Gauge> g;
    std::unique_ptr<Histogram> h;
  };
  // The entry for name, created with help and type on first use; throws when
  // name was registered with another type. Caller holds mu_.
  Entry& entry(const std::string& name, const std::string& help, const std::string& type);
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ctrl::manager
