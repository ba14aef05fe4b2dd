// bind_pricing.cpp: the pricing pipeline's values (commerce/pricing.h): shipping options and tax
// calculators (both subclassable in Python: trampolines in plugins.h), the built-ins, and the
// priced lines and quote that OrderBook.quote() returns.
#include "bindings.h"
#include "commerce/pricing.h"
#include "plugins.h"

namespace commerce::python {

void bind_pricing(py::module_& m) {
  py::enum_<TaxMode> tax_mode(m, "TaxMode", "Whether prices include tax or exclude it.");
  tax_mode
      .value("INCLUSIVE", TaxMode::kInclusive,
             "Prices include the tax (as in Korea): the tax is the part of each amount that is "
             "tax.")
      .value("EXCLUSIVE", TaxMode::kExclusive, "Prices exclude the tax: it is added on top.");
  readable_enum_repr(tax_mode);

  ValueClass<ShippingInput>(m, "ShippingInput", "What a shipping option is given.")
      .field("goods_amount", &ShippingInput::goods_amount, "subtotal - discount.")
      .field("weight_grams", &ShippingInput::weight_grams,
             "The sum of each line's \"weight_g\" attribute x qty.")
      .field("region", &ShippingInput::region, "The order's region, or empty.")
      .finish();

  ValueClass<WeightTier>(m, "WeightTier", "One tier of weight_shipping(): up to a weight, a fee.")
      .field("up_to_grams", &WeightTier::up_to_grams, "The heaviest order this tier ships.")
      .field("fee", &WeightTier::fee, "Its fee (minor units, >= 0).")
      .finish();

  ValueClass<TaxableAmount>(m, "TaxableAmount",
                            "One amount to tax: a line of the order (product_id set) or its "
                            "shipping fee (product_id empty).")
      .field("product_id", &TaxableAmount::product_id, "The line's product; empty for shipping.")
      .field("tax_class", &TaxableAmount::tax_class,
             "The product's attribute \"tax_class\" (\"standard\" if missing), or the shipping "
             "option's tax class.")
      .field("amount", &TaxableAmount::amount, "After the line's discount share; >= 0.")
      .finish();

  ValueClass<PricedLine>(m, "PricedLine", "One line of a quote, with its price breakdown.")
      .field("product_id", &PricedLine::product_id, "The product.")
      .field("name", &PricedLine::name, "Its name now.")
      .field("unit_price", &PricedLine::unit_price, "Its price now.")
      .field("qty", &PricedLine::qty, "Units.")
      .field("line_total", &PricedLine::line_total, "unit_price x qty.")
      .field("discount", &PricedLine::discount, "Its share of the coupon discount.")
      .field("tax_class", &PricedLine::tax_class, "The product's tax class.")
      .field("tax", &PricedLine::tax,
             "The tax in (inclusive) or on (exclusive) line_total - discount.")
      .field("total", &PricedLine::total, "line_total - discount (+ tax when exclusive).")
      .finish();

  ValueClass<Quote>(m, "Quote",
                    "What an order would cost now (OrderBook.quote()); a placed Order keeps the "
                    "same figures.")
      .field("lines", &Quote::lines, "PricedLine list, by product id.")
      .field("subtotal", &Quote::subtotal, "Sum of line totals.")
      .field("discount", &Quote::discount, "The coupon's discount.")
      .field("coupon_applied", &Quote::coupon_applied,
             "The coupon would be used (its discount is in `discount`).")
      .field("coupon_note", &Quote::coupon_note, "Why an optional coupon would be skipped.")
      .field("shipping_option", &Quote::shipping_option, "As requested, or empty.")
      .field("shipping_fee", &Quote::shipping_fee, "The shipping option's fee.")
      .field("shipping_tax", &Quote::shipping_tax, "The tax in or on the shipping fee.")
      .field("tax", &Quote::tax, "The lines' tax plus shipping_tax.")
      .field("tax_included", &Quote::tax_included,
             "Prices include the tax (else it is added on top).")
      .field("points_used", &Quote::points_used, "Points taken last.")
      .field("total", &Quote::total,
             "subtotal - discount + shipping_fee (+ tax when excluded) - points_used.")
      .finish();

  py::class_<ShippingOption, PyShippingOption, std::shared_ptr<ShippingOption>>(
      m, "ShippingOption",
      "A way to ship an order and its fee. Subclass it and override id() and fee(input) (and\n"
      "optionally tax_class(), \"standard\" by default); pass instances as\n"
      "Store.open(..., shipping_options=[...]) and choose one with shipping_option= of\n"
      "OrderBook.place() and quote(). Its methods are called from the library's threads (with\n"
      "the GIL held during the call), possibly at once; they must not call the store. Raise a\n"
      "CommerceError (e.g. InvalidArgumentError naming \"shipping_option\") when it cannot ship\n"
      "the order; any other exception, a result of the wrong type or a negative fee fails\n"
      "quoting and placing with InvalidArgumentError naming \"shipping_option\", writing\n"
      "nothing.")
      .def(py::init<>(), "Creates the option (call it from subclasses' __init__).")
      .def("id", &ShippingOption::id,
           "Its id, as shipping_option= names it: 1..64 printable ASCII characters, unique among\n"
           "the store's shipping options.")
      .def("tax_class", &ShippingOption::tax_class,
           "The tax class its fee is taxed under (default \"standard\").")
      .def("fee", &ShippingOption::fee, py::arg("input"),
           "The fee (minor units, >= 0) for `input` (a ShippingInput).");

  m.def(
      "flat_shipping",
      [](std::string id, Money fee) { return held(flat_shipping(std::move(id), fee)); },
      py::arg("id"), py::arg("fee"),
      "The built-in option `id`: the same fee for every order. Raises InvalidArgumentError\n"
      "(id, a negative fee).");
  m.def(
      "free_shipping_above",
      [](std::string id, Money fee, Money free_from) {
        return held(free_shipping_above(std::move(id), fee, free_from));
      },
      py::arg("id"), py::arg("fee"), py::arg("free_from"),
      "The built-in option `id`: `fee`, or 0 when the goods amount (subtotal - discount) is at\n"
      "least `free_from`. Raises InvalidArgumentError (id, a negative amount).");
  m.def(
      "weight_shipping",
      [](std::string id, std::vector<WeightTier> tiers) {
        return held(weight_shipping(std::move(id), std::move(tiers)));
      },
      py::arg("id"), py::arg("tiers"),
      "The built-in option `id`, by total weight: the fee of the first WeightTier whose\n"
      "up_to_grams is at least the order's weight; an order heavier than every tier cannot ship\n"
      "with it (InvalidArgumentError naming \"shipping_option\"). Raises InvalidArgumentError\n"
      "(no tiers, up_to_grams not increasing, a negative fee).");

  py::class_<TaxCalculator, PyTaxCalculator, std::shared_ptr<TaxCalculator>>(
      m, "TaxCalculator",
      "How orders are taxed. Subclass it and override mode() (a TaxMode) and\n"
      "tax(amounts, region); pass an instance as Store.open(..., tax_calculator=...). Its\n"
      "methods are called from the library's threads (with the GIL held during the call),\n"
      "possibly at once; they must not call the store. An exception other than a\n"
      "CommerceError, a result of the wrong type, a wrong count or a tax out of range fails\n"
      "quoting and placing with InvalidArgumentError naming \"tax_calculator\", writing\n"
      "nothing.")
      .def(py::init<>(), "Creates the calculator (call it from subclasses' __init__).")
      .def("mode", &TaxCalculator::mode,
           "TaxMode.INCLUSIVE (prices include the tax) or TaxMode.EXCLUSIVE (it is added).")
      .def("tax", &TaxCalculator::tax, py::arg("amounts"), py::arg("region"),
           "The tax in (INCLUSIVE: 0 <= tax <= amount) or on (EXCLUSIVE: tax >= 0) each\n"
           "TaxableAmount of `amounts`, as a list of as many ints in the same order; `region` is\n"
           "the order's region, or empty.");

  m.def(
      "rate_table_tax",
      [](std::map<std::string, std::int64_t> rates, TaxMode mode) {
        return held(rate_table_tax(std::move(rates), mode));
      },
      py::arg("rates"), py::arg("mode"),
      "The built-in calculator: rates per tax class in basis points (1000 = 10%); a class\n"
      "without a rate is untaxed. Each amount's tax is rounded half up to a minor unit:\n"
      "INCLUSIVE, amount x rate / (10000 + rate); EXCLUSIVE, amount x rate / 10000. Raises\n"
      "InvalidArgumentError naming \"rates\" (an empty class, a rate outside 0..100000).");
  m.def(
      "korean_vat", [] { return held(korean_vat()); },
      "What a store uses without tax_calculator: 10% on \"standard\", prices including it.");
}

}  // namespace commerce::python
