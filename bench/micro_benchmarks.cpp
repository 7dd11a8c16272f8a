#include "bench/micro_benchmarks.h"

#include <malloc.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench/sample_objects.h"
#include "controller/apply/owned_fields.h"
#include "controller/cache/store.h"
#include "controller/kube/watch_framing.h"
#include "controller/manager/metrics.h"
#include "controller/queue/work_queue.h"
#include "reconcilers/clusteragent/build_deployment.h"
#include "reconcilers/clusteragent/credentials_hash.h"
#include "reconcilers/clusteragent/spec.h"

namespace bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Keeps results observable so the optimiser cannot drop the measured work.
volatile size_t g_sink = 0;

// Runs body(i) for i in [0, iterations) after a short warm-up; ns per call.
double nsPerOp(int iterations, const std::function<void(int)>& body) {
  for (int i = 0; i < iterations / 10 + 1; ++i) body(i);
  auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) body(i);
  std::chrono::duration<double, std::nano> took = Clock::now() - start;
  return took.count() / iterations;
}

void addNs(ReportTable& t, const std::string& metric, double ns, int iterations,
           const std::string& note = "") {
  std::string n = std::to_string(iterations) + " iterations";
  t.addNumber("micro", metric, ns, "ns/op", note.empty() ? n : n + "; " + note, 0);
}

clusteragent::DesiredObject buildDesired(const json& ca) {
  clusteragent::ParseResult parsed = clusteragent::parseClusterAgent(ca);
  clusteragent::DeploymentInputs in;
  in.credentialsHash = clusteragent::credentialsHash(
      {{"creds/userpass.creds", parsed.spec.clusterName + ":bench-token-value"}});
  return clusteragent::buildDeployment(parsed.spec, in);
}

}  // namespace

