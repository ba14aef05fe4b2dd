// JSON fields of the library's value types. See resource_fields.h.
#include "resource_fields.h"

#include "commerce/error.h"

namespace commerce::service {

std::optional<std::vector<LineItem>> line_items_field(JsonFields& fields,
                                                      const std::string& name) {
  const auto list = fields.array(name);
  if (!list) return std::nullopt;
  std::vector<LineItem> items;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string item_name = fields.prefix() + name + "[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) throw Error::invalid_argument(item_name, "must be an object");
    JsonFields item((*list)[i], item_name + ".");
    LineItem line;
    line.product_id = item.required_text("product_id");
    line.qty = item.required_integer("qty");
    item.finish();
    items.push_back(std::move(line));
  }
  return items;
}

}  // namespace commerce::service
