// Variants' option axes and values: the checks of what a host gives (each throws
// Error::invalid_argument naming the field before anything is written) and a variant's name.
#pragma once

#include <string>
#include <vector>

#include "commerce/catalog.h"

namespace commerce::detail {

inline constexpr std::size_t kMaxOptionAxes = 8;

// A new product's axes: at most kMaxOptionAxes with distinct names, each with 1..100 distinct
// values; names and values 1..64 bytes of text. Field "axes".
void check_option_axes(const std::vector<OptionAxis>& axes);
// A variant's options against its parent's axes: exactly one allowed value for each axis.
// Field "options".
void check_variant_options(const std::vector<OptionAxis>& axes, const OptionValues& options);
// A listing filter's options: at most kMaxOptionAxes pairs of text as axes are named. Field
// "options".
void check_option_filter(const OptionValues& options);
// "T-shirt (M, red)": the parent's name and the variant's values in the parent's axis order.
std::string variant_name(const Product& parent, const OptionValues& options);

// Throws FailedPrecondition naming the product unless an order may hold it: it is active and
// sells itself (a product with option axes is sold through its variants).
void require_orderable(const Product& product);

}  // namespace commerce::detail
