// commerce::Unit (commerce/unit.h): every call keeps the invariants and writes its events inside
// the caller's unit of work; refusals and bad input change nothing; a unit that throws leaves
// nothing behind; read units refuse writes; lookups read what the services wrote.
#include "commerce/invariants.h"
#include "commerce/unit.h"
#include "events_test_support.h"

namespace commerce {
namespace {

using events_test::kStart;
using events_test::payload_of;

class UnitTest : public ::testing::Test {
 protected:
  void SetUp() override { open(TopicNaming::kPerDomain); }

  void open(TopicNaming naming) {
    clock_ = std::make_shared<ManualClock>(kStart);
    StoreOptions options;
    options.clock = clock_;
    options.topic_naming = naming;
    options.gateway = std::make_shared<FakeGateway>();
    store_ = Store::open(events_test::fresh_db_path(), options);
    store_->catalog().create({.id = "mug", .name = "Mug", .price = 1000, .initial_stock = 5});
    seq_ = last_seq();
  }

  // Outbox events written since the store was set up.
  std::vector<Event> new_events() {
    return store_->run_unit([&](Unit& unit) { return unit.events().outbox(seq_, 1000); });
  }
  std::int64_t last_seq() {
    const auto all = store_->run_unit([](Unit& unit) { return unit.events().outbox(0, 1000); });
    return all.empty() ? 0 : all.back().seq;
  }

  // What a refused or rolled-back call must leave as it was.
  struct State {
    Money balance = 0;
    std::size_t entries = 0;
    StockLevel mug;
    std::size_t events = 0;
    bool operator==(const State&) const = default;
  };
  State state() {
    return {store_->points().balance("alice"), store_->points().history("alice").items.size(),
            store_->stock().level("mug"), new_events().size()};
  }

  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Store> store_;
  std::int64_t seq_ = 0;
};

TEST_F(UnitTest, ACreditWritesTheLedgerEntryWithBalanceAfterAndItsEvent) {
  const PointsEntry entry = store_->run_unit(
      [](Unit& unit) {
        unit.points().credit("alice", 300, "welcome");
        EXPECT_EQ(unit.points().balance("alice"), 300);  // the unit reads its own writes
        return unit.points().credit("alice", 200, "loyalty bonus");
      },
      UnitMode::kWrite);
  EXPECT_EQ(entry.kind, PointsEntryKind::kAdjust);
  EXPECT_EQ(entry.amount, 200);
  EXPECT_EQ(entry.balance_after, 500);
  EXPECT_EQ(entry.reason, "loyalty bonus");
  EXPECT_EQ(entry.created_at, kStart);
  EXPECT_EQ(store_->points().balance("alice"), 500);
  const auto history = store_->points().history("alice").items;  // newest first
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0], entry);
  EXPECT_EQ(history[1].balance_after, 300);
  const auto events = new_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type, "PointAdjusted");
  EXPECT_EQ(events[1].key, "alice");
  EXPECT_EQ(payload_of(events[1]),
            (nlohmann::json{{"user_id", "alice"}, {"amount", 200}, {"balance", 500}}));
  EXPECT_TRUE(check_invariants(*store_).ok());
}

TEST_F(UnitTest, ARefusedDebitChangesNothingAndTheUnitCarriesOn) {
  store_->points().charge("alice", 100);
  const State before = state();
  store_->run_unit(
      [&](Unit& unit) {
        EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.points().debit("alice", 101, "too much"),
                                      ErrorCode::kFailedPrecondition),
                  "alice");
        EXPECT_EQ(unit.points().balance("alice"), 100);
      },
      UnitMode::kWrite);
  EXPECT_EQ(state(), before);
  // The same unit goes on after a refusal: what it writes next commits.
  const PointsEntry taken = store_->run_unit(
      [](Unit& unit) {
        try {
          unit.points().debit("alice", 500, "too much");
        } catch (const Error&) {
        }
        return unit.points().debit("alice", 40, "gift wrap");
      },
      UnitMode::kWrite);
  EXPECT_EQ(taken.amount, -40);
  EXPECT_EQ(taken.balance_after, 60);
  EXPECT_EQ(store_->points().balance("alice"), 60);
  EXPECT_TRUE(check_invariants(*store_).ok());
}

