// The pricing pipeline of commerce/pricing.h, once: OrderBook::quote(), order placement and the
// saga's coupon step all price through these functions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "commerce/catalog.h"
#include "commerce/orders.h"
#include "commerce/pricing.h"
#include "commerce/store.h"

namespace commerce::detail {

// The product attributes pricing reads: "tax_class" (a non-empty string, default "standard")
// and "weight_g" (grams, an integer >= 0, default 0).
struct PricingAttributes {
  std::string tax_class = "standard";
  std::int64_t weight_grams = 0;
};
// Reads them from a JSON object's text; InvalidArgument naming `field` when one has the wrong
// type (the catalog checks products' attributes with it, so orders never meet one).
PricingAttributes pricing_attributes(std::string_view field, const std::string& attributes);

// Checks StoreOptions::shipping_options: no null entry, distinct ids.
void check_shipping_options(const std::vector<std::shared_ptr<const ShippingOption>>& options);
// The store's option named `id`; InvalidArgument naming "shipping_option" if it has none.
const ShippingOption& find_shipping_option(const StoreOptions& options, const std::string& id);
// The option `id` of the store, or null.
const ShippingOption* shipping_option_named(const StoreOptions& options, const std::string& id);

// The chosen shipping option's fee and the class it is taxed under (none chosen: all empty/0).
struct ShippingCharge {
  std::string option_id;
  std::string tax_class;
  Money fee = 0;
};
// Step 3: asks the option for its fee (a host option's failure other than commerce::Error, or a
// negative fee, is InvalidArgument naming "shipping_option").
ShippingCharge charge_shipping(const ShippingOption& option, const ShippingInput& input);

// Steps 2 and 4 and the totals before points: shares `discount` over `lines` (product_id, name,
// unit_price, qty, line_total and tax_class set; by product id; discount <= their sum), taxes
// every line and the shipping fee through `calculator`, and sums. points_used is 0 and total is
// what the order costs before points.
Quote price_lines(std::vector<PricedLine> lines, Money discount, const ShippingCharge& shipping,
                  const TaxCalculator& calculator, const std::string& region);

// Step 5: takes `points` from the total; InvalidArgument naming "points_to_use" when they exceed
// it (nothing else changes).
void take_points(Quote& quote, Money points);

// An order's items from priced lines (backordered 0: the stock step sets it).
std::vector<OrderItem> order_items(std::vector<PricedLine> lines);

// The order priced again with another coupon discount (the saga's coupon step, when the coupon
// turned out to give other than what placement priced), keeping its lines, shipping fee and
// points: a discount that would take the total below the points is kept at the order's own
// (which fitted them at placement). Sets the order's discount, items' shares and tax, tax and
// total.
void reprice_order(const StoreOptions& options, Order& order, Money discount);

}  // namespace commerce::detail
