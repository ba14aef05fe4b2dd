// The pricing pipeline (commerce/pricing.h): discount shares, shipping, tax, points.
#include "domain/pricing/price_pipeline.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>
#include <set>

#include "commerce/error.h"
#include "domain/validate.h"

namespace commerce::detail {

namespace {

__extension__ typedef __int128 Wide;  // discount x line_total without overflow

// Shares `discount` (<= the lines' sum) in proportion to line_total, each share rounded down;
// the remainder goes to the largest line first (the first by product id among equals), and what
// a line cannot take (a share never exceeds its line) to the next largest.
void share_discount(std::vector<PricedLine>& lines, Money subtotal, Money discount) {
  Money given = 0;
  for (auto& line : lines) {
    line.discount = subtotal == 0 ? 0
                                  : static_cast<Money>(Wide{discount} * line.line_total /
                                                       subtotal);
    given += line.discount;
  }
  std::vector<std::size_t> by_size(lines.size());
  std::iota(by_size.begin(), by_size.end(), std::size_t{0});
  std::stable_sort(by_size.begin(), by_size.end(), [&](std::size_t a, std::size_t b) {
    return lines[a].line_total > lines[b].line_total;
  });
  Money rest = discount - given;
  for (std::size_t i : by_size) {
    if (rest == 0) break;
    const Money take = std::min(rest, lines[i].line_total - lines[i].discount);
    lines[i].discount += take;
    rest -= take;
  }
}

// Asks the calculator, checking its answer.
std::vector<Money> ask_tax(const TaxCalculator& calculator,
                           const std::vector<TaxableAmount>& amounts, const std::string& region) {
  std::vector<Money> taxes;
  try {
    taxes = calculator.tax(amounts, region);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error::invalid_argument("tax_calculator", fmt::format("failed: {}", e.what()));
  }
  if (taxes.size() != amounts.size()) {
    throw Error::invalid_argument(
        "tax_calculator",
        fmt::format("returned {} taxes for {} amounts", taxes.size(), amounts.size()));
  }
  const bool inclusive = calculator.mode() == TaxMode::kInclusive;
  for (std::size_t i = 0; i < taxes.size(); ++i) {
    if (taxes[i] < 0 || (inclusive && taxes[i] > amounts[i].amount)) {
      const std::string what =
          amounts[i].product_id.empty() ? std::string("shipping") : amounts[i].product_id;
      throw Error::invalid_argument(
          "tax_calculator",
          inclusive ? fmt::format("returned a tax of {} in {} ('{}'): it must be 0..{}", taxes[i],
                                  amounts[i].amount, what, amounts[i].amount)
                    : fmt::format("returned a tax of {} on {} ('{}'): it must be >= 0", taxes[i],
                                  amounts[i].amount, what));
    }
  }
  return taxes;
}

}  // namespace

PricingAttributes pricing_attributes(std::string_view field, const std::string& attributes) {
  PricingAttributes out;
  // Most products name neither: no parse on the order path for them.
  if (attributes.find("tax_class") == std::string::npos &&
      attributes.find("weight_g") == std::string::npos) {
    return out;
  }
  const auto j = nlohmann::json::parse(attributes, nullptr, false);
  if (!j.is_object()) return out;
  if (auto it = j.find("tax_class"); it != j.end()) {
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 64) {
      throw Error::invalid_argument(std::string(field), "\"tax_class\" must be a string of 1..64 characters");
    }
    out.tax_class = it->get<std::string>();
  }
  if (auto it = j.find("weight_g"); it != j.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > kMaxQty * 1000) {
      throw Error::invalid_argument(
          std::string(field), fmt::format("\"weight_g\" must be an integer of grams, 0..{}", kMaxQty * 1000));
    }
    out.weight_grams = it->get<std::int64_t>();
  }
  return out;
}

void check_shipping_options(const std::vector<std::shared_ptr<const ShippingOption>>& options) {
  std::set<std::string> ids;
  for (const auto& option : options) {
    if (!option) throw Error::invalid_argument("shipping_options", "must not hold a null option");
    const std::string id = option->id();
    check_id("shipping_options", id);
    if (!ids.insert(id).second) {
      throw Error::invalid_argument("shipping_options",
                                    fmt::format("names '{}' more than once", id));
    }
  }
}

const ShippingOption* shipping_option_named(const StoreOptions& options, const std::string& id) {
  for (const auto& option : options.shipping_options) {
    if (option->id() == id) return option.get();
  }
  return nullptr;
}

const ShippingOption& find_shipping_option(const StoreOptions& options, const std::string& id) {
  if (const ShippingOption* option = shipping_option_named(options, id)) return *option;
  throw Error::invalid_argument("shipping_option",
                                fmt::format("'{}' is not one of the store's shipping options", id));
}

