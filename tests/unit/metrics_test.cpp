// Store::metrics() (commerce/metrics.h): each counter moves by exactly what the calls did,
// counted once per committed unit of work (a unit the storage runs again counts once, a unit
// rolled back counts nothing), external calls per attempt.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>

#include "commerce/error.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/shipments.h"
#include "commerce/storage.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

// An adapter over SQLite that, when armed, runs the next write unit's work twice: once in a
// savepoint it rolls back, then for real - what a retry on contention looks like to the library.
class RetryingStorage final : public Storage {
 public:
  explicit RetryingStorage(std::unique_ptr<Storage> inner) : inner_(std::move(inner)) {}
  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    const bool retry = access == Access::kWrite && armed_.exchange(false);
    inner_->run(access, [&](SqlSession& session) {
      if (retry) {
        struct Contention {};
        try {
          session.savepoint([&] {
            work(session);
            throw Contention{};
          });
        } catch (const Contention&) {
        }
      }
      work(session);
    });
  }
  std::string url() const override { return inner_->url(); }
  void arm() { armed_ = true; }

 private:
  std::unique_ptr<Storage> inner_;
  std::atomic<bool> armed_{false};
};

struct MetricsTest : ::testing::Test {
  MetricsTest() {
    auto storage = std::make_unique<RetryingStorage>(open_storage(fresh_path("metrics", ".db")));
    retrying = storage.get();
    StoreOptions options;
    options.gateway = gateway;
    options.carriers = {{"fake", carrier}};
    options.saga.attempts = 2;
    options.saga.backoff_initial_ms = 1;
    options.saga.backoff_max_ms = 1;
    options.saga.gateway_timeout_ms = 50;
    store = Store::open(std::move(storage), options);
    store->catalog().create({.id = "mug", .name = "Mug", .price = 1000, .initial_stock = 3});
  }

  // The "done" / "failed" / "compensated" lines of the order's saga log (of its steps, not of
  // the saga's own transitions, step "order").
  std::uint64_t log_lines(const std::string& order_id, const std::string& action) {
    const auto lines = run_unit(detail::storage_of(*store), Storage::Access::kRead,
                                [&](Transaction& tx) { return tx.find_saga_log(order_id); });
    return static_cast<std::uint64_t>(
        std::count_if(lines.begin(), lines.end(), [&](const SagaLogEntry& l) {
          return l.step != "order" && l.action == action;
        }));
  }

  std::shared_ptr<FakeGateway> gateway = std::make_shared<FakeGateway>();
  std::shared_ptr<FakeCarrier> carrier = std::make_shared<FakeCarrier>();
  RetryingStorage* retrying = nullptr;
  std::unique_ptr<Store> store;
};

TEST_F(MetricsTest, OrdersStepsAndGatewayCallsMoveByExactlyWhatHappened) {
  const MetricsSnapshot before = store->metrics();
  EXPECT_EQ(before.orders.placed, 0U);

  const Order paid = store->orders().place({.user_id = "ann", .items = {{"mug", 1}}});
  ASSERT_EQ(paid.status, OrderStatus::kConfirmed);
  MetricsSnapshot m = store->metrics();
  EXPECT_EQ(m.orders.placed, 1U);
  EXPECT_EQ(m.orders.awaiting_payment, 1U);
  EXPECT_EQ(m.orders.confirmed, 1U);
  EXPECT_EQ(m.orders.failed, 0U);
  EXPECT_EQ(m.gateway.approved, 1U);  // the charge
  EXPECT_EQ(m.gateway.latency.count, 1U);
  EXPECT_EQ(m.saga.steps_done, log_lines(paid.id, "done"));
  EXPECT_GE(m.saga.steps_done, 2U);  // at least stock and payment

  // Out of stock: the stock step refuses, the order fails; no gateway call.
  const Order refused = store->orders().place({.user_id = "bob", .items = {{"mug", 5}}});
  ASSERT_EQ(refused.status, OrderStatus::kFailed);
  m = store->metrics();
  EXPECT_EQ(m.orders.placed, 2U);
  EXPECT_EQ(m.orders.failed, 1U);
  EXPECT_EQ(m.saga.steps_refused, 1U);
  EXPECT_EQ(m.gateway.latency.count, 1U);

  // A declined charge: the order fails after the payment's begin.
  gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kDecline}});
  const Order declined = store->orders().place({.user_id = "cy", .items = {{"mug", 1}}});
  ASSERT_EQ(declined.status, OrderStatus::kFailed);
  m = store->metrics();
  EXPECT_EQ(m.orders.placed, 3U);
  EXPECT_EQ(m.orders.awaiting_payment, 2U);
  EXPECT_EQ(m.orders.failed, 2U);
  EXPECT_EQ(m.gateway.declined, 1U);
  EXPECT_EQ(m.saga.steps_compensated, log_lines(declined.id, "compensated"));

  // Cancelling the paid order: it is voided at the gateway and its steps compensated.
  const std::uint64_t compensated_before = m.saga.steps_compensated;
  const Order cancelled = store->orders().cancel(paid.id, "changed mind");
  ASSERT_EQ(cancelled.status, OrderStatus::kCancelled);
  m = store->metrics();
  EXPECT_EQ(m.orders.cancelled, 1U);
  EXPECT_EQ(m.orders.confirmed, 1U);
  EXPECT_EQ(m.gateway.approved, 2U);  // the void
  EXPECT_EQ(m.saga.steps_compensated - compensated_before, log_lines(paid.id, "compensated"));
  EXPECT_GE(log_lines(paid.id, "compensated"), 1U);
}

