// The product's columns and its row mapper, shared by catalog.cpp and product_listing.cpp.
#pragma once

#include <string>

#include "commerce/catalog.h"
#include "option_text.h"
#include "query.h"

namespace commerce::statements {

inline const std::string kProductColumns =
    "id, name, description, price, category, brand, status, attributes, created_at, updated_at, "
    "parent_id, options, axes";
// How many columns kProductColumns lists: a statement's own columns come after them.
inline constexpr int kProductColumnCount = 13;

inline Product product_from(const Query& q) {
  return Product{.id = q.text(0),
                 .name = q.text(1),
                 .description = q.text(2),
                 .price = q.int64(3),
                 .category = q.text(4),
                 .brand = q.text(5),
                 .status = parse_product_status(q.text(6)),
                 .attributes = q.text(7),
                 .parent_id = q.text(10),
                 .options = options_from_text(q.text(11)),
                 .axes = axes_from_text(q.text(12)),
                 .created_at = q.int64(8),
                 .updated_at = q.int64(9)};
}

}  // namespace commerce::statements
