#include "bench/bench_util.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "bench/report_table.h"

namespace bench {

double seconds(SteadyClock::duration d) {
  return std::chrono::duration<double>(d).count();
}

bool isWrite(const std::string& verb) {
  return verb == "POST" || verb == "PUT" || verb == "PATCH" || verb == "DELETE";
}

double writesOf(const std::map<std::string, double>& byVerb) {
  double w = 0;
  for (const auto& [verb, n] : byVerb) {
    if (isWrite(verb)) w += n;
  }
  return w;
}

std::string randomSuffix() {
  std::random_device rd;
  std::mt19937 gen(rd());
  const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 6; ++i) s += hex[gen() % 16];
  return s;
}

std::string joinCounts(const std::map<std::string, double>& m) {
  std::string out;
  for (const auto& [k, v] : m) {
    if (v == 0) continue;
    if (!out.empty()) out += " ";
    out += (k.empty() ? "-" : k) + "=" + formatNumber(v, 0);
  }
  return out.empty() ? "none" : out;
}

void loud(const std::string& message) {
  std::cerr << "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            << "bench: FAILURE: " << message
            << "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            << std::endl;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  if (rank > 0) --rank;
  return values[std::min(rank, values.size() - 1)];
}

std::string parallelFor(int n, int threads, const std::function<std::string(int)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string firstError;
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) {
    pool.emplace_back([&] {
      while (!failed) {
        int i = next++;
        if (i >= n) return;
        std::string e = fn(i);
        if (!e.empty()) {
          std::lock_guard<std::mutex> lock(mu);
          if (firstError.empty()) firstError = e;
          failed = true;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  return firstError;
}

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n <= 0) {
    std::cerr << "bench: ignoring " << name << "=" << v << " (not a positive integer)" << std::endl;
    return fallback;
  }
  return static_cast<int>(n);
}

std::string envString(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) items.push_back(item);
  return items;
}

std::vector<int> parseSizes(const std::string& text) {
  std::vector<int> sizes;
  for (const std::string& item : splitList(text)) {
    char* end = nullptr;
    long n = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || n <= 0) {
      std::cerr << "bench: ignoring size \"" << item << "\" (not a positive integer)" << std::endl;
      continue;
    }
    sizes.push_back(static_cast<int>(n));
  }
  return sizes;
}

}  // namespace bench