TEST_F(UnitTest, AUnitThatThrowsLeavesNothingBehind) {
  const State before = state();
  bool after_commit_ran = false;
  struct Abort {};
  EXPECT_THROW(store_->run_unit(
                   [&](Unit& unit) {
                     unit.points().credit("alice", 700, "bonus");
                     unit.stock().adjust("mug", 3, "found");
                     unit.events().emit("LoyaltyBonusApplied", "alice", R"({"amount":700})");
                     unit.after_commit([&] { after_commit_ran = true; });
                     throw Abort{};
                   },
                   UnitMode::kWrite),
               Abort);
  EXPECT_EQ(state(), before);
  EXPECT_FALSE(after_commit_ran);
  EXPECT_TRUE(check_invariants(*store_).ok());
}

TEST_F(UnitTest, AfterCommitActionsRunOnceTheUnitCommitted) {
  int ran = 0;
  store_->run_unit(
      [&](Unit& unit) {
        unit.points().credit("alice", 1, "one");
        unit.after_commit([&] {
          ++ran;
          EXPECT_EQ(store_->points().balance("alice"), 1);  // committed by then
        });
        EXPECT_EQ(ran, 0);
      },
      UnitMode::kWrite);
  EXPECT_EQ(ran, 1);
}

TEST_F(UnitTest, AStockAdjustmentKeepsItsAuditRowAndEvent) {
  store_->stock().reserve("order-1", {{"mug", 4}});
  const StockLevel level = store_->run_unit(
      [](Unit& unit) { return unit.stock().adjust("mug", 2, "found two"); }, UnitMode::kWrite);
  EXPECT_EQ(level.on_hand, 7);
  EXPECT_EQ(level.available, 3);
  const auto events = new_events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, "StockAdjusted");
  EXPECT_EQ(payload_of(events.back()),
            (nlohmann::json{{"product_id", "mug"}, {"location_id", "default"}, {"delta", 2}, {"reason", "found two"}}));
  // initial + adjustments = on_hand + sold: holds only if the audit row was written
  EXPECT_TRUE(check_invariants(*store_, false).ok());
  // A shrink below what is reserved is refused and changes nothing.
  const State before = state();
  store_->run_unit(
      [](Unit& unit) {
        EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.stock().adjust("mug", -4, "lost"),
                                      ErrorCode::kFailedPrecondition),
                  "mug");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.stock().adjust("teapot", 1, "found"),
                                      ErrorCode::kNotFound),
                  "teapot");
      },
      UnitMode::kWrite);
  EXPECT_EQ(state(), before);
}

TEST_F(UnitTest, BadInputNamesTheFieldAndChangesNothing) {
  const State before = state();
  store_->run_unit(
      [](Unit& unit) {
        auto& points = unit.points();
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.credit("alice", 0, "r"), ErrorCode::kInvalidArgument),
                  "amount");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.debit("alice", -5, "r"), ErrorCode::kInvalidArgument),
                  "amount");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.credit("alice", 2'000'000'000'000'000, "r"),
                                      ErrorCode::kInvalidArgument),
                  "amount");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.credit("", 1, "r"), ErrorCode::kInvalidArgument),
                  "user_id");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.credit("alice", 1, ""), ErrorCode::kInvalidArgument),
                  "reason");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(points.balance("a b"), ErrorCode::kInvalidArgument),
                  "user_id");
        auto& stock = unit.stock();
        EXPECT_EQ(EVENTS_EXPECT_ERROR(stock.adjust("mug", 0, "r"), ErrorCode::kInvalidArgument),
                  "delta");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(stock.adjust("", 1, "r"), ErrorCode::kInvalidArgument),
                  "product_id");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(stock.adjust("mug", 1, ""), ErrorCode::kInvalidArgument),
                  "reason");
        auto& events = unit.events();
        for (const char* type : {"", "loyaltyBonus", "Loyalty", "LoyaltyBONUS", "Loyalty_Bonus",
                                 "PaymentCompleted", "PointAdjusted"}) {
          EXPECT_EQ(EVENTS_EXPECT_ERROR(events.emit(type, "alice", "{}"),
                                        ErrorCode::kInvalidArgument),
                    "type")
              << type;
        }
        EXPECT_EQ(EVENTS_EXPECT_ERROR(events.emit("BonusApplied", "", "{}"),
                                      ErrorCode::kInvalidArgument),
                  "key");
        for (const char* payload : {"", "[1]", "not json", "{\"a\":"}) {
          EXPECT_EQ(EVENTS_EXPECT_ERROR(events.emit("BonusApplied", "alice", payload),
                                        ErrorCode::kInvalidArgument),
                    "payload")
              << payload;
        }
        EXPECT_EQ(EVENTS_EXPECT_ERROR(events.outbox(-1), ErrorCode::kInvalidArgument), "after_seq");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(events.outbox(0, 0), ErrorCode::kInvalidArgument), "limit");
        EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.lookups().order(""), ErrorCode::kInvalidArgument),
                  "order_id");
      },
      UnitMode::kWrite);
  EXPECT_EQ(state(), before);
}

