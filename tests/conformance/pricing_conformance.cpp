// Pricing (commerce/pricing.h, docs/pricing.md): one pipeline for OrderBook::quote() and
// placement, so a quote and the order placed from it agree field by field and line by line.
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/payments.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

// A host shipping option: by region, with its own tax class.
class RegionalShipping final : public ShippingOption {
 public:
  std::string id() const override { return "regional"; }
  std::string tax_class() const override { return "reduced"; }
  Money fee(const ShippingInput& input) const override {
    return input.region == "jeju" ? 6000 : 2500 + input.weight_grams / 100;
  }
};

// A host tax calculator: added on top, by region and class.
class RegionalTax final : public TaxCalculator {
 public:
  TaxMode mode() const override { return TaxMode::kExclusive; }
  std::vector<Money> tax(const std::vector<TaxableAmount>& amounts,
                         const std::string& region) const override {
    std::vector<Money> out;
    for (const auto& a : amounts) {
      const Money percent = a.tax_class == "zero" ? 0 : region == "jeju" ? 7 : 9;
      out.push_back(a.amount * percent / 100);
    }
    return out;
  }
};

std::vector<std::shared_ptr<const ShippingOption>> shipping_options() {
  return {flat_shipping("flat", 3000), free_shipping_above("free50k", 3000, 50000),
          weight_shipping("weight", {{1000, 2500}, {5000, 4000}, {50000, 9000}}),
          std::make_shared<RegionalShipping>()};
}

std::unique_ptr<Store> open_priced(const std::string& location, std::shared_ptr<Clock> clock,
                                   std::shared_ptr<const TaxCalculator> tax,
                                   std::shared_ptr<PaymentGateway> gateway = nullptr) {
  StoreOptions options;
  options.clock = std::move(clock);
  options.gateway = std::move(gateway);
  options.shipping_options = shipping_options();
  options.tax_calculator = std::move(tax);
  return Store::open(location, options);
}

// Products of every tax class and weight, a parent with variants among them.
void stock_catalog(Store& store) {
  const char* classes[] = {"standard", "reduced", "zero"};
  for (int i = 0; i < 9; ++i) {
    const std::string attrs = "{\"tax_class\":\"" + std::string(classes[i % 3]) +
                              "\",\"weight_g\":" + std::to_string(150 * i) + "}";
    store.catalog().create({.id = "p" + std::to_string(i),
                            .name = "Product " + std::to_string(i),
                            .price = 990 + 1337 * i,
                            .attributes = i == 4 ? std::string("{}") : attrs,
                            .initial_stock = 100000});
  }
  store.catalog().create({.id = "tee",
                          .name = "Tee",
                          .price = 19900,
                          .attributes = R"({"weight_g":220})",
                          .axes = {{"size", {"S", "M"}}}});
  store.catalog().add_variant("tee", {.id = "tee-s", .options = {{"size", "S"}}, .price = 19900,
                                      .initial_stock = 100000});
  store.catalog().add_variant("tee", {.id = "tee-m", .options = {{"size", "M"}}, .price = 20900,
                                      .initial_stock = 100000});
}

void expect_adds_up(const Quote& q) {
  Money subtotal = 0, discount = 0, tax = q.shipping_tax, paid = q.shipping_fee;
  if (!q.tax_included) paid += q.shipping_tax;
  for (const PricedLine& l : q.lines) {
    EXPECT_EQ(l.line_total, l.unit_price * l.qty);
    EXPECT_GE(l.discount, 0);
    EXPECT_LE(l.discount, l.line_total);
    EXPECT_EQ(l.total, l.line_total - l.discount + (q.tax_included ? 0 : l.tax));
    subtotal += l.line_total;
    discount += l.discount;
    tax += l.tax;
    paid += l.total;
  }
  EXPECT_EQ(subtotal, q.subtotal);
  EXPECT_EQ(discount, q.discount);  // no remainder lost or doubled
  EXPECT_EQ(tax, q.tax);
  EXPECT_EQ(paid - q.points_used, q.total);
  EXPECT_GE(q.total, 0);
}

