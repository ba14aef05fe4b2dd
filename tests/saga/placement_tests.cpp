// Placement runs every move that needs no external call in the unit of work it follows: the
// order it returns is the order as stored, and the number of units committed is fixed (one
// without the gateway, two around it), whatever the outcome. A unit is first run without
// savepoints; one that meets a refusal is rolled back and run again with them, and so are the
// units that follow it for a while.
#include <algorithm>
#include <mutex>

#include "observed_storage.h"
#include "saga_fixture.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

using Op = FakeGateway::Operation;
using B = FakeGateway::Behaviour;

// Counts the units of work run through it: write units committed, write units rolled back
// (their work threw), read units.
class UnitCounter final : public ObservedStorage {
 public:
  struct Counts {
    int committed = 0;
    int rolled_back = 0;
    int reads = 0;
    bool operator==(const Counts&) const = default;
  };
  explicit UnitCounter(std::unique_ptr<Storage> target) : ObservedStorage(std::move(target)) {}
  Counts take() {
    std::lock_guard lock(mu_);
    return std::exchange(counts_, {});
  }

 protected:
  void after_unit(Access access, bool ok) override { count(access, ok); }

 private:
  void count(Access access, bool ok) {
    std::lock_guard lock(mu_);
    if (access == Access::kRead) {
      ++counts_.reads;
    } else {
      ++(ok ? counts_.committed : counts_.rolled_back);
    }
  }
  std::mutex mu_;
  Counts counts_;
};

// Records the statements that change rows, per committed write unit.
class WriteRecorder final : public ObservedStorage {
 public:
  explicit WriteRecorder(std::unique_ptr<Storage> target) : ObservedStorage(std::move(target)) {}
  std::vector<std::vector<std::string>> take() { return std::exchange(committed_, {}); }

 protected:
  void before_statement(const Sql& sql, bool writes) override {
    if (writes) current_.push_back(sql.text.empty() ? sql.postgres : sql.text);
  }
  void after_unit(Access access, bool ok) override {
    if (access == Access::kWrite && ok) committed_.push_back(current_);
    current_.clear();
  }

 private:
  std::vector<std::string> current_;
  std::vector<std::vector<std::string>> committed_;
};

// How many of `unit`'s statements start with `prefix`.
int count_starting(const std::vector<std::string>& unit, const std::string& prefix) {
  return static_cast<int>(std::count_if(unit.begin(), unit.end(), [&](const std::string& sql) {
    return sql.starts_with(prefix);
  }));
}

void PrintTo(const UnitCounter::Counts& c, std::ostream* os) {
  *os << "{committed " << c.committed << ", rolled back " << c.rolled_back << ", reads " << c.reads
      << "}";
}

struct Case {
  const char* name;
  PlaceOrder order;
  OrderStatus status;
  int write_units;  // what place() may take: the gateway is called between two units
  std::vector<FakeGateway::Step> charge = {};
  bool refused_locally = false;  // a step of the first unit refuses
};

std::vector<Case> cases(const std::string& coupon) {
  return {
      {"paid by points",
       {.user_id = "u1", .items = {{"b", 2}}, .points_to_use = 1000},
       OrderStatus::kConfirmed,
       1},
      {"paid by the gateway",
       {.user_id = "u1", .items = {{"a", 2}, {"b", 1}}, .coupon_id = coupon, .points_to_use = 400},
       OrderStatus::kConfirmed,
       2},
      {"out of stock",
       {.user_id = "u1", .items = {{"a", 11}}, .points_to_use = 100},
       OrderStatus::kFailed,
       1,
       {},
       true},
      {"not enough points",
       {.user_id = "u1", .items = {{"a", 5}}, .points_to_use = 4000},
       OrderStatus::kFailed,
       1,
       {},
       true},
      {"declined",
       {.user_id = "u1", .items = {{"a", 1}}, .coupon_id = coupon, .points_to_use = 100},
       OrderStatus::kFailed,
       2,
       {{B::kDecline}}},
      {"pending",
       {.user_id = "u1", .items = {{"a", 1}}, .points_to_use = 100},
       OrderStatus::kAwaitingPayment,
       2,
       {{B::kPending}}},
  };
}

TEST_P(SagaTest, PlaceReturnsTheOrderAsStored) {
  for (const Case& c : cases(coupon_)) {
    SCOPED_TRACE(c.name);
    if (!c.charge.empty()) gateway_->script(Op::kCharge, c.charge);
    const Order placed = store_->orders().place(c.order);
    EXPECT_EQ(placed.status, c.status);
    EXPECT_EQ(placed, store_->orders().get(placed.id));
  }
  expect_invariants(*store_, false);
}

