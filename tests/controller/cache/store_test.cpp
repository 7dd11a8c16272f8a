#include "controller/cache/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace ctrl::cache {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

ObjectPtr obj(const std::string& ns, const std::string& name, const std::string& rv = "1",
              const std::vector<std::string>& ownerUids = {}) {
  json o = {{"metadata", {{"name", name}, {"resourceVersion", rv}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  for (const auto& uid : ownerUids) {
    o["metadata"]["ownerReferences"].push_back({{"uid", uid}, {"kind", "ClusterAgent"}});
  }
  return std::make_shared<const json>(o);
}

std::vector<std::string> keysOf(const std::vector<ObjectPtr>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(objectKey(*o));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ObjectKeyTest, NamespacedAndClusterScoped) {
  EXPECT_EQ(objectKey(*obj("ns", "a")), "ns/a");
  EXPECT_EQ(objectKey(*obj("", "node-1")), "node-1");
  EXPECT_EQ(objectKey("ns", "a"), "ns/a");
  EXPECT_EQ(objectKey("", "a"), "a");
}

TEST(StoreTest, UpsertGetRemoveReturnPrevious) {
  Store s;
  EXPECT_EQ(s.upsert(obj("ns", "a", "1")), nullptr);
  auto prev = s.upsert(obj("ns", "a", "2"));
  ASSERT_NE(prev, nullptr);
  EXPECT_EQ((*prev)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ((*s.get("ns/a"))["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(s.size(), 1u);
  auto removed = s.remove("ns/a");
  ASSERT_NE(removed, nullptr);
  EXPECT_EQ(s.get("ns/a"), nullptr);
  EXPECT_EQ(s.remove("ns/a"), nullptr);
  EXPECT_EQ(s.size(), 0u);
}

TEST(StoreTest, NamespaceIndexFollowsUpsertsAndRemoves) {
  Store s;
  s.upsert(obj("a", "x"));
  s.upsert(obj("a", "y"));
  s.upsert(obj("b", "z"));
  EXPECT_EQ(keysOf(s.byIndex(kNamespaceIndex, "a")), (std::vector<std::string>{"a/x", "a/y"}));
  s.remove("a/x");
  EXPECT_EQ(keysOf(s.byIndex(kNamespaceIndex, "a")), (std::vector<std::string>{"a/y"}));
  EXPECT_THAT(s.byIndex(kNamespaceIndex, "nope"), IsEmpty());
  EXPECT_THAT(s.byIndex("no-such-index", "a"), IsEmpty());
}

TEST(StoreTest, OwnerUidIndexMovesWhenOwnersChange) {
  Store s;
  s.upsert(obj("ns", "d", "1", {"uid-1", "uid-2"}));
  EXPECT_EQ(keysOf(s.byIndex(kOwnerUidIndex, "uid-1")), (std::vector<std::string>{"ns/d"}));
  EXPECT_EQ(keysOf(s.byIndex(kOwnerUidIndex, "uid-2")), (std::vector<std::string>{"ns/d"}));
  s.upsert(obj("ns", "d", "2", {"uid-3"}));
  EXPECT_THAT(s.byIndex(kOwnerUidIndex, "uid-1"), IsEmpty());
  EXPECT_EQ(keysOf(s.byIndex(kOwnerUidIndex, "uid-3")), (std::vector<std::string>{"ns/d"}));
  EXPECT_THAT(s.indexValues(kOwnerUidIndex), ElementsAre("uid-3"));
}

TEST(StoreTest, CustomIndexByReferencedSecret) {
  Store s;
  s.addIndex("secret", [](const json& o) {
    std::vector<std::string> v;
    if (o.contains("spec")) v.push_back(o["spec"].value("secret", ""));
    return v;
  });
  json a = *obj("ns", "a");
  a["spec"]["secret"] = "creds";
  json b = *obj("ns", "b");
  b["spec"]["secret"] = "creds";
  s.upsert(std::make_shared<const json>(a));
  s.upsert(std::make_shared<const json>(b));
  s.upsert(obj("ns", "c"));
  EXPECT_EQ(keysOf(s.byIndex("secret", "creds")), (std::vector<std::string>{"ns/a", "ns/b"}));
}

TEST(StoreTest, AddIndexAfterObjectsIndexesExisting) {
  Store s;
  s.upsert(obj("ns", "a"));
  s.addIndex("name", [](const json& o) {
    return std::vector<std::string>{o["metadata"]["name"].get<std::string>()};
  });
  EXPECT_EQ(keysOf(s.byIndex("name", "a")), (std::vector<std::string>{"ns/a"}));
}

TEST(StoreTest, ReplaceReturnsRemovedAndReindexes) {
  Store s;
  s.upsert(obj("ns", "a"));
  s.upsert(obj("ns", "b"));
  auto removed = s.replace({obj("ns", "b", "2"), obj("other", "c")});
  EXPECT_EQ(keysOf(removed), (std::vector<std::string>{"ns/a"}));
  EXPECT_THAT(s.keys(), ElementsAre("ns/b", "other/c"));
  EXPECT_EQ(keysOf(s.byIndex(kNamespaceIndex, "ns")), (std::vector<std::string>{"ns/b"}));
  EXPECT_EQ((*s.get("ns/b"))["metadata"]["resourceVersion"], "2");
}

TEST(StoreTest, ReplaceScopedDiffsOnlyItsNamespace) {
  Store s;
  s.upsert(obj("a", "keep", "1"));
  s.upsert(obj("a", "changed", "1"));
  s.upsert(obj("a", "gone", "1"));
  s.upsert(obj("b", "untouched", "1"));
  auto diff = s.replaceScoped({obj("a", "keep", "1"), obj("a", "changed", "2"), obj("a", "new")},
                              std::string("a"));
  EXPECT_EQ(keysOf(diff.added), (std::vector<std::string>{"a/new"}));
  EXPECT_EQ(keysOf(diff.removed), (std::vector<std::string>{"a/gone"}));
  ASSERT_EQ(diff.updated.size(), 1u);  // "keep" has the same resourceVersion: no news
  EXPECT_EQ((*diff.updated[0].first)["metadata"]["resourceVersion"], "1");
  EXPECT_EQ((*diff.updated[0].second)["metadata"]["resourceVersion"], "2");
  EXPECT_THAT(s.keys(), ElementsAre("a/changed", "a/keep", "a/new", "b/untouched"));
}

TEST(StoreTest, AnObjectReadsBackExactlyAsItWasStored) {
  // Held packed (CBOR): every JSON type must come back the same, the
  // distinction between integer kinds and floats included.
  json o = {{"metadata", {{"name", "d"}, {"namespace", "ns"}, {"resourceVersion", "7"}}},
            {"spec",
             {{"replicas", 1},
              {"negative", -3},
              {"big", 18446744073709551615ULL},
              {"ratio", 0.5},
              {"flag", false},
              {"none", nullptr},
              {"empty", json::object()},
              {"list", json::array({"a", 2, json::array(), {{"k", "v"}}})},
              {"text", "h\u00e9llo \"quoted\"\n"}}}};
  Store s;
  s.upsert(std::make_shared<const json>(o));
  auto back = s.get("ns/d");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(*back, o);
  EXPECT_TRUE((*back)["spec"]["replicas"].is_number_integer());
  EXPECT_TRUE((*back)["spec"]["ratio"].is_number_float());
  EXPECT_EQ(back->dump(), o.dump());
}

TEST(StoreTest, KeysByIndexNamesWhatByIndexReturns) {
  Store s;
  s.upsert(obj("ns", "d1", "1", {"uid-1"}));
  s.upsert(obj("ns", "d2", "1", {"uid-1"}));
  s.upsert(obj("ns", "d3", "1", {"uid-2"}));
  EXPECT_THAT(s.keysByIndex(kOwnerUidIndex, "uid-1"), ElementsAre("ns/d1", "ns/d2"));
  EXPECT_EQ(s.keysByIndex(kOwnerUidIndex, "uid-1"), keysOf(s.byIndex(kOwnerUidIndex, "uid-1")));
  EXPECT_THAT(s.keysByIndex(kOwnerUidIndex, "uid-3"), IsEmpty());
  EXPECT_THAT(s.keysByIndex("no-such-index", "uid-1"), IsEmpty());
}

TEST(StoreTest, AReplaceWithTheSameVersionKeepsTheIndexes) {
  // A relist of an unchanged object is not re-indexed (nothing is decoded);
  // its index entries must still be there, and a changed one's move.
  Store s;
  s.upsert(obj("ns", "same", "1", {"uid-1"}));
  s.upsert(obj("ns", "moved", "1", {"uid-1"}));
  auto diff = s.replaceScoped(
      {obj("ns", "same", "1", {"uid-1"}), obj("ns", "moved", "2", {"uid-2"})}, std::string("ns"));
  EXPECT_THAT(diff.updated, ::testing::SizeIs(1));
  EXPECT_THAT(s.keysByIndex(kOwnerUidIndex, "uid-1"), ElementsAre("ns/same"));
  EXPECT_THAT(s.keysByIndex(kOwnerUidIndex, "uid-2"), ElementsAre("ns/moved"));
}

TEST(StoreTest, ConcurrentWritersAndReadersStayConsistent) {
  Store s;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 500; ++i) {
        std::string ns = "ns" + std::to_string(t);
        s.upsert(obj(ns, "o" + std::to_string(i % 50), std::to_string(i)));
        if (i % 7 == 0) s.remove(ns + "/o" + std::to_string((i + 3) % 50));
        (void)s.byIndex(kNamespaceIndex, ns);
        (void)s.list();
      }
    });
  }
  for (auto& th : threads) th.join();
  // Every indexed key exists and every object is indexed under its namespace.
  size_t indexed = 0;
  for (int t = 0; t < 4; ++t) {
    auto objs = s.byIndex(kNamespaceIndex, "ns" + std::to_string(t));
    indexed += objs.size();
    for (const auto& o : objs) EXPECT_NE(s.get(objectKey(*o)), nullptr);
  }
  EXPECT_EQ(indexed, s.size());
}

}  // namespace
}  // namespace ctrl::cache