// After a refusal the saga runs its units carefully: a run of local steps in a savepoint, and
// when one refuses, the savepoint is rolled back and the steps run again one by one. The
// counters follow the saga log as committed, not the moves tried.
TEST_F(MetricsTest, StepsTriedInARolledBackSavepointAreNotCounted) {
  const Order refused = store->orders().place({.user_id = "bob", .items = {{"mug", 5}}});
  ASSERT_EQ(refused.status, OrderStatus::kFailed);  // from now on the units run carefully
  store->coupons().create_template({.code = "TEN", .name = "Ten", .kind = CouponKind::kFixed,
                                    .value = 10, .valid_until = 4102444800000, .total_limit = 10});
  const Coupon coupon = store->coupons().issue("TEN", "ann");
  store->coupons().revoke(coupon.id);
  // The stock step is done, then the required coupon (revoked) refuses.
  const Order o = store->orders().place({.user_id = "ann",
                                         .items = {{"mug", 1}},
                                         .coupon_id = coupon.id,
                                         .coupon_required = true});
  ASSERT_EQ(o.status, OrderStatus::kFailed);
  ASSERT_GE(log_lines(o.id, "done"), 1U);
  const MetricsSnapshot m = store->metrics();
  EXPECT_EQ(m.saga.steps_done, log_lines(refused.id, "done") + log_lines(o.id, "done"));
  EXPECT_EQ(m.saga.steps_refused, log_lines(refused.id, "failed") + log_lines(o.id, "failed"));
  EXPECT_EQ(m.saga.steps_compensated,
            log_lines(refused.id, "compensated") + log_lines(o.id, "compensated"));
  EXPECT_EQ(m.orders.failed, 2U);
}

TEST_F(MetricsTest, AUnitRunAgainCountsOnceAndARolledBackUnitCountsNothing) {
  retrying->arm();
  const Order o = store->orders().place({.user_id = "ann", .items = {{"mug", 1}}});
  ASSERT_EQ(o.status, OrderStatus::kConfirmed);
  MetricsSnapshot m = store->metrics();
  EXPECT_EQ(m.storage.retries, 1U);
  EXPECT_EQ(m.orders.placed, 1U);  // its unit ran twice, committed once
  EXPECT_EQ(m.orders.confirmed, 1U);

  const std::uint64_t units = m.storage.units;
  EXPECT_THROW(store->run_unit(
                   [](Unit&) { throw Error::invalid_argument("test", "roll back"); },
                   UnitMode::kWrite),
               Error);
  m = store->metrics();
  EXPECT_EQ(m.storage.units, units + 1);
  EXPECT_EQ(m.storage.retries, 1U);
  EXPECT_EQ(m.orders.placed, 1U);
}

TEST_F(MetricsTest, RelayDeliveriesFailuresAndDeadLetters) {
  store->orders().place({.user_id = "ann", .items = {{"mug", 1}}});
  MemorySink sink;
  OutboxRelay relay(*store, sink);
  const RelayBatch sent = relay.drain();
  ASSERT_GT(sent.delivered, 0);
  MetricsSnapshot m = store->metrics();
  EXPECT_EQ(m.relay.delivered, static_cast<std::uint64_t>(sent.delivered));
  EXPECT_EQ(m.relay.lag.count, static_cast<std::uint64_t>(sent.delivered));
  EXPECT_EQ(m.relay.failed, 0U);
  relay.release_lease();  // the next relay leads at once

  // A sink that refuses everything: one failed attempt, then the dead-letter table.
  struct RefusingSink final : EventSinkBase {
    std::string name() const override { return "refusing"; }
    void write(const Event&) override { throw Error::unavailable("sink", "down"); }
  } refusing;
  store->points().charge("bob", 10);  // one more event
  OutboxRelay failing(*store, refusing, {.max_attempts = 2, .backoff_initial_ms = 0,
                                         .backoff_max_ms = 0});
  const RelayBatch first = failing.run_once();
  const RelayBatch second = failing.run_once();
  m = store->metrics();
  EXPECT_EQ(m.relay.failed, static_cast<std::uint64_t>(first.failed + second.failed));
  EXPECT_EQ(m.relay.dead_lettered,
            static_cast<std::uint64_t>(first.dead_lettered + second.dead_lettered));
  EXPECT_EQ(m.relay.failed, 1U);
  EXPECT_EQ(m.relay.dead_lettered, 1U);
  EXPECT_EQ(m.relay.delivered, static_cast<std::uint64_t>(sent.delivered));
}

TEST_F(MetricsTest, CarrierCallsAreCountedPerAttempt) {
  const Order o = store->orders().place({.user_id = "ann", .items = {{"mug", 1}}});
  ASSERT_EQ(o.status, OrderStatus::kConfirmed);
  carrier->script(FakeCarrier::Operation::kCreate, {FakeCarrier::Behaviour::kTimeout});
  store->shipments().create(
      {.order_id = o.id, .location_id = kDefaultLocation, .items = {}, .carrier = "fake"});
  const MetricsSnapshot m = store->metrics();
  EXPECT_EQ(m.carrier.calls, 2U);  // a timeout, then the retry (saga.attempts = 2)
  EXPECT_EQ(m.carrier.unknown, 1U);
  EXPECT_EQ(m.carrier.latency.count, 2U);
}

}  // namespace
}  // namespace commerce::testing
