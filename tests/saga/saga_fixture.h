// The order saga suite: adapter-neutral tests of orders, payments, compensation, crash recovery
// and storage faults. Each test gets a fresh database (from StorageUnderTest::fresh_location), a
// manual clock and a FakeGateway whose durable record lives next to the test's scratch files.
// An adapter runs the suite by linking commerce_saga_suite and instantiating it:
//
//   COMMERCE_INSTANTIATE_SAGA_SUITE(Sqlite, (commerce::testing::StorageUnderTest{"sqlite", f}));
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "commerce/invariants.h"
#include "commerce/store.h"
#include "conformance/storage_conformance.h"

namespace commerce::testing {

// What every scenario starts from.
inline constexpr Money kPriceA = 1000;  // product "a", 10 on hand
inline constexpr Money kPriceB = 500;   // product "b", 5 on hand
inline constexpr Money kUserPoints = 3000;  // user "u1"
inline constexpr Money kCouponOff = 1500;   // fixed coupon issued to "u1"

class SagaTest : public ::testing::TestWithParam<StorageUnderTest> {
 public:
  static constexpr Timestamp kStart = 1'800'000'000'000;

  // Tiny gateway timeout and backoff, two attempts per call.
  static SagaOptions fast_saga();
  // Seeds products a and b, user u1's points and coupon; returns the coupon id.
  static std::string seed(Store& store, ManualClock& clock);
  // A revoked coupon of u1 (so a required use fails).
  static std::string revoked_coupon(Store& store);

  // Fails the test with every violation listed.
  static void expect_invariants(Store& store, bool settled = true);
  // No order charged twice; confirmed orders charged their total once; others net 0.
  static void expect_money_matches(Store& store, const FakeGateway& gateway,
                                   const std::string& user = "u1");

 protected:
  void SetUp() override;
  void TearDown() override;

  // Store options for this test's database: the gateway, fast retries, the manual clock.
  StoreOptions options(std::shared_ptr<PaymentGateway> gateway,
                       SagaOptions saga = fast_saga()) const;
  // Opens a store on `location` with the test's clock and `gateway`.
  std::unique_ptr<Store> open(const std::string& location, std::shared_ptr<FakeGateway> gateway,
                              SagaOptions saga = fast_saga()) const;

  std::filesystem::path scratch_;  // per-test directory for gateway records
  std::string location_;
  std::string record_;
  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<FakeGateway> gateway_;
  std::unique_ptr<Store> store_;
  std::string coupon_;
};

// Test name suffix: the adapter's name.
std::string saga_suite_name(const ::testing::TestParamInfo<StorageUnderTest>& info);

}  // namespace commerce::testing

#define COMMERCE_INSTANTIATE_SAGA_SUITE(prefix, ...)                                     \
  namespace commerce::testing {                                                         \
  INSTANTIATE_TEST_SUITE_P(prefix, SagaTest, ::testing::Values(__VA_ARGS__), \
                           saga_suite_name); \
  }