void expect_order_is_quote(const Order& o, const Quote& q) {
  ASSERT_EQ(o.items.size(), q.lines.size());
  for (std::size_t i = 0; i < q.lines.size(); ++i) {
    const OrderItem& item = o.items[i];
    const PricedLine& line = q.lines[i];
    SCOPED_TRACE(line.product_id);
    EXPECT_EQ(item.product_id, line.product_id);
    EXPECT_EQ(item.name, line.name);
    EXPECT_EQ(item.unit_price, line.unit_price);
    EXPECT_EQ(item.qty, line.qty);
    EXPECT_EQ(item.line_total, line.line_total);
    EXPECT_EQ(item.discount, line.discount);
    EXPECT_EQ(item.tax_class, line.tax_class);
    EXPECT_EQ(item.tax, line.tax);
    EXPECT_EQ(item.total, line.total);
  }
  EXPECT_EQ(o.subtotal, q.subtotal);
  EXPECT_EQ(o.discount, q.discount);
  EXPECT_EQ(o.coupon_applied, q.coupon_applied);
  EXPECT_EQ(o.coupon_note, q.coupon_note);
  EXPECT_EQ(o.shipping_option, q.shipping_option);
  EXPECT_EQ(o.shipping_fee, q.shipping_fee);
  EXPECT_EQ(o.shipping_tax, q.shipping_tax);
  EXPECT_EQ(o.tax, q.tax);
  EXPECT_EQ(o.tax_included, q.tax_included);
  EXPECT_EQ(o.points_used, q.points_used);
  EXPECT_EQ(o.total, q.total);
}

// Random carts (variants, quantities, coupons of both kinds, required or not, points, every
// shipping option, tax classes) in both tax modes and with a host calculator: the order placed
// from a request is its quote, line by line, and both add up.
TEST_P(StorageConformance, AQuoteIsTheOrderPlacedFromIt) {
  auto gateway = std::make_shared<FakeGateway>();
  const std::map<std::string, std::int64_t> rates = {{"standard", 1000}, {"reduced", 500}};
  const std::vector<std::shared_ptr<const TaxCalculator>> calculators = {
      rate_table_tax(rates, TaxMode::kInclusive), rate_table_tax(rates, TaxMode::kExclusive),
      std::make_shared<RegionalTax>()};
  stock_catalog(*open_priced(location_, clock_, calculators[0]));
  store_->coupons().create_template({.code = "FIX",
                                     .kind = CouponKind::kFixed,
                                     .value = 4321,
                                     .min_order_amount = 10000,
                                     .valid_until = kStart + 1'000'000'000,
                                     .total_limit = 10000,
                                     .per_user_limit = 10000});
  store_->coupons().create_template({.code = "PCT",
                                     .kind = CouponKind::kPercent,
                                     .value = 17,
                                     .max_discount = 9000,
                                     .valid_until = kStart + 1'000'000'000,
                                     .total_limit = 10000,
                                     .per_user_limit = 10000});
  const std::vector<std::string> products = {"p0", "p1", "p2", "p3", "p4",  "p5",
                                             "p6", "p7", "p8", "tee-s", "tee-m"};
  const std::vector<std::string> shipping = {"", "flat", "free50k", "weight", "regional"};
  std::mt19937 random(20261206);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  int placed = 0, with_coupon = 0, with_points = 0;
  for (int round = 0; round < 45; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto store = open_priced(location_, clock_, calculators[round % 3], gateway);
    const std::string user = "u" + std::to_string(round % 4);
    PlaceOrder r{.user_id = user, .payment_method = "card"};
    for (int n = 1 + pick(5); n > 0; --n) {
      r.items.push_back({products[pick(static_cast<int>(products.size()))], 1 + pick(4)});
    }
    if (pick(3) != 0) {
      r.coupon_id = store->coupons().issue(pick(2) ? "FIX" : "PCT", user).id;
      r.coupon_required = pick(2) == 0;
    }
    r.shipping_option = shipping[pick(static_cast<int>(shipping.size()))];
    r.region = pick(2) ? "jeju" : "seoul";
    const Quote before_points = store->orders().quote(r);
    if (pick(2) && before_points.total > 0) {
      store->points().charge(user, before_points.total);
      r.points_to_use = pick(static_cast<int>(std::min<Money>(before_points.total, 50000)) + 1);
    }
    const Quote q = store->orders().quote(r);
    expect_adds_up(q);
    const Order o = store->orders().place(r);
    EXPECT_EQ(o.status, OrderStatus::kConfirmed) << o.failure_reason;
    expect_order_is_quote(o, q);
    expect_order_is_quote(store->orders().get(o.id), q);  // as stored
    ++placed;
    with_coupon += q.discount > 0;
    with_points += q.points_used > 0;
  }
  EXPECT_EQ(placed, 45);
  EXPECT_GT(with_coupon, 5);
  EXPECT_GT(with_points, 5);
  EXPECT_TRUE(check_invariants(*store_).violations.empty());
}

