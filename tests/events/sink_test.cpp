// The built-in sinks run the sink conformance suite; EventSinkBase's per-key rule and the
// JSON-lines format are tested directly.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "events_test_support.h"
#include "sink_conformance.h"

namespace {

using commerce::testing::SinkHarness;
using commerce::testing::SinkUnderTest;

SinkHarness memory_sink() {
  auto sink = std::make_unique<commerce::MemorySink>();
  auto* raw = sink.get();
  return {std::move(sink), [raw] { return raw->events(); }};
}

SinkHarness callback_sink() {
  struct Seen {
    std::mutex mu;
    std::vector<commerce::Event> events;
  };
  auto seen = std::make_shared<Seen>();
  auto sink = std::make_unique<commerce::CallbackSink>([seen](const commerce::Event& e) {
    std::lock_guard lock(seen->mu);
    seen->events.push_back(e);
  });
  return {std::move(sink), [seen] {
            std::lock_guard lock(seen->mu);
            return seen->events;
          }};
}

SinkHarness jsonl_sink(bool fsync) {
  const std::string path = commerce::events_test::fresh_db_path() + ".jsonl";
  auto sink = std::make_unique<commerce::JsonLinesSink>(path, commerce::JsonLinesSinkOptions{fsync});
  return {std::move(sink), [path] { return commerce::read_json_lines(path); }};
}

}  // namespace

COMMERCE_INSTANTIATE_SINK_CONFORMANCE(
    Builtin, (SinkUnderTest{"memory", memory_sink}), (SinkUnderTest{"callback", callback_sink}),
    (SinkUnderTest{"jsonl", [] { return jsonl_sink(true); }}),
    (SinkUnderTest{"jsonlNoFsync", [] { return jsonl_sink(false); }}));

namespace commerce {
namespace {

using testing::sample_event;

TEST(EventSinkBase, AFailedEventStopsLaterEventsOfItsKeyOnly) {
  std::vector<std::string> written;
  CallbackSink sink([&](const Event& e) {
    if (e.seq == 2) throw std::runtime_error("broker said no");
    written.push_back(e.key + "#" + std::to_string(e.seq));
  });
  const std::vector<Event> batch = {sample_event(1, "a"), sample_event(2, "a"), sample_event(3, "b"),
                                    sample_event(4, "a"), sample_event(5, "b")};
  const auto acks = sink.publish(batch);
  ASSERT_EQ(acks.size(), 5u);
  EXPECT_EQ(acks[0].status, AckStatus::kAcked);
  EXPECT_EQ(acks[1].status, AckStatus::kFailed);
  EXPECT_EQ(acks[1].error, "broker said no");
  EXPECT_EQ(acks[2].status, AckStatus::kAcked);
  EXPECT_EQ(acks[3].status, AckStatus::kNotAttempted);
  EXPECT_EQ(acks[4].status, AckStatus::kAcked);
  EXPECT_EQ(written, (std::vector<std::string>{"a#1", "b#3", "b#5"}));
}

TEST(EventSinkBase, AFailedFlushFailsEveryWrittenEvent) {
  class FlakyFlush final : public EventSinkBase {
   public:
    std::string name() const override { return "flaky"; }
    int writes = 0;

   protected:
    void write(const Event&) override { ++writes; }
    void flush() override { throw Error::unavailable("flaky", "disk full"); }
  } sink;
  const std::vector<Event> batch = {sample_event(1, "a"), sample_event(2, "b")};
  const auto acks = sink.publish(batch);
  ASSERT_EQ(acks.size(), 2u);
  for (const auto& ack : acks) {
    EXPECT_EQ(ack.status, AckStatus::kFailed);
    EXPECT_NE(ack.error.find("disk full"), std::string::npos) << ack.error;
  }
  EXPECT_EQ(sink.writes, 2);
}

TEST(CallbackSink, RejectsAnEmptyCallback) {
  EVENTS_EXPECT_ERROR(CallbackSink(nullptr), ErrorCode::kInvalidArgument);
}

TEST(JsonLinesSink, WritesOneEnvelopePerLine) {
  const std::string path = events_test::fresh_db_path() + ".jsonl";
  JsonLinesSink sink(path);
  const std::vector<Event> batch = {sample_event(1, "a"), sample_event(2, "b")};
  sink.publish(batch);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, envelope_json(batch[0]));
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["id"], batch[0].id);
  EXPECT_TRUE(j["payload"].is_object());
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys.size(), 9u);
  std::getline(in, line);
  EXPECT_EQ(line, envelope_json(batch[1]));
  EXPECT_FALSE(std::getline(in, line));
}

TEST(JsonLinesSink, ReaderSkipsAPartialLastLineButNotACorruptMiddleLine) {
  const std::string path = events_test::fresh_db_path() + ".jsonl";
  {
    std::ofstream out(path);
    out << envelope_json(sample_event(1, "a")) << "\n" << R"({"seq":2,"id":"x)";
  }
  const auto events = read_json_lines(path);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, 1);
  {
    std::ofstream out(path, std::ios::app);
    out << "\n" << envelope_json(sample_event(3, "a")) << "\n";
  }
  EVENTS_EXPECT_ERROR(read_json_lines(path), ErrorCode::kInvalidArgument);
}

// A missing directory is configuration, not a passing failure: FailedPrecondition (issue 15).
TEST(JsonLinesSink, UnwritablePathIsFailedPrecondition) {
  EVENTS_EXPECT_ERROR(JsonLinesSink("/nonexistent-dir/x/events.jsonl"),
                      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(EVENTS_EXPECT_ERROR(JsonLinesSink(""), ErrorCode::kInvalidArgument), "path");
}

TEST(Envelope, ParseNamesTheBadField) {
  const std::string good = envelope_json(sample_event(1, "a"));
  auto without = [&](const char* field) {
    auto j = nlohmann::json::parse(good);
    j.erase(field);
    return j.dump();
  };
  EXPECT_EQ(EVENTS_EXPECT_ERROR(parse_envelope_json(without("id")), ErrorCode::kInvalidArgument), "id");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(parse_envelope_json(without("payload")), ErrorCode::kInvalidArgument),
            "payload");
  auto j = nlohmann::json::parse(good);
  j["seq"] = "one";
  EXPECT_EQ(EVENTS_EXPECT_ERROR(parse_envelope_json(j.dump()), ErrorCode::kInvalidArgument), "seq");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(parse_envelope_json("[1]"), ErrorCode::kInvalidArgument), "envelope");
  Event bad = sample_event(1, "a");
  bad.payload = "{not json";
  EXPECT_EQ(EVENTS_EXPECT_ERROR(envelope_json(bad), ErrorCode::kInvalidArgument), "payload");
}

}  // namespace
}  // namespace commerce
