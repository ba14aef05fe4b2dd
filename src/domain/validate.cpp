#include "validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "commerce/error.h"

namespace commerce::detail {

namespace {

std::string name(std::string_view field) { return std::string(field); }

bool is_id_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '/' || c == '+' ||
         c == '#';
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int extra;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

void check_id(std::string_view field, std::string_view value) {
  if (value.empty()) throw Error::invalid_argument(name(field), "must not be empty");
  if (value.size() > kMaxIdBytes) {
    throw Error::invalid_argument(name(field),
                                  fmt::format("must be at most {} characters", kMaxIdBytes));
  }
  if (!std::all_of(value.begin(), value.end(),
                   [](char c) { return is_id_char(static_cast<unsigned char>(c)); })) {
    throw Error::invalid_argument(
        name(field), "may contain only letters, digits and - _ . : @ / + #");
  }
}

void check_text(std::string_view field, std::string_view value, std::size_t max_bytes,
                bool required) {
  if (required && value.empty()) throw Error::invalid_argument(name(field), "must not be empty");
  if (value.size() > max_bytes) {
    throw Error::invalid_argument(name(field), fmt::format("must be at most {} bytes", max_bytes));
  }
  if (!is_valid_utf8(value)) throw Error::invalid_argument(name(field), "must be valid UTF-8");
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) {
      throw Error::invalid_argument(name(field), "must not contain control characters");
    }
  }
}

void check_json_object(std::string_view field, std::string_view value) {
  check_text(field, value, 65536, true);
  nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw Error::invalid_argument(name(field), "must be a JSON object");
  }
}

void check_quantity(std::string_view field, std::int64_t qty) {
  if (qty < 1 || qty > kMaxQty) {
    throw Error::invalid_argument(name(field), fmt::format("must be 1..{}, got {}", kMaxQty, qty));
  }
}

void check_positive(std::string_view field, Money amount) {
  if (amount <= 0) {
    throw Error::invalid_argument(name(field), fmt::format("must be positive, got {}", amount));
  }
}

void check_not_negative(std::string_view field, Money amount) {
  if (amount < 0) {
    throw Error::invalid_argument(name(field), fmt::format("must not be negative, got {}", amount));
  }
}

int check_limit(int limit) {
  if (limit < 1 || limit > kMaxPageSize) {
    throw Error::invalid_argument("limit", fmt::format("must be 1..{}, got {}", kMaxPageSize, limit));
  }
  return limit;
}

std::vector<LineItem> merge_items(const std::vector<LineItem>& items, std::string_view field,
                                  std::size_t max) {
  if (items.empty()) throw Error::invalid_argument(std::string(field), "must not be empty");
  if (items.size() > max) {
    throw Error::invalid_argument(std::string(field), fmt::format("at most {} lines", max));
  }
  std::map<std::string, std::int64_t> merged;
  for (std::size_t i = 0; i < items.size(); ++i) {
    check_id(fmt::format("{}[{}].product_id", field, i), items[i].product_id);
    check_quantity(fmt::format("{}[{}].qty", field, i), items[i].qty);
    auto& qty = merged[items[i].product_id];
    qty += items[i].qty;
    check_quantity(fmt::format("{}[{}].qty", field, i), qty);
  }
  std::vector<LineItem> out;
  out.reserve(merged.size());
  for (auto& [product, qty] : merged) out.push_back({product, qty});
  return out;
}

std::string encode_cursor(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(key.size() * 2);
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(kHex[u >> 4]);
    out.push_back(kHex[u & 0x0f]);
  }
  return out;
}

std::string decode_cursor(std::string_view cursor) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (cursor.size() % 2 != 0 || cursor.size() > 2 * 256) {
    throw Error::invalid_argument("cursor", "is not a cursor returned by this library");
  }
  std::string out;
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = nibble(cursor[i]);
    const int lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) {
      throw Error::invalid_argument("cursor", "is not a cursor returned by this library");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace commerce::detail
