// For every command of catalog, stock, points and coupons: the exact events it appends to the
// outbox (type, key, payload, envelope), and none when it fails or is replayed.
#include <set>

#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/locations.h"
#include "commerce/points.h"
#include "commerce/stock.h"
#include "events_test_support.h"
#include "store_access.h"

namespace commerce {
namespace {

using events_test::kStart;
using nlohmann::json;

struct Expected {
  std::string type;
  std::string key;
  json payload;
  std::string topic;  // per-domain topic
};

class CommandEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<ManualClock>(kStart);
    store_ = events_test::open_store(events_test::fresh_db_path(), clock_);
  }

  // The events appended since the last call.
  std::vector<Event> take() {
    auto events = events_test::outbox_after(commerce::detail::storage_of(*store_), cursor_);
    if (!events.empty()) cursor_ = events.back().seq;
    return events;
  }

  void expect(const std::vector<Expected>& expected, const std::string& request_id = {}) {
    const auto events = take();
    ASSERT_EQ(events.size(), expected.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      SCOPED_TRACE(expected[i].type);
      EXPECT_EQ(events[i].type, expected[i].type);
      EXPECT_EQ(events[i].key, expected[i].key);
      EXPECT_EQ(events_test::payload_of(events[i]), expected[i].payload);
      EXPECT_EQ(events[i].topic, expected[i].topic);
      EXPECT_EQ(events[i].schema_version, 1);
      EXPECT_EQ(events[i].occurred_at, clock_->now());
      EXPECT_EQ(events[i].request_id, request_id);
      EXPECT_EQ(events[i].id.size(), 36u);
      EXPECT_TRUE(ids_.insert(events[i].id).second) << "event id reused: " << events[i].id;
    }
  }

  void expect_none() { EXPECT_TRUE(take().empty()); }

  void make_product(const std::string& id, std::int64_t stock, Money price = 1000) {
    store_->catalog().create({.id = id, .name = id, .price = price, .initial_stock = stock});
    take();
  }

  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Store> store_;
  std::int64_t cursor_ = 0;
  std::set<std::string> ids_;
};

const std::string kProductTopic = "product-events";
const std::string kUserTopic = "user-events";
const std::string kOrderTopic = "order-events";

// --- catalog

TEST_F(CommandEventsTest, CatalogCreateWritesProductCreatedAndInitialStock) {
  store_->catalog().create(
      {.id = "sku-1", .name = "Mug", .price = 12000, .initial_stock = 5}, "req-create-1");
  expect({{"ProductCreated", "sku-1", {{"product_id", "sku-1"}, {"price", 12000}, {"status", "active"}}, kProductTopic},
          {"StockAdjusted", "sku-1", {{"product_id", "sku-1"}, {"location_id", "default"}, {"delta", 5}, {"reason", "initial"}}, kProductTopic}},
         "req-create-1");
  // Without initial stock: only ProductCreated.
  store_->catalog().create({.id = "sku-2", .name = "Cup", .price = 0, .status = ProductStatus::kInactive});
  expect({{"ProductCreated", "sku-2", {{"product_id", "sku-2"}, {"price", 0}, {"status", "inactive"}}, kProductTopic}});
}

TEST_F(CommandEventsTest, CatalogCreateReplayAndFailuresWriteNothing) {
  store_->catalog().create({.id = "sku-1", .name = "Mug", .price = 100}, "req-1");
  take();
  store_->catalog().create({.id = "sku-1", .name = "Mug", .price = 100}, "req-1");  // replay
  expect_none();
  EVENTS_EXPECT_ERROR(store_->catalog().create({.id = "sku-1", .name = "Mug", .price = 100}),
                      ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->catalog().create({.id = "sku-3", .name = "", .price = 100}),
                      ErrorCode::kInvalidArgument);
  EVENTS_EXPECT_ERROR(
      store_->catalog().create({.id = "sku-4", .name = "X", .category = "nope", .initial_stock = 3}),
      ErrorCode::kNotFound);
  EVENTS_EXPECT_ERROR(store_->catalog().create({.id = "sku-1", .name = "Other", .price = 1}, "req-1"),
                      ErrorCode::kConflict);
  expect_none();
}

