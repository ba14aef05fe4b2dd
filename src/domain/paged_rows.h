// for_each_row(): walks a listing ordered by key (the storage's list_* calls), a page at a time,
// for the whole-store passes (the invariant check and its repair).
#pragma once

#include <string>

namespace commerce::detail {

// Rows per page of a whole-store pass.
constexpr int kRowsPerPage = 500;

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
