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

std::optional<Address> address_field(JsonFields& fields) {
  const auto object = fields.object("shipping_address");
  if (!object) return std::nullopt;
  JsonFields a(*object, fields.prefix() + "shipping_address.");
  Address address;
  address.name = a.text("name").value_or("");
  address.phone = a.text("phone").value_or("");
  address.line1 = a.text("line1").value_or("");
  address.line2 = a.text("line2").value_or("");
  address.city = a.text("city").value_or("");
  address.region = a.text("region").value_or("");
  address.postal_code = a.text("postal_code").value_or("");
  address.country = a.text("country").value_or("");
  a.finish();
  return address;
}

CartCheckout order_terms_fields(JsonFields& fields) {
  CartCheckout terms;
  terms.coupon_id = fields.text("coupon_id").value_or("");
  terms.coupon_required = fields.boolean("coupon_required").value_or(false);
  terms.points_to_use = fields.integer("points_to_use").value_or(0);
  terms.payment_method = fields.text("payment_method").value_or("card");
  terms.region = fields.text("region").value_or("");
  terms.shipping_option = fields.text("shipping_option").value_or("");
  terms.expected_total = fields.integer("expected_total").value_or(-1);
  terms.shipping_address = address_field(fields);
  return terms;
}

}  // namespace commerce::service
