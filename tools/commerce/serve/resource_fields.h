// JSON request fields of the library's value types that several routes read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commerce/stock.h"
#include "json_body.h"

namespace commerce::service {

// `name`: an array of {"product_id": string, "qty": integer}, or none when absent. Errors:
// InvalidArgument naming the field ("items", "items[0].qty", "items[1].price" for an unknown
// one).
std::optional<std::vector<LineItem>> line_items_field(JsonFields& fields,
                                                      const std::string& name);

}  // namespace commerce::service