TEST_F(CommandEventsTest, CatalogUpdateWritesChangedFieldsOnly) {
  make_product("sku-1", 0);
  ProductChanges changes;
  changes.price = 900;
  changes.name = "Big mug";
  changes.description = "not in the event";
  changes.attributes = R"({"color":"red"})";
  store_->catalog().update("sku-1", changes);
  expect({{"ProductUpdated", "sku-1", {{"product_id", "sku-1"}, {"price", 900}, {"name", "Big mug"}}, kProductTopic}});
  ProductChanges status;
  status.status = ProductStatus::kInactive;
  store_->catalog().update("sku-1", status);
  expect({{"ProductUpdated", "sku-1", {{"product_id", "sku-1"}, {"status", "inactive"}}, kProductTopic}});
}

TEST_F(CommandEventsTest, CatalogUpdateFailuresWriteNothing) {
  make_product("sku-1", 0);
  ProductChanges bad;
  bad.price = -1;
  EVENTS_EXPECT_ERROR(store_->catalog().update("sku-1", bad), ErrorCode::kInvalidArgument);
  ProductChanges fine;
  fine.price = 5;
  EVENTS_EXPECT_ERROR(store_->catalog().update("missing", fine), ErrorCode::kNotFound);
  store_->catalog().remove("sku-1");
  take();
  EVENTS_EXPECT_ERROR(store_->catalog().update("sku-1", fine), ErrorCode::kFailedPrecondition);
  expect_none();
}

TEST_F(CommandEventsTest, CatalogRemoveWritesProductDeletedOnce) {
  make_product("sku-1", 2);
  store_->catalog().remove("sku-1");
  expect({{"ProductDeleted", "sku-1", {{"product_id", "sku-1"}}, kProductTopic}});
  store_->catalog().remove("sku-1");  // idempotent
  expect_none();
  EVENTS_EXPECT_ERROR(store_->catalog().remove("missing"), ErrorCode::kNotFound);
  store_->catalog().add_category("cups", "Cups");  // categories write no events
  expect_none();
}

// --- stock

TEST_F(CommandEventsTest, StockReserveWritesOneEventPerProductInProductOrder) {
  make_product("sku-b", 5);
  make_product("sku-a", 5);
  store_->stock().reserve("order-1", {{"sku-b", 2}, {"sku-a", 1}, {"sku-b", 1}});
  expect({{"StockReserved", "sku-a", {{"product_id", "sku-a"}, {"order_id", "order-1"}, {"location_id", "default"}, {"qty", 1}, {"backordered", 0}}, kProductTopic},
          {"StockReserved", "sku-b", {{"product_id", "sku-b"}, {"order_id", "order-1"}, {"location_id", "default"}, {"qty", 3}, {"backordered", 0}}, kProductTopic}});
  store_->stock().reserve("order-1", {{"sku-a", 1}, {"sku-b", 3}});  // idempotent
  expect_none();
}

TEST_F(CommandEventsTest, StockReserveFailureWritesNothingEvenAfterAnEarlierItem) {
  make_product("sku-a", 5);
  make_product("sku-b", 1);
  EVENTS_EXPECT_ERROR(store_->stock().reserve("order-1", {{"sku-a", 1}, {"sku-b", 2}}),
                      ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->stock().reserve("order-1", {{"missing", 1}}), ErrorCode::kNotFound);
  EVENTS_EXPECT_ERROR(store_->stock().reserve("order-1", {{"sku-a", 0}}), ErrorCode::kInvalidArgument);
  expect_none();
  EXPECT_EQ(store_->stock().level("sku-a").reserved, 0);
}

TEST_F(CommandEventsTest, StockCommitAndReleaseWriteOneEventPerLiveRow) {
  make_product("sku-a", 5);
  make_product("sku-b", 5);
  store_->stock().reserve("order-1", {{"sku-a", 2}, {"sku-b", 1}});
  store_->stock().reserve("order-2", {{"sku-a", 1}});
  take();
  store_->stock().commit("order-1");
  expect({{"StockCommitted", "sku-a", {{"product_id", "sku-a"}, {"order_id", "order-1"}, {"location_id", "default"}, {"qty", 2}}, kProductTopic},
          {"StockCommitted", "sku-b", {{"product_id", "sku-b"}, {"order_id", "order-1"}, {"location_id", "default"}, {"qty", 1}}, kProductTopic}});
  store_->stock().commit("order-1");
  expect_none();
  store_->stock().release("order-2");
  expect({{"StockReleased", "sku-a", {{"product_id", "sku-a"}, {"order_id", "order-2"}, {"location_id", "default"}, {"qty", 1}}, kProductTopic}});
  store_->stock().release("order-2");
  store_->stock().release("order-1");  // committed rows are not released
  expect_none();
  EVENTS_EXPECT_ERROR(store_->stock().commit("order-2"), ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->stock().commit("order-9"), ErrorCode::kNotFound);
  expect_none();
}