// The rounding rules of commerce/pricing.h on fixed cases.
TEST_P(StorageConformance, PricingRoundsAsWrittenDown) {
  auto store = open_priced(location_, clock_,
                           rate_table_tax({{"standard", 1000}}, TaxMode::kExclusive));
  for (const char* id : {"a", "b", "c"}) {
    store->catalog().create({.id = id, .name = id, .price = 1, .initial_stock = 10});
  }
  store->catalog().create({.id = "big", .name = "Big", .price = 5, .initial_stock = 10});
  store->coupons().create_template({.code = "TWO",
                                    .value = 2,
                                    .valid_until = kStart + 1'000'000,
                                    .total_limit = 10,
                                    .per_user_limit = 10});
  const std::string coupon = store->coupons().issue("TWO", "u").id;
  // Shares of 2 over three lines of 1 round down to 0; the remainder goes to the largest lines
  // (all equal: by product id), one unit each, since a share never exceeds its line.
  Quote q = store->orders().quote(
      {.user_id = "u", .items = {{"c", 1}, {"a", 1}, {"b", 1}}, .coupon_id = coupon});
  ASSERT_EQ(q.lines.size(), 3u);
  EXPECT_EQ(q.lines[0].discount, 1);
  EXPECT_EQ(q.lines[1].discount, 1);
  EXPECT_EQ(q.lines[2].discount, 0);
  EXPECT_EQ(q.lines[2].tax, 0);  // 10% of 1 = 0.1 rounds to 0
  expect_adds_up(q);
  // 2 of 3 + 5 = 8: a, b and c get 0 (2 x 1 / 8 rounded down), big 1; the remainder 1 goes to big.
  q = store->orders().quote(
      {.user_id = "u", .items = {{"a", 1}, {"b", 1}, {"big", 1}}, .coupon_id = coupon});
  EXPECT_EQ(q.lines[2].product_id, "big");
  EXPECT_EQ(q.lines[2].discount, 2);
  EXPECT_EQ(q.lines[2].tax, 0);  // 10% of 3 = 0.3
  EXPECT_EQ(q.lines[0].discount + q.lines[1].discount, 0);
  // Half up: 10% of 5 = 0.5 -> 1.
  q = store->orders().quote({.user_id = "u", .items = {{"big", 1}}});
  EXPECT_EQ(q.tax, 1);
  EXPECT_EQ(q.total, 6);

  // Included: 11000 at 10% holds 1000 of tax; the total is the price.
  auto vat = open_priced(location_, clock_, korean_vat());
  vat->catalog().create({.id = "k", .name = "K", .price = 11000, .initial_stock = 1});
  q = vat->orders().quote({.user_id = "u", .items = {{"k", 1}}, .shipping_option = "flat"});
  EXPECT_EQ(q.lines[0].tax, 1000);
  EXPECT_EQ(q.shipping_fee, 3000);
  EXPECT_EQ(q.shipping_tax, 273);  // 3000 x 10 / 110 = 272.7
  EXPECT_EQ(q.tax, 1273);
  EXPECT_EQ(q.total, 14000);
  EXPECT_TRUE(q.tax_included);
}

