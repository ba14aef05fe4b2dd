// commerce/address.h: a postal address an order ships to (PlaceOrder::shipping_address, a
// cart's address), kept on the order as a snapshot and handed to carriers (commerce/
// shipments.h). Its name and phone are personal data: OrderBook::erase_personal_data() removes
// the whole address from old orders.
//
// Thread safety: a plain value.
#pragma once

#include <string>

namespace commerce {

// The text fields (name, line1, line2, city, region) are one line of UTF-8 each: no control
// character, line break or tab; a required one must not be blank (spaces only). An optional
// field is empty for none.
struct Address {
  std::string name;         // the recipient; required, 1..100 bytes of UTF-8
  std::string phone;        // optional; digits, spaces and "+-()", at most 32 bytes, a digit
  std::string line1;        // street and number; required, 1..200 bytes
  std::string line2;        // optional, at most 200 bytes
  std::string city;         // required, 1..100 bytes
  std::string region;       // state or province; optional, at most 100 bytes
  std::string postal_code;  // required, 1..16 ASCII letters, digits, spaces or '-', a letter
                            // or digit among them
  std::string country;      // ISO 3166-1 alpha-2, upper case (e.g. "KR"); required
  bool operator==(const Address&) const = default;
};

// Checks every field of `address`, in declaration order. Errors: InvalidArgument naming `field` +
// "." + the first field that breaks a rule (e.g. "shipping_address.postal_code") and the rule;
// the message never quotes the value (it is personal data).
void validate_address(const Address& address, const std::string& field = "shipping_address");

}  // namespace commerce
