// Helpers of the Kafka tests (label kafka): where the broker is, a librdkafka consumer that reads
// topics back, topic creation, the broker's kill/restart switch, and outbox filling.
//
// The broker comes from the environment (tests/kafka/run_kafka_tests.sh sets it):
//   COMMERCE_KAFKA_BOOTSTRAP      host:port of a running broker (also: a developer's own broker)
//   COMMERCE_KAFKA_BROKER_SCRIPT  tests/kafka/broker.sh, and
//   COMMERCE_KAFKA_STATE_DIR      its state dir, for the tests that kill and restart the broker.
// Without a broker a test that needs one is skipped with a message, except under CI=true, where
// it fails: CI never skips the Kafka tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commerce/event.h"
#include "commerce/storage.h"

namespace commerce::kafka_test {

// The broker's bootstrap address, or nullopt when none is configured.
std::optional<std::string> broker_bootstrap();

// True when CI=true (or 1) is set: missing brokers are failures, not skips.
bool in_ci();

// Skips (or, under CI, fails) the current test when no broker is configured; returns the
// bootstrap address or an empty string. Call from a void function (a test body or SetUp) and
// return when it returns empty.
std::string require_broker();

// Whether the broker can be killed and restarted (broker.sh and its state dir are known).
bool broker_control_available();
// Runs `broker.sh kill|restart STATE_DIR`; adds a test failure and returns false on error.
bool broker_kill();
bool broker_restart();

// A topic or prefix name that no other test run uses: "<stem>-<pid>-<time>-<n>".
std::string unique_name(const std::string& stem);

// A new SQLite database path under this process's temp folder, which is deleted when the test
// program ends.
std::string temp_db_path(const std::string& stem);

// A 127.0.0.1:port address where nothing listens (a port bound then closed).
std::string dead_bootstrap();

// Creates the topic with `partitions` partitions (replication factor 1) and waits until the
// broker reports it. Adds a test failure on error.
void create_topic(const std::string& bootstrap, const std::string& topic, int partitions);

struct ConsumedMessage {
  std::string topic;
  int partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads every message of `topics` from the beginning up to each partition's end as of the call,
// in partition order then offset order. Adds a test failure if it cannot within 60 s.
std::vector<ConsumedMessage> consume_all(const std::string& bootstrap,
                                         const std::vector<std::string>& topics);

// Appends `count` events to the outbox, `per_tx` per transaction, spread round-robin-ish over
// `keys` keys and the three default topics; returns them with the seq storage assigned.
std::vector<Event> fill_outbox(Storage& storage, int count, int keys, int per_tx = 500);

// Checks that `messages` carry exactly the events `want` (by id, each at least once, and
// exactly once when `exactly_once`), that every re-sent copy carries the same id and envelope,
// that headers, key and value agree, and that, per key, the first copies appear in seq order.
// Returns the number of duplicate copies.
std::int64_t check_delivery(const std::vector<ConsumedMessage>& messages,
                            const std::vector<Event>& want, bool exactly_once);

// CPU time (user + system) of this process, in milliseconds.
std::int64_t process_cpu_ms();

}  // namespace commerce::kafka_test
