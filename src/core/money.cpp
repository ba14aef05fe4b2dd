#include "commerce/money.h"

#include <string>

#include "commerce/error.h"

namespace commerce {

namespace {
[[noreturn]] void overflow(std::string_view field) {
  throw Error::invalid_argument(std::string(field), "amount overflows a 64-bit count of minor units");
}
}  // namespace

Money checked_add(Money a, Money b, std::string_view field) {
  Money r;
  if (__builtin_add_overflow(a, b, &r)) overflow(field);
  return r;
}

Money checked_sub(Money a, Money b, std::string_view field) {
  Money r;
  if (__builtin_sub_overflow(a, b, &r)) overflow(field);
  return r;
}

Money checked_mul(Money a, std::int64_t b, std::string_view field) {
  Money r;
  if (__builtin_mul_overflow(a, b, &r)) overflow(field);
  return r;
}

}  // namespace commerce