TEST_F(UnitTest, AReadUnitRefusesWritesNamingTheUnit) {
  const State before = state();
  store_->run_unit([](Unit& unit) {
    EXPECT_FALSE(unit.writable());
    EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.points().credit("alice", 1, "r"),
                                  ErrorCode::kFailedPrecondition),
              "unit");
    EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.points().debit("alice", 1, "r"),
                                  ErrorCode::kFailedPrecondition),
              "unit");
    EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.stock().adjust("mug", 1, "r"),
                                  ErrorCode::kFailedPrecondition),
              "unit");
    EXPECT_EQ(EVENTS_EXPECT_ERROR(unit.events().emit("BonusApplied", "alice", "{}"),
                                  ErrorCode::kFailedPrecondition),
              "unit");
  });
  EXPECT_EQ(state(), before);
}

TEST_F(UnitTest, HostEventsGoToTheHostTopicUnderEitherNaming) {
  const Event event = store_->run_unit(
      [](Unit& unit) {
        return unit.events().emit("LoyaltyBonusApplied", "alice", R"({"amount":700})");
      },
      UnitMode::kWrite);
  EXPECT_EQ(event.topic, "host-events");
  EXPECT_EQ(event.type, "LoyaltyBonusApplied");
  EXPECT_EQ(event.occurred_at, kStart);
  const auto events = new_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, event.id);
  EXPECT_EQ(events[0].seq, event.seq);
  EXPECT_EQ(events[0].key, "alice");
  EXPECT_EQ(events[0].payload, R"({"amount":700})");

  open(TopicNaming::kPerType);
  const Event typed = store_->run_unit(
      [](Unit& unit) { return unit.events().emit("LoyaltyBonusApplied", "alice", "{}"); },
      UnitMode::kWrite);
  EXPECT_EQ(typed.topic, "host.loyalty.bonus-applied");
  const Event two_words = store_->run_unit(
      [](Unit& unit) { return unit.events().emit("Parcel2Sent", "p-1", "{}"); },
      UnitMode::kWrite);
  EXPECT_EQ(two_words.topic, "host.parcel2.sent");
}

TEST_F(UnitTest, LookupsReadWhatTheServicesWrote) {
  store_->points().charge("alice", 500);
  const Order order =
      store_->orders().place({.user_id = "alice", .items = {{"mug", 2}}, .points_to_use = 100});
  ASSERT_EQ(order.status, OrderStatus::kConfirmed);
  store_->run_unit([&](Unit& unit) {
    EXPECT_EQ(unit.now(), kStart);
    const auto product = unit.lookups().product("mug");
    ASSERT_TRUE(product.has_value());
    EXPECT_EQ(product->price, 1000);
    EXPECT_FALSE(unit.lookups().product("teapot").has_value());
    EXPECT_EQ(unit.lookups().order(order.id), order);  // items included
    EXPECT_FALSE(unit.lookups().order("no-such-order").has_value());
    const auto payment = unit.lookups().payment(order.id);
    ASSERT_TRUE(payment.has_value());
    EXPECT_EQ(payment->amount, order.total);
    EXPECT_EQ(payment->status, PaymentStatus::kApproved);
    const auto saga = unit.lookups().saga(order.id);
    ASSERT_TRUE(saga.has_value());
    EXPECT_EQ(saga->state, SagaState::kConfirmed);
    const auto log = unit.lookups().saga_log(order.id);
    EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const SagaLogEntry& e) {
      return e.step == "stock" && e.action == "done";
    }));
    EXPECT_TRUE(unit.lookups().saga_log("no-such-order").empty());
    EXPECT_EQ(unit.stock().level("mug")->sold, 2);
    EXPECT_FALSE(unit.stock().level("teapot").has_value());
    EXPECT_EQ(unit.stock().reservations(order.id).size(), 1u);
    EXPECT_EQ(unit.points().balance("alice"), 400);
    EXPECT_FALSE(unit.lookups().coupon("no-such-coupon").has_value());
    EXPECT_GE(unit.events().counts().pending, 1);
  });
}

}  // namespace
}  // namespace commerce
