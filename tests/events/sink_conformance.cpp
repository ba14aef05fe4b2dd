#include "sink_conformance.h"

#include <fmt/format.h>

#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "commerce/ids.h"

namespace commerce::testing {

std::string sink_name(const ::testing::TestParamInfo<SinkUnderTest>& info) {
  return info.param.name;
}

Event sample_event(std::int64_t seq, const std::string& key) {
  Event e;
  e.seq = seq;
  e.id = new_id(1'800'000'000'000 + seq);
  e.type = "StockAdjusted";
  e.schema_version = 1;
  e.topic = "product-events";
  e.key = key;
  e.occurred_at = 1'800'000'000'000 + seq;
  e.request_id = seq % 2 == 0 ? fmt::format("req-{}", seq) : "";
  e.payload = nlohmann::json{{"product_id", key}, {"delta", seq}, {"reason", "restock"}}.dump();
  return e;
}

namespace {

void expect_same(const Event& got, const Event& want) {
  EXPECT_EQ(got.seq, want.seq);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.schema_version, want.schema_version);
  EXPECT_EQ(got.topic, want.topic);
  EXPECT_EQ(got.key, want.key);
  EXPECT_EQ(got.occurred_at, want.occurred_at);
  EXPECT_EQ(got.request_id, want.request_id);
  EXPECT_EQ(nlohmann::json::parse(got.payload), nlohmann::json::parse(want.payload));
}

void expect_all_acked(const std::vector<Ack>& acks, std::size_t n) {
  ASSERT_EQ(acks.size(), n);
  for (const auto& ack : acks) EXPECT_EQ(ack.status, AckStatus::kAcked) << ack.error;
}

}  // namespace

TEST_P(SinkConformance, HasAName) { EXPECT_FALSE(sink().name().empty()); }

TEST_P(SinkConformance, EmptyBatchGetsNoAcks) {
  EXPECT_TRUE(sink().publish({}).empty());
  EXPECT_TRUE(delivered().empty());
}

TEST_P(SinkConformance, AcksEveryEventAndDeliversInOrder) {
  std::vector<Event> batch;
  for (int i = 1; i <= 12; ++i) batch.push_back(sample_event(i, fmt::format("sku-{}", i % 3)));
  expect_all_acked(sink().publish(batch), batch.size());
  const auto got = delivered();
  ASSERT_EQ(got.size(), batch.size());
  for (std::size_t i = 0; i < got.size(); ++i) expect_same(got[i], batch[i]);
}

TEST_P(SinkConformance, KeepsEnvelopeFieldsExactly) {
  Event e = sample_event(7, "user/ü-1");
  e.type = "PointCharged";
  e.topic = "user.point.charged";
  e.request_id = "req \"quoted\" \\ back";
  e.payload = nlohmann::json{{"user_id", "user/ü-1"},
                             {"amount", 9'007'199'254'740'993LL},
                             {"note", "line\nbreak\ttab \u00e9 \xF0\x9F\x9B\x92"},
                             {"nested", {{"a", nlohmann::json::array({1, 2, 3})}}}}
                  .dump();
  expect_all_acked(sink().publish(std::span<const Event>(&e, 1)), 1);
  const auto got = delivered();
  ASSERT_EQ(got.size(), 1u);
  expect_same(got[0], e);
}

TEST_P(SinkConformance, AcceptsARepublishedEventWithTheSameId) {
  const Event e = sample_event(3, "sku-1");
  expect_all_acked(sink().publish(std::span<const Event>(&e, 1)), 1);
  expect_all_acked(sink().publish(std::span<const Event>(&e, 1)), 1);
  const auto got = delivered();
  ASSERT_FALSE(got.empty());
  for (const auto& g : got) expect_same(g, e);
}

TEST_P(SinkConformance, LargeBatch) {
  std::vector<Event> batch;
  for (int i = 1; i <= 1000; ++i) batch.push_back(sample_event(i, fmt::format("k{}", i % 17)));
  expect_all_acked(sink().publish(batch), batch.size());
  const auto got = delivered();
  ASSERT_EQ(got.size(), batch.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].id, batch[i].id);
}

TEST_P(SinkConformance, ConcurrentPublishersKeepEachKeysOrder) {
  constexpr int kThreads = 4;
  constexpr int kBatches = 25;
  constexpr int kPerBatch = 4;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<Event> batch;
        for (int i = 0; i < kPerBatch; ++i) {
          batch.push_back(sample_event(t * 100'000 + b * kPerBatch + i + 1, fmt::format("key-{}", t)));
        }
        for (const auto& ack : sink().publish(batch)) {
          if (ack.status != AckStatus::kAcked) ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
  std::map<std::string, std::vector<std::int64_t>> by_key;
  for (const auto& e : delivered()) by_key[e.key].push_back(e.seq);
  ASSERT_EQ(by_key.size(), static_cast<std::size_t>(kThreads));
  for (const auto& [key, seqs] : by_key) {
    EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kBatches * kPerBatch)) << key;
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << key;
  }
}

}  // namespace commerce::testing
