// commerce/page.h: one page of a cursor-paginated list.
//
// Lists are never unbounded: each list call takes a cursor (empty for the first page) and a
// limit (1..kMaxPageSize), and returns at most `limit` items plus the cursor of the next page.
#pragma once

#include <string>
#include <vector>

namespace commerce {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

template <class T>
struct Page {
  std::vector<T> items;
  // Opaque; pass it back to get the next page. Empty when this is the last page.
  std::string next_cursor;
};

}  // namespace commerce
