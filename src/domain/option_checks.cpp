#include "option_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "commerce/error.h"
#include "validate.h"

namespace commerce::detail {

namespace {

constexpr std::size_t kMaxOptionBytes = 64;
constexpr std::size_t kMaxAxisValues = 100;

void check_option_text(std::string_view field, const std::string& text) {
  check_text(field, text, kMaxOptionBytes, true);
}

}  // namespace

void check_option_axes(const std::vector<OptionAxis>& axes) {
  if (axes.size() > kMaxOptionAxes) {
    throw Error::invalid_argument("axes", fmt::format("at most {} axes", kMaxOptionAxes));
  }
  std::set<std::string> names;
  for (const OptionAxis& axis : axes) {
    check_option_text("axes", axis.name);
    if (!names.insert(axis.name).second) {
      throw Error::invalid_argument("axes", fmt::format("axis '{}' is named twice", axis.name));
    }
    if (axis.values.empty() || axis.values.size() > kMaxAxisValues) {
      throw Error::invalid_argument(
          "axes", fmt::format("axis '{}' must have 1..{} values", axis.name, kMaxAxisValues));
    }
    std::set<std::string> values;
    for (const std::string& value : axis.values) {
      check_option_text("axes", value);
      if (!values.insert(value).second) {
        throw Error::invalid_argument(
            "axes", fmt::format("axis '{}' lists '{}' twice", axis.name, value));
      }
    }
  }
}

void check_variant_options(const std::vector<OptionAxis>& axes, const OptionValues& options) {
  for (const OptionAxis& axis : axes) {
    const auto value = options.find(axis.name);
    if (value == options.end()) {
      throw Error::invalid_argument("options", fmt::format("no value for axis '{}'", axis.name));
    }
    if (std::find(axis.values.begin(), axis.values.end(), value->second) == axis.values.end()) {
      throw Error::invalid_argument(
          "options", fmt::format("'{}' is not a value of axis '{}'", value->second, axis.name));
    }
  }
  if (options.size() != axes.size()) {
    for (const auto& option : options) {
      const std::string& name = option.first;  // clang 14 cannot capture a structured binding
      const bool known = std::any_of(axes.begin(), axes.end(),
                                     [&](const OptionAxis& axis) { return axis.name == name; });
      if (!known) {
        throw Error::invalid_argument("options", fmt::format("the product has no axis '{}'", name));
      }
    }
  }
}

void check_option_filter(const OptionValues& options) {
  if (options.size() > kMaxOptionAxes) {
    throw Error::invalid_argument("options", fmt::format("at most {} values", kMaxOptionAxes));
  }
  for (const auto& [axis, value] : options) {
    check_option_text("options", axis);
    check_option_text("options", value);
  }
}

std::string variant_name(const Product& parent, const OptionValues& options) {
  std::string values;
  for (const OptionAxis& axis : parent.axes) {
    if (!values.empty()) values += ", ";
    values += options.at(axis.name);
  }
  return fmt::format("{} ({})", parent.name, values);
}

void require_orderable(const Product& product) {
  if (product.status != ProductStatus::kActive) {
    throw Error::failed_precondition(
        Reason::kInactive, product.id,
        fmt::format("product '{}' is {}", product.id, to_string(product.status)));
  }
  if (!product.axes.empty()) {
    throw Error::failed_precondition(
        Reason::kNone, product.id,
        fmt::format("product '{}' is sold through its variants: order one of them", product.id));
  }
}

}  // namespace commerce::detail
