// Cursor pagination shared by every list call: storage is asked for one row more than the page
// holds, which tells whether another page follows without a count query.
#pragma once

#include <string>
#include <vector>

#include "commerce/page.h"
#include "validate.h"

namespace commerce::detail {

// `rows` came from a storage query with limit + 1; the cursor is the id of the page's last row.
template <class T>
Page<T> make_page(std::vector<T> rows, int limit) {
  Page<T> page{std::move(rows), {}};
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(limit);
    page.next_cursor = encode_cursor(page.items.back().id);
  }
  return page;
}

}  // namespace commerce::detail
