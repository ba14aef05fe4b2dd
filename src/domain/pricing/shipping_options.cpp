// The built-in shipping options (commerce/pricing.h).
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "commerce/error.h"
#include "commerce/pricing.h"
#include "domain/validate.h"

namespace commerce {

namespace {

void check_fee(const char* field, Money fee) { detail::check_not_negative(field, fee); }

class FlatShipping final : public ShippingOption {
 public:
  FlatShipping(std::string id, Money fee) : id_(std::move(id)), fee_(fee) {}
  std::string id() const override { return id_; }
  Money fee(const ShippingInput&) const override { return fee_; }

 private:
  std::string id_;
  Money fee_;
};

class FreeShippingAbove final : public ShippingOption {
 public:
  FreeShippingAbove(std::string id, Money fee, Money free_from)
      : id_(std::move(id)), fee_(fee), free_from_(free_from) {}
  std::string id() const override { return id_; }
  Money fee(const ShippingInput& input) const override {
    return input.goods_amount >= free_from_ ? 0 : fee_;
  }

 private:
  std::string id_;
  Money fee_;
  Money free_from_;
};

class WeightShipping final : public ShippingOption {
 public:
  WeightShipping(std::string id, std::vector<WeightTier> tiers)
      : id_(std::move(id)), tiers_(std::move(tiers)) {}
  std::string id() const override { return id_; }
  Money fee(const ShippingInput& input) const override {
    for (const auto& tier : tiers_) {
      if (input.weight_grams <= tier.up_to_grams) return tier.fee;
    }
    throw Error::invalid_argument(
        "shipping_option", fmt::format("'{}' ships at most {} g; this order weighs {} g", id_,
                                       tiers_.back().up_to_grams, input.weight_grams));
  }

 private:
  std::string id_;
  std::vector<WeightTier> tiers_;
};

}  // namespace

std::shared_ptr<const ShippingOption> flat_shipping(std::string id, Money fee) {
  detail::check_id("shipping_option", id);
  check_fee("fee", fee);
  return std::make_shared<FlatShipping>(std::move(id), fee);
}

std::shared_ptr<const ShippingOption> free_shipping_above(std::string id, Money fee,
                                                          Money free_from) {
  detail::check_id("shipping_option", id);
  check_fee("fee", fee);
  check_fee("free_from", free_from);
  return std::make_shared<FreeShippingAbove>(std::move(id), fee, free_from);
}

std::shared_ptr<const ShippingOption> weight_shipping(std::string id,
                                                      std::vector<WeightTier> tiers) {
  detail::check_id("shipping_option", id);
  if (tiers.empty()) throw Error::invalid_argument("tiers", "must hold at least one tier");
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    detail::check_not_negative("tiers.up_to_grams", tiers[i].up_to_grams);
    check_fee("tiers.fee", tiers[i].fee);
    if (i > 0 && tiers[i].up_to_grams <= tiers[i - 1].up_to_grams) {
      throw Error::invalid_argument("tiers.up_to_grams", "must increase from tier to tier");
    }
  }
  return std::make_shared<WeightShipping>(std::move(id), std::move(tiers));
}

}  // namespace commerce
