// commerce/pricing.h: the one pricing pipeline that both OrderBook::quote() and order placement
// run, so a quote and the order placed from it cannot disagree; its shipping options and tax
// calculators.
//
// The pipeline, in this order (every amount an integer count of minor units, overflow-checked):
//   1. lines: unit price (the product's current price) x qty = line_total; their sum is the
//      subtotal.
//   2. coupon: the discount the coupon gives on the subtotal now (OrderBook::quote() previews
//      it; an optional coupon that cannot be used gives 0 and says why). The discount is shared
//      over the lines in proportion to their line_total, each share rounded down; the
//      remainder (less than one unit per line) goes to the line with the largest line_total
//      (the first by product id among equals). The shares add up to the discount exactly.
//   3. shipping: the fee of the chosen ShippingOption (none chosen: 0), given the goods amount
//      (subtotal - discount) and the total weight (each product's attribute "weight_g", an
//      integer count of grams; missing counts as 0).
//   4. tax: the TaxCalculator gets one taxable amount per line (line_total - its discount
//      share, with the product's attribute "tax_class", "standard" if missing) and one for the
//      shipping fee (the option's tax class), and returns the tax in (tax-inclusive prices) or on
//      (tax-exclusive prices) each. Tax is computed per line and summed; it is never spread.
//   5. points: taken last, from what remains; total = subtotal - discount + shipping_fee
//      (+ tax when prices exclude it) - points_used >= 0.
// Each line's total = line_total - discount (+ tax when prices exclude it); the lines' totals
// plus the shipping fee (+ its tax when prices exclude it) are the total before points.
//
// Thread safety: shipping options and tax calculators are called from any thread that quotes or
// places an order, possibly at once; they must be safe to call concurrently and must not call
// the store (the built-in ones keep no state).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commerce/money.h"

namespace commerce {

// What the shipping option is given.
struct ShippingInput {
  Money goods_amount = 0;         // subtotal - discount
  std::int64_t weight_grams = 0;  // the sum of each line's "weight_g" attribute x qty
  std::string region;             // the order's region, or empty
};

class ShippingOption {
 public:
  virtual ~ShippingOption() = default;
  // Its id, as PlaceOrder::shipping_option names it: 1..64 printable ASCII characters, unique
  // among StoreOptions::shipping_options (Store::open checks).
  virtual std::string id() const = 0;
  // The tax class its fee is taxed under (default "standard").
  virtual std::string tax_class() const { return "standard"; }
  // The fee for `input`, >= 0. Throw commerce::Error (e.g. InvalidArgument naming
  // "shipping_option") when it cannot ship this order: quoting or placing then fails with it.
  // Any other exception, or a negative fee, fails with InvalidArgument naming "shipping_option".
  virtual Money fee(const ShippingInput& input) const = 0;
};

// The same fee for every order.
std::shared_ptr<const ShippingOption> flat_shipping(std::string id, Money fee);
// `fee`, or 0 when the goods amount (subtotal - discount) is at least `free_from`.
std::shared_ptr<const ShippingOption> free_shipping_above(std::string id, Money fee,
                                                          Money free_from);
// By total weight: the fee of the first tier whose up_to_grams is at least the weight. An order
// heavier than every tier cannot ship with it (InvalidArgument naming "shipping_option").
struct WeightTier {
  std::int64_t up_to_grams = 0;
  Money fee = 0;
};
std::shared_ptr<const ShippingOption> weight_shipping(std::string id,
                                                      std::vector<WeightTier> tiers);

// Whether prices include tax (as in Korea: the price is what the buyer pays, and the tax is the
// part of it that is tax) or exclude it (the tax is added on top).
enum class TaxMode { kInclusive, kExclusive };

// One amount to tax: a line of the order (product_id set) or its shipping fee (product_id empty).
struct TaxableAmount {
  std::string product_id;
  std::string tax_class;
  Money amount = 0;  // after the line's discount share; >= 0
};

class TaxCalculator {
 public:
  virtual ~TaxCalculator() = default;
  virtual TaxMode mode() const = 0;
  // The tax in (kInclusive: 0 <= tax <= amount) or on (kExclusive: tax >= 0) each amount, in
  // the same order and as many. A wrong count, a tax out of range, or an exception other than
  // commerce::Error fails quoting and placing with InvalidArgument naming "tax_calculator".
  virtual std::vector<Money> tax(const std::vector<TaxableAmount>& amounts,
                                 const std::string& region) const = 0;
};

// Rates per tax class in basis points (1000 = 10%); a class without a rate is untaxed. Each
// amount's tax is rounded half up to a minor unit: inclusive, amount x rate / (10000 + rate);
// exclusive, amount x rate / 10000. Rates must be 0..100000 (InvalidArgument naming "rates").
std::shared_ptr<const TaxCalculator> rate_table_tax(std::map<std::string, std::int64_t> rates,
                                                    TaxMode mode);
// What a store uses when StoreOptions::tax_calculator is null: 10% on "standard", prices
// including it (Korean VAT).
std::shared_ptr<const TaxCalculator> korean_vat();

// One line of a quote or of an order's price breakdown.
struct PricedLine {
  std::string product_id;
  std::string name;
  Money unit_price = 0;
  std::int64_t qty = 0;
  Money line_total = 0;  // unit_price x qty
  Money discount = 0;       // its share of the coupon discount
  std::string tax_class;
  Money tax = 0;    // in (inclusive) or on (exclusive) line_total - discount
  Money total = 0;  // line_total - discount (+ tax when exclusive)
  bool operator==(const PricedLine&) const = default;
};

// What an order would cost now (OrderBook::quote()), and what it cost (Order keeps the same
// figures).
struct Quote {
  std::vector<PricedLine> lines;  // by product id
  Money subtotal = 0;
  Money discount = 0;
  bool coupon_applied = false;  // the coupon would be used (its discount is in `discount`)
  std::string coupon_note;      // why an optional coupon would be skipped
  std::string shipping_option;  // as requested, or empty
  Money shipping_fee = 0;
  Money shipping_tax = 0;  // the tax in or on the shipping fee
  Money tax = 0;           // the lines' tax plus shipping_tax
  bool tax_included = true;
  Money points_used = 0;
  Money total = 0;  // subtotal - discount + shipping_fee (+ tax when excluded) - points_used
  bool operator==(const Quote&) const = default;
};

}  // namespace commerce
