// Input checks shared by every service. Each throws Error::invalid_argument naming the field and
// runs before anything is written, so bad input changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/money.h"
#include "commerce/stock.h"

namespace commerce::detail {

inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::size_t kMaxNameBytes = 512;
// A region (PlaceOrder::region, StockLocation::region).
inline constexpr std::size_t kMaxRegionBytes = 64;
inline constexpr std::size_t kMaxTextBytes = 16384;
inline constexpr std::int64_t kMaxQty = 1'000'000;

// Host ids (SKUs, user ids, order ids): 1..128 of A-Z a-z 0-9 and - _ . : @ / + #.
void check_id(std::string_view field, std::string_view value);
// UTF-8 text without control characters (newline and tab allowed), at most max_bytes;
// `required` also rejects the empty string.
void check_text(std::string_view field, std::string_view value, std::size_t max_bytes,
                bool required);
// A JSON object, at most 64 KiB.
void check_json_object(std::string_view field, std::string_view value);
void check_quantity(std::string_view field, std::int64_t qty);
void check_positive(std::string_view field, Money amount);
void check_not_negative(std::string_view field, Money amount);
int check_limit(int limit);

// Validates the items and merges repeated products (summing qty, overflow-checked); the result
// is sorted by product id, which is also the lock order every adapter acquires rows in.
std::vector<LineItem> merge_items(const std::vector<LineItem>& items,
                                  std::string_view field = "items", std::size_t max = 1000);

// Cursors are opaque to callers: the hex of the last key of the previous page.
std::string encode_cursor(std::string_view key);
std::string decode_cursor(std::string_view cursor);

}  // namespace commerce::detail
