#include "controller/manager/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace ctrl::manager {
namespace {

// Shortest decimal that reads back as the same double, as Prometheus clients print.
std::string formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string escapeLabelValue(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escapeHelp(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string renderLabels(const Labels& labels, const std::string& le = "") {
  if (labels.empty() && le.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ",";
    first = false;
    out += k + "=\"" + escapeLabelValue(v) + "\"";
  }
  if (!le.empty()) {
    if (!first) out += ",";
    out += "le=\"" + le + "\"";
  }
  return out + "}";
}

}  // namespace

void Counter::inc(const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[labels] += by;
}

double Counter::value(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Gauge::set(const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[labels] = v;
}

void Gauge::add(const Labels& labels, double by) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[labels] += by;
}

void Gauge::remove(const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  values_.erase(labels);
}

double Gauge::value(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

Histogram::Histogram(std::vector<double> buckets) : buckets_(std::move(buckets)) {}

void Histogram::observe(const Labels& labels, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& s = series_[labels];
  if (s.counts.empty()) s.counts.assign(buckets_.size(), 0);
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (v <= buckets_[i]) {
      ++s.counts[i];
      break;
    }
  }
  s.sum += v;
  ++s.count;
}

uint64_t Histogram::count(const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(labels);
  return it == series_.end() ? 0 : it->second.count;
}

namespace {
// A name registered twice with different types is a programming error.
void checkType(const std::string& name, const std::string& have, const std::string& want) {
  if (have != want) {
    throw std::logic_error("metric " + name + " registered as " + have + ", requested as " + want);
  }
}
}  // namespace

Registry::Entry& Registry::entry(const std::string& name, const std::string& help,
                                 const std::string& type) {
  auto [it, inserted] = entries_.try_emplace(name);
  Entry& e = it->second;
  if (inserted) {
    e.help = help;
    e.type = type;
  }
  checkType(name, e.type, type);
  return e;
}

Counter& Registry::counter(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entry(name, help, "counter");
  if (!e.c) e.c = std::make_unique<Counter>();
  return *e.c;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entry(name, help, "gauge");
  if (!e.g) e.g = std::make_unique<Gauge>();
  return *e.g;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = entry(name, help, "histogram");
  if (!e.h) {
    std::sort(buckets.begin(), buckets.end());
    e.h = std::make_unique<Histogram>(std::move(buckets));
  }
  return *e.h;
}

std::string Registry::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream out;
  for (const auto& [name, e] : entries_) {
    out << "# HELP " << name << " " << escapeHelp(e.help) << "\n";
    out << "# TYPE " << name << " " << e.type << "\n";
    if (e.c) {
      std::lock_guard<std::mutex> l(e.c->mu_);
      for (const auto& [labels, v] : e.c->values_)
        out << name << renderLabels(labels) << " " << formatValue(v) << "\n";
    } else if (e.g) {
      std::lock_guard<std::mutex> l(e.g->mu_);
      for (const auto& [labels, v] : e.g->values_)
        out << name << renderLabels(labels) << " " << formatValue(v) << "\n";
    } else if (e.h) {
      std::lock_guard<std::mutex> l(e.h->mu_);
      for (const auto& [labels, s] : e.h->series_) {
        uint64_t cumulative = 0;
        for (size_t i = 0; i < e.h->buckets_.size(); ++i) {
          cumulative += s.counts[i];
          out << name << "_bucket" << renderLabels(labels, formatValue(e.h->buckets_[i])) << " "
              << cumulative << "\n";
        }
        out << name << "_bucket" << renderLabels(labels, "+Inf") << " " << s.count << "\n";
        out << name << "_sum" << renderLabels(labels) << " " << formatValue(s.sum) << "\n";
        out << name << "_count" << renderLabels(labels) << " " << s.count << "\n";
      }
    }
  }
  return out.str();
}

std::vector<double> Registry::defaultBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry& Registry::global() {
  static Registry* registry = new Registry();  // never destroyed: metrics outlive static teardown
  return *registry;
}

}  // namespace ctrl::manager
