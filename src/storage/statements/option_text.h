// How a product row stores its variant data as text: a variant's option values as a canonical
// JSON object (keys sorted, so equal options give equal texts: the unique index of a parent's
// combinations compares them) and a parent's option axes as a JSON array of [name, [values]];
// both '' when empty, as rows written before variants existed hold.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "commerce/catalog.h"

namespace commerce::statements {

std::string options_text(const OptionValues& options);
OptionValues options_from_text(std::string_view text);
std::string axes_text(const std::vector<OptionAxis>& axes);
std::vector<OptionAxis> axes_from_text(std::string_view text);

}  // namespace commerce::statements
