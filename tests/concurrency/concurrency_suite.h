// The concurrency suite: races across threads and processes, the same tests for every adapter.
//
// Each test seeds a fresh database, closes its own Store, then forks kProcesses worker processes.
// Every worker opens its own Store after the fork (connections are never shared across fork) and
// runs kThreadsPerProcess threads that together make the race's attempts; the parent opens a
// Store of its own and samples the invariants while the workers run. The checks are exact counts
// (exactly N attempts succeed), never timings. An adapter runs the suite by linking the
// commerce_concurrency_suite object library and instantiating it:
//
//   COMMERCE_INSTANTIATE_STORAGE_CONCURRENCY(
//       MyAdapter, (commerce::testing::ConcurrencyTarget{"my", [] { return make_fresh_db(); }}));
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "commerce/invariants.h"
#include "commerce/store.h"

namespace commerce::testing {

struct ConcurrencyTarget {
  std::string name;  // used in test names: letters and digits only
  // Creates a new empty database and returns its location (anything Store::open accepts).
  std::function<std::string()> fresh_location;
};

// What one attempt of a race came to. Anything an attempt throws counts as unexpected.
enum class Outcome { kSucceeded, kRefused };

struct RaceResult {
  std::int64_t succeeded = 0;
  std::int64_t refused = 0;
  std::int64_t unexpected = 0;
  std::vector<std::int64_t> winners;  // indices of the attempts that succeeded, ascending
  std::vector<std::string> problems;  // the first unexpected errors, and worker failures
  std::int64_t samples = 0;           // how often the parent sampled the invariants
};

class StorageConcurrency : public ::testing::TestWithParam<ConcurrencyTarget> {
 protected:
  static constexpr int kProcesses = 2;
  static constexpr int kThreadsPerProcess = 8;

  void SetUp() override { location_ = GetParam().fresh_location(); }

  // A new Store on the test's database, with the system clock (and a FakeGateway on
  // gateway_record_, if set).
  std::unique_ptr<Store> open_store() const;

  // Runs attempts 0..attempts-1 spread over kProcesses x kThreadsPerProcess workers (attempt i
  // runs in worker i % workers). `attempt` runs in the worker processes with that process's
  // Store; `sample` runs repeatedly in this process, on its own Store, until every worker has
  // finished (and once more after). The caller must hold no open Store while calling this.
  RaceResult race(std::int64_t attempts,
                  const std::function<Outcome(Store&, std::int64_t)>& attempt,
                  const std::function<void(Store&)>& sample);

  std::string location_;
  // Set before opening stores: each store gets its own FakeGateway on this record file, which
  // every process shares, so they see one gateway (commerce/payments.h). Empty: no gateway.
  std::string gateway_record_;
};

// A race's sample: every invariant holds mid-race (sagas in flight are no violation).
inline void expect_invariants_mid_race(Store& store) {
  const auto report = check_invariants(store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

inline void PrintTo(const ConcurrencyTarget& t, std::ostream* os) { *os << t.name; }

std::string concurrency_target_name(const ::testing::TestParamInfo<ConcurrencyTarget>& info);

}  // namespace commerce::testing

#define COMMERCE_INSTANTIATE_STORAGE_CONCURRENCY(prefix, ...)                          \
  namespace commerce::testing {                                                        \
  INSTANTIATE_TEST_SUITE_P(prefix, StorageConcurrency, ::testing::Values(__VA_ARGS__), \
                           concurrency_target_name);                                   \
  }
