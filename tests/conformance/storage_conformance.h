// The storage conformance suite: the same tests for every storage adapter.
//
// Each test opens a fresh, empty store through StorageUnderTest::fresh_location and checks the
// domain rules of SPEC.md (catalog, stock, points, coupons, idempotency) and the unit-of-work
// contract of commerce/storage.h. An adapter (ours or a third party's) runs the suite by linking
// the commerce_conformance object library into a test executable and instantiating it:
//
//   COMMERCE_INSTANTIATE_STORAGE_CONFORMANCE(
//       MyAdapter, (commerce::testing::StorageUnderTest{"my", [] { return make_fresh_db(); }}));
//
// where the location is anything commerce::open_storage() accepts (register a scheme with
// commerce::register_storage_scheme for a new adapter).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "commerce/store.h"

namespace commerce::testing {

struct StorageUnderTest {
  std::string name;  // used in test names: letters and digits only
  // Creates a new empty database and returns its location. Called once per test.
  std::function<std::string()> fresh_location;
};

// The fixture of every conformance test: a store on a fresh database with a manual clock.
class StorageConformance : public ::testing::TestWithParam<StorageUnderTest> {
 protected:
  static constexpr Timestamp kStart = 1'800'000'000'000;  // 2027-01-15

  void SetUp() override;
  // Opens another Store on the same database (what a second host process would see).
  std::unique_ptr<Store> open_again();

  std::string location_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Store> store_;
};

// Prints the adapter's name in test output.
inline void PrintTo(const StorageUnderTest& s, std::ostream* os) { *os << s.name; }

std::string storage_name(const ::testing::TestParamInfo<StorageUnderTest>& info);

}  // namespace commerce::testing

#define COMMERCE_INSTANTIATE_STORAGE_CONFORMANCE(prefix, ...)                            \
  namespace commerce::testing {                                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, StorageConformance, ::testing::Values(__VA_ARGS__), \
                           storage_name);                                               \
  }
