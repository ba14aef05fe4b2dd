// JSON request fields of the library's value types that several routes read.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commerce/address.h"
#include "commerce/carts.h"
#include "commerce/stock.h"
#include "json_body.h"

namespace commerce::service {

// `name`: an array of {"product_id": string, "qty": integer}, or none when absent. Errors:
// InvalidArgument naming the field ("items", "items[0].qty", "items[1].price" for an unknown
// one).
std::optional<std::vector<LineItem>> line_items_field(JsonFields& fields,
                                                      const std::string& name);

// `shipping_address`: an object of Address's fields (name, phone, line1, line2, city, region,
// postal_code, country; each optional), or none when absent. Errors: InvalidArgument naming
// "shipping_address.<field>" (wrong type, unknown).
std::optional<Address> address_field(JsonFields& fields);

// The fields an order takes besides its user and lines (POST /orders, a cart's quote and
// checkout): coupon_id, coupon_required, points_to_use, payment_method, region,
// shipping_option, expected_total, shipping_address. Errors: InvalidArgument naming the field.
CartCheckout order_terms_fields(JsonFields& fields);

}  // namespace commerce::service