TEST_P(StorageConformance, ShippingOptionsPriceByAmountWeightAndRegion) {
  auto store = open_priced(location_, clock_, korean_vat());
  store->catalog().create(
      {.id = "box", .name = "Box", .price = 20000, .attributes = R"({"weight_g":1200})",
       .initial_stock = 100});
  auto fee = [&](const std::string& option, std::int64_t qty, const std::string& region = "") {
    return store->orders()
        .quote({.user_id = "u", .items = {{"box", qty}}, .region = region,
                .shipping_option = option})
        .shipping_fee;
  };
  EXPECT_EQ(fee("flat", 1), 3000);
  EXPECT_EQ(fee("free50k", 2), 3000);  // 40000 of goods
  EXPECT_EQ(fee("free50k", 3), 0);     // 60000
  EXPECT_EQ(fee("weight", 3), 4000);   // 3600 g
  EXPECT_EQ(fee("weight", 30), 9000);  // 36000 g
  EXPECT_EQ(fee("regional", 1, "jeju"), 6000);
  EXPECT_EQ(fee("regional", 2, "seoul"), 2524);  // 2500 + 2400 g / 100
  EXPECT_EQ(fee("", 1), 0);
  // Heavier than every tier: it cannot ship with it.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(fee("weight", 42), ErrorCode::kInvalidArgument),
            "shipping_option");
}

// An optional coupon that cannot be used is left out with its reason; a required one makes the
// quote fail as the order would.
TEST_P(StorageConformance, AQuotePreviewsTheCouponAndWritesNothing) {
  auto gateway = std::make_shared<FakeGateway>();
  auto store = open_priced(location_, clock_, korean_vat(), gateway);
  store->catalog().create({.id = "m", .name = "Mug", .price = 5000, .initial_stock = 10});
  store->coupons().create_template({.code = "BIG",
                                    .value = 1000,
                                    .min_order_amount = 20000,
                                    .valid_until = kStart + 1'000'000,
                                    .total_limit = 10});
  const std::string coupon = store->coupons().issue("BIG", "u").id;
  auto outbox = [&] {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead,
                    [&](Transaction& tx) { return tx.read_outbox(0, 1000).size(); });
  };
  const std::size_t events = outbox();
  PlaceOrder r{.user_id = "u", .items = {{"m", 2}}, .coupon_id = coupon, .payment_method = "card"};
  const Quote q = store->orders().quote(r);
  EXPECT_FALSE(q.coupon_applied);
  EXPECT_EQ(q.discount, 0);
  EXPECT_NE(q.coupon_note.find("at least 20000"), std::string::npos) << q.coupon_note;
  r.coupon_required = true;
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store->orders().quote(r), ErrorCode::kFailedPrecondition),
            coupon);
  EXPECT_EQ(outbox(), events);
  EXPECT_EQ(store->coupons().get(coupon).status, CouponStatus::kAvailable);
  EXPECT_EQ(store->stock().level("m").reserved, 0);

  r.coupon_required = false;
  r.items = {{"m", 4}};  // 20000: the coupon applies
  const Quote applied = store->orders().quote(r);
  EXPECT_TRUE(applied.coupon_applied);
  EXPECT_EQ(applied.discount, 1000);
  expect_order_is_quote(store->orders().place(r), applied);
}

