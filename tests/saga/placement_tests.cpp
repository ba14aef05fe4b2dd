// Placement runs every move that needs no external call in the unit of work it follows: the
// order it returns is the order as stored, and the number of units is fixed (one without the
// gateway, two around it), whatever the outcome.
#include <mutex>

#include "commerce/storage_wrapper.h"
#include "saga_fixture.h"

namespace commerce::testing {
namespace {

using Op = FakeGateway::Operation;
using B = FakeGateway::Behaviour;

// Counts the units of work run through it, by access.
class UnitCounter final : public StorageWrapper {
 public:
  explicit UnitCounter(std::unique_ptr<Storage> target) : StorageWrapper(std::move(target)) {}
  void run(Access access, const std::function<void(Transaction&)>& work) override {
    {
      std::lock_guard lock(mu_);
      ++(access == Access::kWrite ? writes_ : reads_);
    }
    StorageWrapper::run(access, work);
  }
  std::pair<int, int> take() {
    std::lock_guard lock(mu_);
    const std::pair<int, int> counts{writes_, reads_};
    writes_ = reads_ = 0;
    return counts;
  }

 private:
  std::mutex mu_;
  int writes_ = 0;
  int reads_ = 0;
};

struct Case {
  const char* name;
  PlaceOrder order;
  OrderStatus status;
  int write_units;  // what place() may take: the gateway is called between two units
  std::vector<FakeGateway::Step> charge = {};
};

std::vector<Case> cases(const std::string& coupon) {
  return {
      {"paid by points", {.user_id = "u1", .items = {{"b", 2}}, .points_to_use = 1000},
       OrderStatus::kConfirmed, 1},
      {"paid by the gateway",
       {.user_id = "u1", .items = {{"a", 2}, {"b", 1}}, .coupon_id = coupon, .points_to_use = 400},
       OrderStatus::kConfirmed, 2},
      {"out of stock", {.user_id = "u1", .items = {{"a", 11}}, .points_to_use = 100},
       OrderStatus::kFailed, 1},
      {"not enough points", {.user_id = "u1", .items = {{"a", 5}}, .points_to_use = 4000},
       OrderStatus::kFailed, 1},
      {"declined",
       {.user_id = "u1", .items = {{"a", 1}}, .coupon_id = coupon, .points_to_use = 100},
       OrderStatus::kFailed, 2, {{B::kDecline}}},
      {"pending", {.user_id = "u1", .items = {{"a", 1}}, .points_to_use = 100},
       OrderStatus::kAwaitingPayment, 2, {{B::kPending}}},
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

TEST_P(SagaTest, PlacementTakesOneUnitWithoutTheGatewayAndTwoAroundIt) {
  store_.reset();
  auto counter_owner = std::make_unique<UnitCounter>(open_storage(location_));
  UnitCounter& counter = *counter_owner;
  store_ = Store::open(std::move(counter_owner), options(gateway_));
  for (const Case& c : cases(coupon_)) {
    SCOPED_TRACE(c.name);
    if (!c.charge.empty()) gateway_->script(Op::kCharge, c.charge);
    counter.take();
    store_->orders().place(c.order);
    EXPECT_EQ(counter.take(), std::make_pair(c.write_units, 0)) << "(write units, read units)";
  }
}

}  // namespace
}  // namespace commerce::testing
