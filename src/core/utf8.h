// Counting the characters of UTF-8 text, shared by the checks of the domain and the storage's
// choice of index.
#pragma once

#include <cstddef>
#include <string_view>

namespace commerce::detail {

// Unicode characters in `text` (UTF-8; counting needs no validation).
inline std::size_t utf8_characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// A text the trigram indexes can find: one of 3 or more characters (it has a trigram).
inline bool has_trigram(std::string_view text) { return utf8_characters(text) >= 3; }

}  // namespace commerce::detail
