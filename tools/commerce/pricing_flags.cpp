// The store's pricing from the command line: shipping options and the tax calculator, given to
// every command as global flags (the store keeps no pricing configuration of its own).
#include <fmt/format.h>

#include <map>

#include "cli.h"

namespace commerce::cli {

namespace {

constexpr const char* kShippingFlag = "--shipping-option";

// "TEXT" as an integer; InvalidArgument naming `flag` (quoting `spec`) otherwise.
std::int64_t number(std::string_view text, const char* flag, const std::string& spec) {
  std::int64_t out = 0;
  if (!parse_int(text, out)) {
    throw Error::invalid_argument(
        flag, fmt::format("'{}': '{}' is not an integer", spec, std::string(text)));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// "ID=flat:FEE", "ID=free_above:FEE:FROM" or "ID=weight:GRAMS=FEE,GRAMS=FEE...".
std::shared_ptr<const ShippingOption> parse_shipping_option(const std::string& spec) {
  const auto eq = spec.find('=');
  const auto colon = spec.find(':', eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || colon == std::string::npos) {
    throw Error::invalid_argument(
        kShippingFlag,
        fmt::format("'{}' is not ID=flat:FEE, ID=free_above:FEE:FROM or "
                    "ID=weight:GRAMS=FEE,...",
                    spec));
  }
  const std::string id = spec.substr(0, eq);
  const std::string kind = spec.substr(eq + 1, colon - eq - 1);
  const std::string_view rest = std::string_view(spec).substr(colon + 1);
  if (kind == "flat") return flat_shipping(id, number(rest, kShippingFlag, spec));
  if (kind == "free_above") {
    const auto parts = split(rest, ':');
    if (parts.size() != 2) {
      throw Error::invalid_argument(kShippingFlag,
                                    fmt::format("'{}': free_above takes FEE:FROM", spec));
    }
    return free_shipping_above(id, number(parts[0], kShippingFlag, spec),
                               number(parts[1], kShippingFlag, spec));
  }
  if (kind == "weight") {
    std::vector<WeightTier> tiers;
    for (const auto tier : split(rest, ',')) {
      const auto parts = split(tier, '=');
      if (parts.size() != 2) {
        throw Error::invalid_argument(
            kShippingFlag, fmt::format("'{}': weight takes GRAMS=FEE,GRAMS=FEE...", spec));
      }
      tiers.push_back(
          {number(parts[0], kShippingFlag, spec), number(parts[1], kShippingFlag, spec)});
    }
    return weight_shipping(id, std::move(tiers));
  }
  throw Error::invalid_argument(
      kShippingFlag,
      fmt::format("'{}': unknown kind '{}': use flat, free_above or weight", spec, kind));
}

}  // namespace

void add_pricing_flags(CLI::App& app, PricingFlags& flags) {
  app.add_option(kShippingFlag, flags.shipping_options,
                 "a shipping option orders may choose, repeatable: ID=flat:FEE, "
                 "ID=free_above:FEE:FROM or ID=weight:GRAMS=FEE,GRAMS=FEE...");
  app.add_option("--tax", flags.tax,
                 "inclusive (prices include the tax, the default) or exclusive (it is added)");
  app.add_option("--tax-rate", flags.tax_rates,
                 "CLASS=BASIS_POINTS, repeatable (1000 = 10%; default standard=1000)");
}

void apply_pricing_flags(const PricingFlags& flags, StoreOptions& options) {
  for (const auto& spec : flags.shipping_options) {
    options.shipping_options.push_back(parse_shipping_option(spec));
  }
  if (flags.tax.empty() && flags.tax_rates.empty()) return;  // the store's default: korean_vat()
  TaxMode mode = TaxMode::kInclusive;
  if (flags.tax == "exclusive") {
    mode = TaxMode::kExclusive;
  } else if (!flags.tax.empty() && flags.tax != "inclusive") {
    throw Error::invalid_argument(
        "--tax", fmt::format("unknown value '{}': use inclusive or exclusive", flags.tax));
  }
  std::map<std::string, std::int64_t> rates;
  for (const auto& spec : flags.tax_rates) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos ||
        !rates.emplace(spec.substr(0, eq), number(std::string_view(spec).substr(eq + 1),
                                                  "--tax-rate", spec))
             .second) {
      throw Error::invalid_argument("--tax-rate",
                                    fmt::format("'{}' is not a new CLASS=BASIS_POINTS", spec));
    }
  }
  if (rates.empty()) rates.emplace("standard", 1000);
  options.tax_calculator = rate_table_tax(std::move(rates), mode);
}

}  // namespace commerce::cli
