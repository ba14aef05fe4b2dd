// How an Address (commerce/address.h) is kept as text: a JSON object of its eight fields, in
// declaration order, every field present. The order and cart rows store it ('' for none), and
// an idempotency fingerprint keeps only its SHA-256.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commerce/address.h"

namespace commerce::detail {

// The JSON text of `address`; '' for none.
std::string address_text(const std::optional<Address>& address);
// The address `text` holds; none for ''. Errors: Internal (a stored text that is not an
// address; the message does not quote it).
std::optional<Address> address_from_text(std::string_view text);

}  // namespace commerce::detail
