// The event-sink conformance suite: the same tests for every EventSink.
//
// A sink (built in, the Kafka sink, or a host's) runs the suite by linking the
// commerce_sink_conformance object library into a test executable and instantiating it:
//
//   COMMERCE_INSTANTIATE_SINK_CONFORMANCE(
//       MySink, (commerce::testing::SinkUnderTest{"mysink", [] {
//         auto sink = std::make_unique<MySink>(...);
//         auto* raw = sink.get();
//         return commerce::testing::SinkHarness{std::move(sink), [raw] { return read_back(raw); }};
//       }}));
//
// `delivered` returns what a consumer sees, in order: every acknowledged event, re-sends
// included. It may block for a while (a broker round trip). Each test makes a new harness, so
// each test starts with nothing delivered.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "commerce/event_sink.h"

namespace commerce::testing {

struct SinkHarness {
  std::unique_ptr<EventSink> sink;
  std::function<std::vector<Event>()> delivered;
};

struct SinkUnderTest {
  std::string name;  // used in test names: letters and digits only
  std::function<SinkHarness()> make;
};

class SinkConformance : public ::testing::TestWithParam<SinkUnderTest> {
 protected:
  void SetUp() override { harness_ = GetParam().make(); }
  EventSink& sink() { return *harness_.sink; }
  std::vector<Event> delivered() { return harness_.delivered(); }

  SinkHarness harness_;
};

inline void PrintTo(const SinkUnderTest& s, std::ostream* os) { *os << s.name; }

std::string sink_name(const ::testing::TestParamInfo<SinkUnderTest>& info);

// A well-formed event with the given seq and key (id, type, topic, payload filled in).
Event sample_event(std::int64_t seq, const std::string& key);

}  // namespace commerce::testing

#define COMMERCE_INSTANTIATE_SINK_CONFORMANCE(prefix, ...)                            \
  namespace commerce::testing {                                                      \
  INSTANTIATE_TEST_SUITE_P(prefix, SinkConformance, ::testing::Values(__VA_ARGS__), \
                           sink_name);                                               \
  }