ShippingCharge charge_shipping(const ShippingOption& option, const ShippingInput& input) {
  ShippingCharge charge{option.id(), option.tax_class(), 0};
  try {
    charge.fee = option.fee(input);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error::invalid_argument("shipping_option",
                                  fmt::format("'{}' failed: {}", charge.option_id, e.what()));
  }
  if (charge.fee < 0) {
    throw Error::invalid_argument(
        "shipping_option", fmt::format("'{}' asked a fee of {}", charge.option_id, charge.fee));
  }
  if (charge.tax_class.empty()) charge.tax_class = "standard";
  return charge;
}

Quote price_lines(std::vector<PricedLine> lines, Money discount, const ShippingCharge& shipping,
                  const TaxCalculator& calculator, const std::string& region) {
  Quote q;
  for (const auto& line : lines) q.subtotal = checked_add(q.subtotal, line.line_total, "items");
  q.discount = std::min(discount, q.subtotal);
  share_discount(lines, q.subtotal, q.discount);

  std::vector<TaxableAmount> amounts;
  amounts.reserve(lines.size() + 1);
  for (const auto& line : lines) {
    amounts.push_back({line.product_id, line.tax_class, line.line_total - line.discount});
  }
  const bool ships = !shipping.option_id.empty();
  if (ships) amounts.push_back({"", shipping.tax_class, shipping.fee});
  const std::vector<Money> taxes = ask_tax(calculator, amounts, region);
  q.tax_included = calculator.mode() == TaxMode::kInclusive;

  Money before_points = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    PricedLine& line = lines[i];
    line.tax = taxes[i];
    line.total = line.line_total - line.discount;
    if (!q.tax_included) line.total = checked_add(line.total, line.tax, "tax");
    q.tax = checked_add(q.tax, line.tax, "tax");
    before_points = checked_add(before_points, line.total, "items");
  }
  if (ships) {
    q.shipping_option = shipping.option_id;
    q.shipping_fee = shipping.fee;
    q.shipping_tax = taxes.back();
    q.tax = checked_add(q.tax, q.shipping_tax, "tax");
    before_points = checked_add(before_points, q.shipping_fee, "shipping_fee");
    if (!q.tax_included) before_points = checked_add(before_points, q.shipping_tax, "tax");
  }
  q.lines = std::move(lines);
  q.total = before_points;
  return q;
}

void take_points(Quote& quote, Money points) {
  if (points > quote.total) {
    throw Error::invalid_argument(
        "points_to_use", fmt::format("must be at most {} (the order's total before points)",
                                     quote.total));
  }
  quote.points_used = points;
  quote.total -= points;
}

std::vector<OrderItem> order_items(std::vector<PricedLine> lines) {
  std::vector<OrderItem> items;
  items.reserve(lines.size());
  for (auto& l : lines) {
    items.push_back({.product_id = std::move(l.product_id),
                     .name = std::move(l.name),
                     .unit_price = l.unit_price,
                     .qty = l.qty,
                     .line_total = l.line_total,
                     .backordered = 0,
                     .discount = l.discount,
                     .tax_class = std::move(l.tax_class),
                     .tax = l.tax,
                     .total = l.total});
  }
  return items;
}

void reprice_order(const StoreOptions& options, Order& order, Money discount) {
  std::vector<PricedLine> lines;
  lines.reserve(order.items.size());
  for (const auto& i : order.items) {
    lines.push_back({.product_id = i.product_id,
                     .name = i.name,
                     .unit_price = i.unit_price,
                     .qty = i.qty,
                     .line_total = i.line_total,
                     .tax_class = i.tax_class});
  }
  ShippingCharge shipping;
  if (!order.shipping_option.empty()) {
    // An option the store no longer offers keeps the order's fee, taxed as "standard".
    const ShippingOption* option = shipping_option_named(options, order.shipping_option);
    shipping = {order.shipping_option, option ? option->tax_class() : "standard",
                order.shipping_fee};
  }
  Quote q = price_lines(lines, discount, shipping, *options.tax_calculator, order.region);
  if (q.total < order.points_used) {
    q = price_lines(std::move(lines), order.discount, shipping, *options.tax_calculator,
                    order.region);
  }
  take_points(q, order.points_used);
  for (std::size_t i = 0; i < order.items.size(); ++i) {
    order.items[i].discount = q.lines[i].discount;
    order.items[i].tax = q.lines[i].tax;
    order.items[i].total = q.lines[i].total;
  }
  order.discount = q.discount;
  order.shipping_tax = q.shipping_tax;
  order.tax = q.tax;
  order.tax_included = q.tax_included;
  order.total = q.total;
}

}  // namespace commerce::detail
