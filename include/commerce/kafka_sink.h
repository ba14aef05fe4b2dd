// commerce/kafka_sink.h: publishes outbox events to Apache Kafka (optional component
// commerce::kafka, CMake option COMMERCE_WITH_KAFKA, built on librdkafka).
//
//   commerce::KafkaSink sink({.bootstrap_servers = "127.0.0.1:9092"});
//   commerce::OutboxRelay relay(*store, sink);
//   relay.drain();
//
// Each event becomes one Kafka message:
//   topic    event.topic, mapped by KafkaSinkOptions::topic_overrides or prefixed with
//            KafkaSinkOptions::topic_prefix (the store already applied its TopicNaming);
//   key      event.key (the aggregate id), so every event of one aggregate lands in one
//            partition, in outbox order; the partitioner defaults to murmur2_random, the Java
//            client's, so Java and librdkafka producers agree on partitions;
//   value    the JSON envelope of commerce/event_sink.h (envelope_json());
//   headers  "event_id" (Event::id, the same on every re-send: consumers deduplicate by it),
//            "event_type" (Event::type), "schema_version" (decimal text).
//
// Delivery: the producer is idempotent (enable.idempotence=true, acks=all): librdkafka's
// retries neither duplicate nor reorder messages within a partition. publish() hands a batch to
// librdkafka, then waits for the broker's delivery reports: an event is acknowledged only when
// its report says the broker stored it on every in-sync replica, never when the send call
// returned. An event whose report
// is an error, or that did not get one in time, is kFailed with librdkafka's error text; the
// relay retries it (same id). After a fatal producer error the producer is rebuilt before the
// next batch.
//
// Thread safety: publish(), flush() and close() may be called from any thread; calls are
// serialized by an internal mutex. name(), topic_for() and counters() may be called at any time.
// librdkafka's header stays out of this file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "commerce/event.h"
#include "commerce/event_sink.h"

namespace commerce {

struct KafkaSinkOptions {
  // Kafka's bootstrap.servers, e.g. "127.0.0.1:9092,127.0.0.1:9093". Required.
  std::string bootstrap_servers;

  // Any librdkafka configuration property (see librdkafka's CONFIGURATION.md), applied after the
  // sink's defaults, so a host value wins: e.g. {"compression.type", "zstd"}, TLS and SASL
  // settings, {"message.timeout.ms", "60000"}. The sink's defaults are
  //   enable.idempotence=true, acks=all, partitioner=murmur2_random,
  //   message.timeout.ms=30000, linger.ms=5, client.id=commerce-relay.
  // (librdkafka's experimental enable.gapless.guarantee=true may be added: it turns a batch
  // failure that could leave a gap in a partition into a fatal error, after which the sink
  // rebuilds its producer.)
  // Settings that would break the delivery guarantee are refused: enable.idempotence other
  // than true, acks other than all/-1, and bootstrap.servers (use the field above). librdkafka
  // logs to stderr by default; set "log_level" (0..7) to quiet it.
  std::map<std::string, std::string> properties;

  // Prepended to every event topic, e.g. "shop1." gives "shop1.order-events". Default: none.
  std::string topic_prefix;

  // Event topic -> Kafka topic, used instead of topic_prefix for the topics it names, e.g.
  // {"order-events", "orders-v2"}. Default: empty.
  std::map<std::string, std::string> topic_overrides;

  // How long publish() waits for the delivery reports of a batch beyond librdkafka's own
  // message.timeout.ms (which already bounds every report); events without a report by then
  // are kFailed. >= 0. Default 5000.
  std::int64_t report_grace_ms = 5000;

  // Called (from the thread inside publish() or flush()) with librdkafka's error events, e.g.
  // "127.0.0.1:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused" or
  // "1/1 brokers are down". Must not call back into the sink. Default: none (the errors still
  // reach the rows' last_error through the failed events).
  std::function<void(const std::string& error)> on_error;
};

// Message counts since the sink was created.
struct KafkaSinkCounters {
  std::int64_t produced = 0;  // messages handed to librdkafka
  std::int64_t acked = 0;     // delivery reports that said stored
  std::int64_t failed = 0;    // events reported kFailed (error report, no report, or send error)
  std::int64_t producer_rebuilds = 0;  // producers replaced after a fatal error
  std::string last_error;     // the most recent error text, or empty
};

class KafkaSink final : public EventSink {
 public:
  // Creates the producer (it connects in the background; an absent broker is not an error
  // here, it makes publish() report kFailed).
  // Errors: InvalidArgument naming "bootstrap_servers" (empty), "report_grace_ms" (negative),
  // the offending property (unknown, bad value, or one that would weaken delivery, e.g.
  // "properties.acks"), or "topic_overrides" (an empty topic name).
  explicit KafkaSink(KafkaSinkOptions options);
  // Calls close(); errors are swallowed.
  ~KafkaSink() override;
  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  // Produces the batch in order and returns one Ack per event once every delivery report has
  // arrived (or message.timeout.ms + report_grace_ms passed). Per key, every event after a
  // failed one is reported kNotAttempted, whether it was not produced (the send call failed) or
  // was stored anyway (the failure came in a delivery report): the relay re-sends it, same id,
  // after the failed one. Returns without waiting for an empty batch.
  // Throws FailedPrecondition (subject "kafka-sink") after close(); never throws for broker or
  // network failures, which are reported per event.
  std::vector<Ack> publish(std::span<const Event> batch) override;

  // Hands the batch to librdkafka (as publish() does) and returns without waiting for the
  // delivery reports; PendingPublish::wait() waits for them and returns what publish() would.
  // Batches begun one after another are produced in that order, so per key (one partition)
  // Kafka stores them in outbox order. The sink must outlive the returned object; destroying it
  // before wait() drops the reports still to come (they are not counted in counters().acked),
  // as do reports that arrive after wait() gave up. done() and, once every report is in,
  // wait() take no lock, so they never wait for another thread's begin_publish(). Errors: as
  // publish(). Thread-safe.
  std::unique_ptr<PendingPublish> begin_publish(std::span<const Event> batch) override;

  // "kafka:" + bootstrap_servers.
  std::string name() const override;

  // true: begin_publish() may run on a relay's publisher thread.
  bool publishes_in_background() const override;

  // The Kafka topic an event goes to (topic_overrides, else topic_prefix + event.topic).
  std::string topic_for(const Event& event) const;

  // Waits up to timeout_ms for every message handed to librdkafka to get its delivery report.
  // Returns true if none is outstanding. No-op returning true after close().
  bool flush(std::int64_t timeout_ms);

  // Flushes (up to message.timeout.ms), then purges what is still queued (those events were
  // never acknowledged, so the relay re-sends them) and destroys the producer. Idempotent.
  void close();

  KafkaSinkCounters counters() const;

  // The librdkafka version in use, e.g. "2.0.2".
  static std::string librdkafka_version();

 private:
  struct Impl;
  class Pending;
  std::unique_ptr<Impl> impl_;
};

}  // namespace commerce