bool runMicroBenchmarks(ReportTable& t) {
  bool ok = true;
  const json ca = sampleClusterAgent("bench", "agent-0");
  {
    clusteragent::ParseResult parsed = clusteragent::parseClusterAgent(ca);
    if (!parsed.ok()) {
      std::cerr << "bench: FAILURE: the sample ClusterAgent does not parse: "
                << parsed.errorSummary() << std::endl;
      return false;
    }
  }
  const int kBuild = 3000;
  addNs(t, "parse ClusterAgent + build desired Deployment",
        nsPerOp(kBuild, [&](int) { g_sink = g_sink + buildDesired(ca).object.size(); }), kBuild,
        "incl. credentials hash");

  const json desired = buildDesired(ca).object;
  const json live = serverPopulated(desired);
  if (!ctrl::apply::ownedFieldsMatch(desired, live)) {
    std::cerr << "bench: FAILURE: ownedFieldsMatch(desired, server-populated live) is false: "
                 "every reconcile would write the Deployment"
              << std::endl;
    ok = false;
  }
  const int kMatch = 5000;
  addNs(
      t, "ownedFieldsMatch(desired, live Deployment)",
      nsPerOp(kMatch, [&](int) { g_sink = g_sink + ctrl::apply::ownedFieldsMatch(desired, live); }),
      kMatch, std::string("live JSON ") + std::to_string(live.dump().size()) + " B");
  json drifted = live;
  drifted["spec"]["template"]["spec"]["containers"][0]["image"] = "example.com/other:1";
  addNs(t, "ownedFieldsMatch, drifted image",
        nsPerOp(kMatch,
                [&](int) { g_sink = g_sink + ctrl::apply::ownedFieldsMatch(desired, drifted); }),
        kMatch);

  // Store: 1000 distinct Deployments, upserted then read back by key.
  const int kObjects = 1000;
  std::vector<ctrl::cache::ObjectPtr> objects;
  std::vector<std::string> keys;
  for (int i = 0; i < kObjects; ++i) {
    json o = live;
    o["metadata"]["name"] = "agent-" + std::to_string(i) + "-agent";
    o["metadata"]["ownerReferences"] =
        json::array({{{"uid", "owner-" + std::to_string(i)}, {"controller", true}}});
    keys.push_back(ctrl::cache::objectKey(o));
    objects.push_back(std::make_shared<const json>(std::move(o)));
  }
  ctrl::cache::Store store;
  const int kStoreOps = 5000;
  addNs(t, "Store upsert (1000 keys, 2 indexes)",
        nsPerOp(kStoreOps,
                [&](int i) { g_sink = g_sink + (store.upsert(objects[i % kObjects]) != nullptr); }),
        kStoreOps);
  addNs(t, "Store get (decodes a private copy)",
        nsPerOp(kStoreOps,
                [&](int i) { g_sink = g_sink + (store.get(keys[i % kObjects]) != nullptr); }),
        kStoreOps);

  // WorkQueue: one add + get + done per op, batches of 100 distinct keys.
  {
    ctrl::queue::WorkQueue queue("bench");
    std::vector<std::string> qkeys;
    for (int i = 0; i < 100; ++i) qkeys.push_back("bench/agent-" + std::to_string(i));
    const int kBatches = 50;
    double ns = nsPerOp(kBatches, [&](int) {
      for (const auto& k : qkeys) queue.add(k);
      for (size_t i = 0; i < qkeys.size(); ++i) {
        auto k = queue.get();
        if (k) queue.done(*k);
      }
    });
    addNs(t, "WorkQueue add+get+done", ns / qkeys.size(), kBatches * 100);
    queue.shutDown();
  }

  // One watch event line as the server sends it.
  const std::string line = json{{"type", "MODIFIED"}, {"object", live}}.dump();
  const int kParse = 3000;
  addNs(t, "parse watch event line (Deployment)",
        nsPerOp(kParse,
                [&](int) {
                  auto ev = ctrl::kube::parseWatchEvent(line);
                  g_sink = g_sink + ev.isOk();
                }),
        kParse, std::to_string(line.size()) + " B");

  addNs(t, "json::parse alone (same line)",
        nsPerOp(kParse, [&](int) { g_sink = g_sink + json::parse(line).size(); }), kParse,
        "the parser's share of the above");

  // What caching a whole object costs: heap held by 1000 parsed copies of the
  // live Deployment, per copy (the performance notes' "the cache is the memory"),
  // and by the Store holding the same 1000 packed.
  {
    const std::string text = live.dump();
    size_t before = mallinfo2().uordblks;
    std::vector<json> held;
    held.reserve(1000);
    for (int i = 0; i < 1000; ++i) held.push_back(json::parse(text));
    size_t after = mallinfo2().uordblks;
    double perObject = static_cast<double>(after - before) / held.size();
    t.addNumber("micro", "heap per Deployment as a parsed json", perObject / 1024, "KiB",
                formatNumber(perObject / text.size(), 1) + "x its " + std::to_string(text.size()) +
                    " B of JSON",
                1);
    held.clear();
    before = mallinfo2().uordblks;
    {
      ctrl::cache::Store packed;
      for (const auto& o : objects) packed.upsert(o);
      after = mallinfo2().uordblks;
    }
    perObject = static_cast<double>(after - before) / objects.size();
    t.addNumber("micro", "heap per Deployment in the Store (packed, indexed)", perObject / 1024,
                "KiB", formatNumber(perObject / text.size(), 1) + "x its JSON", 1);
  }

  // Prometheus: 1000 series (what 1000 ClusterAgents with a per-object gauge give).
  {
    ctrl::manager::Registry registry;
    auto& gauge = registry.gauge("clusteragent_bench_series", "Benchmark series.");
    for (int i = 0; i < 1000; ++i) {
      gauge.set({{"namespace", "bench"}, {"name", "agent-" + std::to_string(i)}}, i);
    }
    const int kRender = 300;
    size_t bytes = registry.render().size();
    double ns = nsPerOp(kRender, [&](int) { g_sink = g_sink + registry.render().size(); });
    addNs(t, "Prometheus render, 1000 series", ns, kRender,
          std::to_string(bytes / 1024) + " KiB of text");
  }
  return ok;
}

}  // namespace bench
