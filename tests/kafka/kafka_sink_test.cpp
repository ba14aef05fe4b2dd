// KafkaSink: option checks (no broker needed), the message layout on a real broker, and the
// event-sink conformance suite of tests/events run against Kafka.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/kafka_sink.h"
#include "kafka_test_support.h"
#include "sink_conformance.h"

namespace commerce {
namespace {

using kafka_test::ConsumedMessage;

// Constructs a sink with `options` and returns the InvalidArgument subject (or "" if none).
std::string refusal(KafkaSinkOptions options) {
  try {
    KafkaSink sink(std::move(options));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.subject();
  }
  return "";
}

KafkaSinkOptions with(std::map<std::string, std::string> properties) {
  KafkaSinkOptions o;
  o.bootstrap_servers = "127.0.0.1:1";
  o.properties = std::move(properties);
  if (!o.properties.contains("log_level")) o.properties["log_level"] = "0";  // no broker here
  return o;
}

TEST(KafkaSinkOptions, RefusesWhatWouldBreakDelivery) {
  EXPECT_EQ(refusal({}), "bootstrap_servers");
  EXPECT_EQ(refusal(with({{"acks", "1"}})), "properties.acks");
  EXPECT_EQ(refusal(with({{"request.required.acks", "0"}})), "properties.request.required.acks");
  EXPECT_EQ(refusal(with({{"enable.idempotence", "false"}})), "properties.enable.idempotence");
  EXPECT_EQ(refusal(with({{"bootstrap.servers", "elsewhere:9092"}})),
            "properties.bootstrap.servers");
  EXPECT_EQ(refusal(with({{"no.such.property", "1"}})), "properties.no.such.property");
  EXPECT_EQ(refusal(with({{"linger.ms", "soon"}})), "properties.linger.ms");
  KafkaSinkOptions negative = with({});
  negative.report_grace_ms = -1;
  EXPECT_EQ(refusal(negative), "report_grace_ms");
  KafkaSinkOptions empty_override = with({});
  empty_override.topic_overrides = {{"order-events", ""}};
  EXPECT_EQ(refusal(empty_override), "topic_overrides");
}

TEST(KafkaSinkOptions, AcceptsHostProperties) {
  // Any librdkafka property the host sets goes through, including the spelled-out defaults.
  EXPECT_EQ(refusal(with({{"acks", "all"},
                          {"enable.idempotence", "true"},
                          {"compression.type", "zstd"},
                          {"linger.ms", "20"},
                          {"client.id", "shop-7"},
                          {"message.timeout.ms", "120000"}})),
            "");
  EXPECT_EQ(refusal(with({{"acks", "-1"}})), "");
}

TEST(KafkaSinkOptions, MapsTopicsByOverrideThenPrefix) {
  KafkaSinkOptions o = with({});
  o.topic_prefix = "shop1.";
  o.topic_overrides = {{"order-events", "orders-v2"}};
  KafkaSink sink(o);
  Event e;
  e.topic = "order-events";
  EXPECT_EQ(sink.topic_for(e), "orders-v2");
  e.topic = "user-events";
  EXPECT_EQ(sink.topic_for(e), "shop1.user-events");
  e.topic = "order.order.created";
  EXPECT_EQ(sink.topic_for(e), "shop1.order.order.created");
  EXPECT_EQ(sink.name(), "kafka:127.0.0.1:1");
  EXPECT_FALSE(KafkaSink::librdkafka_version().empty());
}

TEST(KafkaSinkOptions, PublishAfterCloseIsRefused) {
  KafkaSink sink(with({}));
  sink.close();
  sink.close();  // idempotent
  const Event e = testing::sample_event(1, "sku-1");
  try {
    sink.publish(std::span<const Event>(&e, 1));
    ADD_FAILURE() << "publish after close did not throw";
  } catch (const Error& err) {
    EXPECT_EQ(err.code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(err.subject(), "kafka-sink");
  }
}

TEST(KafkaSinkBroker, MessageCarriesKeyHeadersEnvelopeAndMappedTopic) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  KafkaSinkOptions o;
  o.bootstrap_servers = bootstrap;
  o.topic_prefix = kafka_test::unique_name("layout") + ".";
  const std::string override_topic = kafka_test::unique_name("layout-orders");
  o.topic_overrides = {{"order-events", override_topic}};
  o.properties = {{"log_level", "3"}};
  KafkaSink sink(o);

  std::vector<Event> batch;
  for (int i = 1; i <= 6; ++i) {
    Event e = testing::sample_event(i, i % 2 == 0 ? "sku-even" : "sku-odd");
    e.schema_version = i;  // visible in the header
    batch.push_back(e);
  }
  batch[4].topic = "order-events";
  batch[4].key = "order-1";
  batch[4].type = "OrderCreated";
  batch[5].topic = "order-events";
  batch[5].key = "order-1";
  batch[5].type = "OrderConfirmed";
  const auto acks = sink.publish(batch);
  ASSERT_EQ(acks.size(), batch.size());
  for (const auto& ack : acks) EXPECT_EQ(ack.status, AckStatus::kAcked) << ack.error;
  EXPECT_TRUE(sink.flush(5000));
  const auto counters = sink.counters();
  EXPECT_EQ(counters.produced, 6);
  EXPECT_EQ(counters.acked, 6);
  EXPECT_EQ(counters.failed, 0);

  const auto got =
      kafka_test::consume_all(bootstrap, {o.topic_prefix + "product-events", override_topic});
  ASSERT_EQ(got.size(), batch.size());
  std::set<std::string> ids;
  std::map<std::string, std::set<int>> partitions;
  for (const ConsumedMessage& m : got) {
    const Event env = parse_envelope_json(m.value);
    const Event* sent = nullptr;
    for (const auto& e : batch) {
      if (e.id == env.id) sent = &e;
    }
    ASSERT_NE(sent, nullptr) << m.value;
    ids.insert(env.id);
    EXPECT_EQ(m.topic, sink.topic_for(*sent));
    EXPECT_EQ(m.key, sent->key);
    EXPECT_EQ(m.headers.at("event_id"), sent->id);
    EXPECT_EQ(m.headers.at("event_type"), sent->type);
    EXPECT_EQ(m.headers.at("schema_version"), std::to_string(sent->schema_version));
    EXPECT_EQ(m.value, envelope_json(*sent));
    partitions[m.topic + "/" + m.key].insert(m.partition);
  }
  EXPECT_EQ(ids.size(), batch.size());
  for (const auto& [key, parts] : partitions) EXPECT_EQ(parts.size(), 1u) << key;
}

KafkaSinkOptions broker_options(const std::string& bootstrap, const std::string& stem) {
  KafkaSinkOptions o;
  o.bootstrap_servers = bootstrap;
  o.topic_prefix = kafka_test::unique_name(stem) + ".";
  o.properties = {{"log_level", "3"}};
  return o;
}

// A publish whose PendingPublish is dropped without wait(): its delivery reports arrive later
// and are dropped (as for a publish that gave up waiting), touching nothing that is gone; the
// sink goes on delivering.
TEST(KafkaSinkBroker, ReportsOfAnAbandonedPublishAreDroppedAndTheSinkGoesOn) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  KafkaSink sink(broker_options(bootstrap, "abandoned"));
  std::vector<Event> first, second;
  for (int i = 1; i <= 50; ++i) first.push_back(testing::sample_event(i, "sku-" + std::to_string(i % 3)));
  for (int i = 51; i <= 60; ++i) second.push_back(testing::sample_event(i, "sku-" + std::to_string(i % 3)));
  sink.begin_publish(first).reset();  // abandoned at once
  EXPECT_TRUE(sink.flush(10000));     // serves its reports
  EXPECT_EQ(sink.counters().produced, 50);
  EXPECT_EQ(sink.counters().acked, 0);
  const auto acks = sink.publish(second);
  ASSERT_EQ(acks.size(), second.size());
  for (const auto& ack : acks) EXPECT_EQ(ack.status, AckStatus::kAcked) << ack.error;
  EXPECT_EQ(sink.counters().acked, 10);
}

// An event whose payload is not JSON fails the whole batch (begin_publish throws
// InvalidArgument naming "payload"); the reports of the events produced before it are dropped
// and the sink goes on delivering.
TEST(KafkaSinkBroker, AnEventThatCannotBeEncodedFailsTheBatchAndTheSinkGoesOn) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  KafkaSink sink(broker_options(bootstrap, "unencodable"));
  std::vector<Event> batch;
  for (int i = 1; i <= 5; ++i) batch.push_back(testing::sample_event(i, "sku-a"));
  batch[3].payload = "{not json";
  try {
    sink.publish(batch);
    ADD_FAILURE() << "publish took a payload that is not JSON";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.subject(), "payload");
  }
  EXPECT_TRUE(sink.flush(10000));  // the three produced before it get their reports
  EXPECT_EQ(sink.counters().acked, 0);
  batch[3].payload = "{}";
  const auto acks = sink.publish(batch);
  for (const auto& ack : acks) EXPECT_EQ(ack.status, AckStatus::kAcked) << ack.error;
  EXPECT_EQ(sink.counters().acked, 5);
}

// The conformance suite reads back in publish order, so each harness publishes to topics of one
// partition (Kafka orders messages per partition only).
testing::SinkHarness kafka_harness() {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return {};
  KafkaSinkOptions o;
  o.bootstrap_servers = bootstrap;
  const std::string topic = kafka_test::unique_name("conformance");
  // Every event topic of the suite goes to one single-partition topic.
  o.topic_overrides = {{"product-events", topic}, {"user.point.charged", topic},
                       {"user-events", topic},    {"order-events", topic}};
  o.properties = {{"log_level", "3"}};
  kafka_test::create_topic(bootstrap, topic, 1);
  auto sink = std::make_unique<KafkaSink>(o);
  return {std::move(sink), [bootstrap, topic] {
            std::vector<Event> out;
            for (const auto& m : kafka_test::consume_all(bootstrap, {topic})) {
              out.push_back(parse_envelope_json(m.value));
            }
            return out;
          }};
}

}  // namespace
}  // namespace commerce

COMMERCE_INSTANTIATE_SINK_CONFORMANCE(Kafka,
                                      (commerce::testing::SinkUnderTest{"kafka", [] {
                                        return commerce::kafka_harness();
                                      }}));
