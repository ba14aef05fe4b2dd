#include "saga_fixture.h"

#include "scratch_dir.h"

namespace commerce::testing {

void SagaTest::SetUp() {
  scratch_ = fresh_path("saga", "");
  std::filesystem::create_directories(scratch_);
  record_ = (scratch_ / "gateway.log").string();
  location_ = GetParam().fresh_location();
  clock_ = std::make_shared<ManualClock>(kStart);
  gateway_ = std::make_shared<FakeGateway>(record_);
  store_ = open(location_, gateway_);
  coupon_ = seed(*store_, *clock_);
}

void SagaTest::TearDown() {
  store_.reset();
  gateway_.reset();
  std::error_code ec;
  std::filesystem::remove_all(scratch_, ec);
}

SagaOptions SagaTest::fast_saga() {
  SagaOptions saga;
  saga.gateway_timeout_ms = 5;
  saga.attempts = 2;
  saga.backoff_initial_ms = 1;
  saga.backoff_max_ms = 2;
  return saga;
}

StoreOptions SagaTest::options(std::shared_ptr<PaymentGateway> gateway, SagaOptions saga) const {
  StoreOptions options;
  options.clock = clock_;
  options.gateway = std::move(gateway);
  options.saga = std::move(saga);
  return options;
}

std::unique_ptr<Store> SagaTest::open(const std::string& location,
                                      std::shared_ptr<FakeGateway> gateway,
                                      SagaOptions saga) const {
  return Store::open(location, options(std::move(gateway), std::move(saga)));
}

std::string SagaTest::seed(Store& store, ManualClock& clock) {
  store.catalog().create({.id = "a", .name = "Mug", .price = kPriceA, .initial_stock = 10});
  store.catalog().create({.id = "b", .name = "Cup", .price = kPriceB, .initial_stock = 5});
  store.points().charge("u1", kUserPoints);
  store.coupons().create_template({.code = "OFF",
                                   .name = "1500 off",
                                   .kind = CouponKind::kFixed,
                                   .value = kCouponOff,
                                   .valid_from = clock.now() - 1000,
                                   .valid_until = clock.now() + 365LL * 24 * 3600 * 1000,
                                   .total_limit = 100,
                                   .per_user_limit = 5});
  return store.coupons().issue("OFF", "u1").id;
}

std::string SagaTest::revoked_coupon(Store& store) {
  const std::string id = store.coupons().issue("OFF", "u1").id;
  store.coupons().revoke(id);
  return id;
}

void SagaTest::expect_invariants(Store& store, bool settled) {
  const auto report = check_invariants(store, settled);
  for (const auto& v : report.violations) {
    ADD_FAILURE() << "invariant " << v.rule << " broken by " << v.subject << ": " << v.detail;
  }
  EXPECT_GT(report.products, 0);
}

void SagaTest::expect_money_matches(Store& store, const FakeGateway& gateway,
                                    const std::string& user) {
  std::string cursor;
  do {
    auto page = store.orders().list_for_user(user, cursor, 100);
    for (const auto& order : page.items) {
      EXPECT_LE(gateway.charges_for(order.id), 1) << "order " << order.id << " charged twice";
      // Partial refunds: each approved one applied once at the gateway, none other.
      Money refunded = 0;
      int approved = 0;
      for (const Refund& r : store.orders().refunds(order.id)) {
        if (r.status != RefundStatus::kApproved) continue;
        refunded += r.amount;
        ++approved;
      }
      if (approved > 0) {
        EXPECT_EQ(gateway.refunds_for(order.id), approved) << "order " << order.id;
      }
      switch (order.status) {
        case OrderStatus::kConfirmed:
        case OrderStatus::kShipped:
        case OrderStatus::kDelivered:
          EXPECT_EQ(gateway.net_for(order.id), order.total - refunded) << "order " << order.id;
          break;
        case OrderStatus::kFailed:
        case OrderStatus::kCancelled:
          EXPECT_EQ(gateway.net_for(order.id), 0) << "order " << order.id;
          break;
        default:
          break;
      }
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
}

std::string saga_suite_name(const ::testing::TestParamInfo<StorageUnderTest>& info) {
  return info.param.name;
}

}  // namespace commerce::testing