// A host option or calculator that misbehaves fails quoting and placing with a clear error,
// and nothing is written.
class ThrowingShipping final : public ShippingOption {
 public:
  std::string id() const override { return "broken"; }
  Money fee(const ShippingInput&) const override { throw std::runtime_error("carrier down"); }
};
class NegativeShipping final : public ShippingOption {
 public:
  std::string id() const override { return "negative"; }
  Money fee(const ShippingInput&) const override { return -1; }
};
class ShortTax final : public TaxCalculator {
 public:
  TaxMode mode() const override { return TaxMode::kInclusive; }
  std::vector<Money> tax(const std::vector<TaxableAmount>&, const std::string&) const override {
    return {};
  }
};
class TooMuchTax final : public TaxCalculator {
 public:
  TaxMode mode() const override { return TaxMode::kInclusive; }
  std::vector<Money> tax(const std::vector<TaxableAmount>& amounts,
                         const std::string&) const override {
    std::vector<Money> out;
    for (const auto& a : amounts) out.push_back(a.amount + 1);
    return out;
  }
};

TEST_P(StorageConformance, BadPricingInputIsRefusedAndChangesNothing) {
  {
    auto gateway = std::make_shared<FakeGateway>();
    StoreOptions options;
    options.clock = clock_;
    options.gateway = gateway;
    options.shipping_options = {flat_shipping("flat", 100), std::make_shared<ThrowingShipping>(),
                                std::make_shared<NegativeShipping>()};
    auto store = Store::open(location_, options);
    store->catalog().create({.id = "m", .name = "Mug", .price = 5000, .initial_stock = 10});
    auto place = [&](const std::string& option) {
      return store->orders().place(
          {.user_id = "u", .items = {{"m", 1}}, .shipping_option = option});
    };
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(place("nowhere"), ErrorCode::kInvalidArgument),
              "shipping_option");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(place("bad id"), ErrorCode::kInvalidArgument),
              "shipping_option");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(place("broken"), ErrorCode::kInvalidArgument),
              "shipping_option");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(place("negative"), ErrorCode::kInvalidArgument),
              "shipping_option");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(store->orders().place({.user_id = "u",
                                                           .items = {{"m", 1}},
                                                           .points_to_use = 5101,
                                                           .shipping_option = "flat"}),
                                    ErrorCode::kInvalidArgument),
              "points_to_use");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                  store->catalog().create({.id = "w", .name = "W", .attributes = R"({"weight_g":"1kg"})"}),
                  ErrorCode::kInvalidArgument),
              "attributes");
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                  store->catalog().create({.id = "t", .name = "T", .attributes = R"({"tax_class":7})"}),
                  ErrorCode::kInvalidArgument),
              "attributes");
    EXPECT_TRUE(store->orders().list_for_user("u").items.empty());
    EXPECT_EQ(store->stock().level("m").reserved, 0);
  }
  for (std::shared_ptr<const TaxCalculator> tax :
       {std::shared_ptr<const TaxCalculator>(std::make_shared<ShortTax>()),
        std::shared_ptr<const TaxCalculator>(std::make_shared<TooMuchTax>())}) {
    auto store = open_priced(location_, clock_, tax);
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                  store->orders().place({.user_id = "u", .items = {{"m", 1}}}),
                  ErrorCode::kInvalidArgument),
              "tax_calculator");
    EXPECT_TRUE(store->orders().list_for_user("u").items.empty());
  }
  StoreOptions twice;
  twice.clock = clock_;
  twice.shipping_options = {flat_shipping("same", 1), flat_shipping("same", 2)};
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(Store::open(location_, twice), ErrorCode::kInvalidArgument),
            "shipping_options");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(rate_table_tax({{"standard", -1}}, TaxMode::kInclusive),
                                  ErrorCode::kInvalidArgument),
            "rates");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(weight_shipping("w", {{1000, 1}, {1000, 2}}),
                                  ErrorCode::kInvalidArgument),
            "tiers.up_to_grams");
}

}  // namespace
}  // namespace commerce::testing