// Reopens the test's store over a UnitCounter (a new store: its first unit is optimistic) and
// names the counter `counter`.
#define OPEN_COUNTED_STORE(counter)                                              \
  store_.reset();                                                                \
  auto counter##_owner = std::make_unique<UnitCounter>(open_storage(location_)); \
  UnitCounter& counter = *counter##_owner;                                       \
  store_ = Store::open(std::move(counter##_owner), options(gateway_));           \
  counter.take() /* what opening the store did */

TEST_P(SagaTest, PlacementTakesOneUnitWithoutTheGatewayAndTwoAroundIt) {
  for (const Case& c : cases(coupon_)) {
    SCOPED_TRACE(c.name);
    OPEN_COUNTED_STORE(counter);
    if (!c.charge.empty()) gateway_->script(Op::kCharge, c.charge);
    store_->orders().place(c.order);
    EXPECT_EQ(counter.take(), (UnitCounter::Counts{c.write_units, c.refused_locally ? 1 : 0, 0}));
  }
  expect_invariants(*store_, false);
}

// A unit of work writes the saga row once, however many moves it made, and its events, log
// lines and audit rows with one statement each; a new order's rows are inserted in their final
// state (a unit that places and confirms an order updates none of them).
TEST_P(SagaTest, AUnitWritesEachSagaRowOnceAndItsLinesTogether) {
  for (const Case& c : cases(coupon_)) {
    SCOPED_TRACE(c.name);
    store_.reset();
    auto owner = std::make_unique<WriteRecorder>(open_storage(location_));
    WriteRecorder& recorder = *owner;
    store_ = Store::open(std::move(owner), options(gateway_));
    recorder.take();
    if (!c.charge.empty()) gateway_->script(Op::kCharge, c.charge);
    store_->orders().place(c.order);
    const auto units = recorder.take();
    ASSERT_EQ(static_cast<int>(units.size()), c.write_units);
    for (const auto& unit : units) {
      EXPECT_LE(count_starting(unit, "UPDATE sagas"), 1);
      for (const char* batch : {"INSERT INTO outbox(", "INSERT INTO saga_log", "INSERT INTO order_audit"}) {
        EXPECT_LE(count_starting(unit, batch), 1) << batch;
      }
    }
    const auto& first = units.front();
    EXPECT_EQ(count_starting(first, "INSERT INTO orders"), 1);
    EXPECT_EQ(count_starting(first, "INSERT INTO sagas"), 1);
    for (const char* update : {"UPDATE sagas", "UPDATE orders", "UPDATE reservations"}) {
      EXPECT_EQ(count_starting(first, update), 0) << update;
    }
  }
  expect_invariants(*store_, false);
}

// The stock step locks what every order of its products waits on, so a unit runs it after its
// other local steps (points, coupon): those rows stay locked for the rest of the unit only. Its
// log line and events keep their place in the saga's order for every reader.
TEST_P(SagaTest, AUnitReservesStockAfterItsOtherStepsAndKeepsTheSagasOrder) {
  store_.reset();
  auto owner = std::make_unique<WriteRecorder>(open_storage(location_));
  WriteRecorder& recorder = *owner;
  store_ = Store::open(std::move(owner), options(gateway_));
  recorder.take();
  const Order placed = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 2}}, .coupon_id = coupon_, .points_to_use = 500});
  ASSERT_EQ(placed.status, OrderStatus::kConfirmed);
  const auto units = recorder.take();
  ASSERT_EQ(units.size(), 1u);
  const auto first = [&](const std::string& prefix) {
    const auto& unit = units.front();
    return std::find_if(unit.begin(), unit.end(),
                        [&](const std::string& sql) { return sql.starts_with(prefix); }) -
           unit.begin();
  };
  ASSERT_LT(first("UPDATE stock"), static_cast<std::ptrdiff_t>(units.front().size()));
  EXPECT_LT(first("UPDATE point_balances"), first("UPDATE stock"));
  EXPECT_LT(first("UPDATE coupons"), first("UPDATE stock"));

  const auto [lines, types] = run_unit(
      detail::storage_of(*store_), Storage::Access::kRead, [&](Transaction& tx) {
        std::vector<std::string> steps, events;
        for (const auto& e : tx.find_saga_log(placed.id)) steps.push_back(e.step + "." + e.action);
        for (const auto& e : tx.read_outbox(0, 1000)) events.push_back(e.type);
        return std::pair{steps, events};
      });
  EXPECT_EQ(lines, (std::vector<std::string>{"order.created", "stock.done", "points.done",
                                             "coupon.done", "payment.skipped", "order.confirmed"}));
  const auto at = [&](const std::string& type) {
    return std::find(types.begin(), types.end(), type) - types.begin();
  };
  EXPECT_LT(at("OrderCreated"), at("StockReserved"));
  EXPECT_LT(at("StockReserved"), at("PointUsed"));
  EXPECT_LT(at("PointUsed"), at("CouponUsed"));
  EXPECT_LT(at("CouponUsed"), at("OrderConfirmed"));
}

TEST_P(SagaTest, AfterARefusalTheNextUnitsRunCarefullyAtOnce) {
  OPEN_COUNTED_STORE(counter);
  const PlaceOrder too_many{.user_id = "u1", .items = {{"a", 11}}, .points_to_use = 100};
  for (const int rolled_back : {1, 0, 0}) {  // the first refusal is met optimistically
    const Order failed = store_->orders().place(too_many);
    EXPECT_EQ(counter.take(), (UnitCounter::Counts{1, rolled_back, 0}));
    EXPECT_EQ(failed.status, OrderStatus::kFailed);
    EXPECT_EQ(failed, store_->orders().get(failed.id));
    counter.take();
  }
  expect_invariants(*store_, false);
}

}  // namespace
}  // namespace commerce::testing
