// for_each_row(): walks a listing ordered by key (the storage's list_* calls), a page at a time,
// for the whole-store passes (the invariant check and its repair).
#pragma once

#include <string>
#include <utility>

#include "commerce/stock.h"

namespace commerce::detail {

// Rows per page of a whole-store pass.
constexpr int kRowsPerPage = 500;

// A stock row's key for for_each_row(): product and location ids joined by a unit separator
// (ids never hold one); split_stock_key() takes it apart ("" gives two empty ids: the start).
inline std::string stock_key(const LocationLevel& row) {
  return row.product_id + '\x1f' + row.location_id;
}
inline std::pair<std::string, std::string> split_stock_key(const std::string& key) {
  const auto at = key.find('\x1f');
  if (at == std::string::npos) return {key, {}};
  return {key.substr(0, at), key.substr(at + 1)};
}

// Visits every row: `list(after, limit)` returns the rows whose key follows `after`, `key(row)`
// is a row's key, `visit(row)` may change the row it is given (its copy of the page).
template <class List, class Key, class Visit>
void for_each_row(List&& list, Key&& key, Visit&& visit) {
  std::string after;
  for (;;) {
    auto page = list(after, kRowsPerPage);
    if (page.empty()) return;
    for (auto& row : page) {
      after = key(row);
      visit(row);
    }
  }
}

}  // namespace commerce::detail