TEST_F(CommandEventsTest, StockAdjustAndExpirySweep) {
  make_product("sku-a", 5);
  store_->stock().adjust("sku-a", 3, "restock", "req-adj");
  expect({{"StockAdjusted", "sku-a", {{"product_id", "sku-a"}, {"location_id", "default"}, {"delta", 3}, {"reason", "restock"}}, kProductTopic}},
         "req-adj");
  store_->stock().adjust("sku-a", 3, "restock", "req-adj");  // replay
  expect_none();
  store_->stock().reserve("order-1", {{"sku-a", 6}}, kStart + 1000);
  take();
  EVENTS_EXPECT_ERROR(store_->stock().adjust("sku-a", -3, "shrink"), ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->stock().adjust("sku-a", 0, "none"), ErrorCode::kInvalidArgument);
  EVENTS_EXPECT_ERROR(store_->stock().adjust("missing", 1, "x"), ErrorCode::kNotFound);
  expect_none();
  EXPECT_TRUE(store_->stock().release_expired().empty());
  expect_none();
  clock_->advance(1000);
  EXPECT_EQ(store_->stock().release_expired(), std::vector<std::string>{"order-1"});
  expect({{"StockReleased", "sku-a", {{"product_id", "sku-a"}, {"order_id", "order-1"}, {"location_id", "default"}, {"qty", 6}}, kProductTopic}});
}

// --- points

TEST_F(CommandEventsTest, PointsChargeUseRestoreAdjust) {
  store_->points().charge("user-1", 500, "req-charge");
  expect({{"PointCharged", "user-1", {{"user_id", "user-1"}, {"amount", 500}, {"balance", 500}}, kUserTopic}},
         "req-charge");
  store_->points().charge("user-1", 500, "req-charge");  // replay
  expect_none();
  store_->points().use("user-1", 200, "order-1");
  expect({{"PointUsed", "user-1", {{"user_id", "user-1"}, {"amount", -200}, {"balance", 300}, {"order_id", "order-1"}}, kUserTopic}});
  store_->points().use("user-1", 200, "order-1");  // idempotent per order
  expect_none();
  store_->points().restore("order-1");
  expect({{"PointRestored", "user-1", {{"user_id", "user-1"}, {"amount", 200}, {"balance", 500}, {"order_id", "order-1"}}, kUserTopic}});
  store_->points().restore("order-1");
  store_->points().restore("order-none");
  expect_none();
  store_->points().adjust("user-1", -50, "correction");
  expect({{"PointAdjusted", "user-1", {{"user_id", "user-1"}, {"amount", -50}, {"balance", 450}}, kUserTopic}});
}

TEST_F(CommandEventsTest, PointsFailuresWriteNothing) {
  store_->points().charge("user-1", 100);
  take();
  EVENTS_EXPECT_ERROR(store_->points().use("user-1", 101, "order-1"), ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->points().adjust("user-1", -101, "x"), ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->points().charge("user-1", 0), ErrorCode::kInvalidArgument);
  EVENTS_EXPECT_ERROR(store_->points().charge("user-1", 5, "req-x"); store_->points().charge("user-1", 6, "req-x"),
                      ErrorCode::kConflict);
  take();  // the first charge of req-x
  store_->points().use("user-1", 10, "order-2");
  take();
  EVENTS_EXPECT_ERROR(store_->points().use("user-1", 11, "order-2"), ErrorCode::kConflict);
  expect_none();
}

// --- coupons

