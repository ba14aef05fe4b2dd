// commerce/money.h: money as an integer count of minor units, with overflow-checked arithmetic.
//
// One currency per store (StoreOptions::currency). Every sum and product in the library goes
// through these functions: an overflow throws Error(kInvalidArgument) naming `field`, never a
// wrapped number. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace commerce {

using Money = std::int64_t;

// a + b; throws InvalidArgument naming `field` on overflow.
Money checked_add(Money a, Money b, std::string_view field);
// a - b; throws InvalidArgument naming `field` on overflow.
Money checked_sub(Money a, Money b, std::string_view field);
// a * b; throws InvalidArgument naming `field` on overflow.
Money checked_mul(Money a, std::int64_t b, std::string_view field);

}  // namespace commerce
