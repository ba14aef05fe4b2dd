// Lookups between an enum value and its name (as stored, printed and accepted on input), over a
// table of {value, name} pairs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "commerce/error.h"

namespace commerce::detail {

// The value named `name`; InvalidArgument naming `field` if none is.
template <class E, std::size_t N>
E parse_enum(std::string_view field, std::string_view name,
             const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [value, text] : table) {
    if (name == text) return value;
  }
  throw Error::invalid_argument(std::string(field), "unknown value '" + std::string(name) + "'");
}

// The name of `value`, or "unknown".
template <class E, std::size_t N>
std::string_view enum_name(E value, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return "unknown";
}

}  // namespace commerce::detail