TEST_F(CommandEventsTest, CouponLifecycle) {
  NewCouponTemplate spec{.code = "WELCOME",
                         .name = "Welcome",
                         .kind = CouponKind::kFixed,
                         .value = 300,
                         .valid_from = kStart - 1,
                         .valid_until = kStart + 100'000,
                         .total_limit = 2,
                         .per_user_limit = 1};
  const auto tmpl = store_->coupons().create_template(spec);
  expect({{"CouponTemplateCreated", tmpl.id, {{"template_id", tmpl.id}, {"code", "WELCOME"}, {"total_limit", 2}}, kOrderTopic}});
  const auto coupon = store_->coupons().issue("WELCOME", "user-1", "req-issue");
  expect({{"CouponIssued", coupon.id, {{"coupon_id", coupon.id}, {"code", "WELCOME"}, {"user_id", "user-1"}}, kOrderTopic}},
         "req-issue");
  store_->coupons().use(coupon.id, "user-1", "order-1", 1000, true);
  expect({{"CouponUsed", coupon.id, {{"coupon_id", coupon.id}, {"user_id", "user-1"}, {"order_id", "order-1"}, {"discount", 300}}, kOrderTopic}});
  store_->coupons().use(coupon.id, "user-1", "order-1", 1000, true);  // idempotent per order
  expect_none();
  store_->coupons().restore("order-1");
  expect({{"CouponRestored", coupon.id, {{"coupon_id", coupon.id}, {"order_id", "order-1"}, {"status", "available"}}, kOrderTopic}});
  store_->coupons().restore("order-1");
  expect_none();
  store_->coupons().revoke(coupon.id);
  expect({{"CouponRevoked", coupon.id, {{"coupon_id", coupon.id}}, kOrderTopic}});
  store_->coupons().revoke(coupon.id);
  expect_none();
}

TEST_F(CommandEventsTest, CouponFailuresAndSkipsWriteNothing) {
  NewCouponTemplate spec{.code = "ONE",
                         .kind = CouponKind::kPercent,
                         .value = 10,
                         .min_order_amount = 5000,
                         .valid_from = kStart - 1,
                         .valid_until = kStart + 100'000,
                         .total_limit = 1,
                         .per_user_limit = 1};
  store_->coupons().create_template(spec);
  EVENTS_EXPECT_ERROR(store_->coupons().create_template(spec), ErrorCode::kFailedPrecondition);
  const auto coupon = store_->coupons().issue("ONE", "user-1");
  take();
  EVENTS_EXPECT_ERROR(store_->coupons().issue("ONE", "user-2"), ErrorCode::kFailedPrecondition);
  EVENTS_EXPECT_ERROR(store_->coupons().issue("NOPE", "user-2"), ErrorCode::kNotFound);
  // Below the minimum: a required coupon fails, an optional one is skipped; neither writes.
  EVENTS_EXPECT_ERROR(store_->coupons().use(coupon.id, "user-1", "order-1", 100, true),
                      ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(store_->coupons().use(coupon.id, "user-1", "order-1", 100, false).applied);
  EXPECT_FALSE(store_->coupons().use(coupon.id, "user-2", "order-1", 9000, false).applied);
  EXPECT_FALSE(store_->coupons().restore("order-1").has_value());
  store_->coupons().use(coupon.id, "user-1", "order-1", 9000, true);
  take();
  EVENTS_EXPECT_ERROR(store_->coupons().revoke(coupon.id), ErrorCode::kFailedPrecondition);
  expect_none();
}

// --- envelope

TEST_F(CommandEventsTest, PerTypeTopicNaming) {
  auto clock = std::make_shared<ManualClock>(kStart);
  auto store = events_test::open_store(events_test::fresh_db_path(), clock, TopicNaming::kPerType);
  store->catalog().create({.id = "sku-1", .name = "Mug", .price = 1, .initial_stock = 1});
  store->points().charge("user-1", 5);
  auto coupon_tmpl = store->coupons().create_template({.code = "C",
                                                       .value = 1,
                                                       .valid_from = kStart - 1,
                                                       .valid_until = kStart + 10,
                                                       .total_limit = 1});
  (void)coupon_tmpl;
  store->locations().create({.id = "north", .name = "North"});
  store->locations().update("north", {.active = false});
  std::vector<std::string> topics;
  for (const auto& e : events_test::outbox_after(commerce::detail::storage_of(*store))) topics.push_back(e.topic);
  EXPECT_EQ(topics, (std::vector<std::string>{"product.product.created", "product.stock.adjusted",
                                              "user.point.charged", "order.coupon.template-created",
                                              "product.stock.location-created",
                                              "product.stock.location-updated"}));
}

TEST_F(CommandEventsTest, SeqIncreasesAndIdsSortByTime) {
  make_product("sku-1", 10);
  clock_->advance(5);
  store_->stock().adjust("sku-1", 1, "a");
  clock_->advance(5);
  store_->stock().adjust("sku-1", 1, "b");
  const auto events = events_test::outbox_after(commerce::detail::storage_of(*store_));
  ASSERT_EQ(events.size(), 4u);
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_GT(events[i].seq, events[i - 1].seq);
    EXPECT_GT(events[i].id, events[i - 1].id);
  }
}

}  // namespace
}  // namespace commerce
