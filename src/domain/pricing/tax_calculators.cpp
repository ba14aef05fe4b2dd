// The built-in tax calculators (commerce/pricing.h).
#include <fmt/format.h>

#include <utility>

#include "commerce/error.h"
#include "commerce/pricing.h"

namespace commerce {

namespace {

constexpr std::int64_t kBasisPoints = 10000;
constexpr std::int64_t kMaxRate = 100000;  // 1000%

__extension__ typedef __int128 Wide;  // amount x rate without overflow

// n / d rounded half up, for n >= 0 and d > 0.
Money divide_half_up(Wide n, Wide d) { return static_cast<Money>((2 * n + d) / (2 * d)); }

class RateTableTax final : public TaxCalculator {
 public:
  RateTableTax(std::map<std::string, std::int64_t> rates, TaxMode mode)
      : rates_(std::move(rates)), mode_(mode) {}
  TaxMode mode() const override { return mode_; }
  std::vector<Money> tax(const std::vector<TaxableAmount>& amounts,
                         const std::string&) const override {
    std::vector<Money> out;
    out.reserve(amounts.size());
    for (const auto& a : amounts) {
      const auto rate = rates_.find(a.tax_class);
      if (rate == rates_.end() || rate->second == 0 || a.amount <= 0) {
        out.push_back(0);
      } else if (mode_ == TaxMode::kInclusive) {
        out.push_back(divide_half_up(Wide{a.amount} * rate->second, kBasisPoints + rate->second));
      } else {
        out.push_back(divide_half_up(Wide{a.amount} * rate->second, kBasisPoints));
      }
    }
    return out;
  }

 private:
  std::map<std::string, std::int64_t> rates_;
  TaxMode mode_;
};

}  // namespace

std::shared_ptr<const TaxCalculator> rate_table_tax(std::map<std::string, std::int64_t> rates,
                                                    TaxMode mode) {
  for (const auto& [tax_class, rate] : rates) {
    if (tax_class.empty()) throw Error::invalid_argument("rates", "a tax class must be named");
    if (rate < 0 || rate > kMaxRate) {
      throw Error::invalid_argument(
          "rates", fmt::format("the rate of '{}' must be 0..{} basis points", tax_class, kMaxRate));
    }
  }
  return std::make_shared<RateTableTax>(std::move(rates), mode);
}

std::shared_ptr<const TaxCalculator> korean_vat() {
  return rate_table_tax({{"standard", 1000}}, TaxMode::kInclusive);
}

}  // namespace commerce
