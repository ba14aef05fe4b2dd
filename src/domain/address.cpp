// validate_address(): the rules of commerce/address.h. An error names the field and the rule,
// never the value (an address is personal data).
#include "commerce/address.h"

#include <algorithm>
#include <string_view>

#include "commerce/error.h"
#include "domain/validate.h"

namespace commerce {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

// One line of UTF-8 text: check_text's rules, no line break or tab, and (when required) not
// blank.
void check_line(const std::string& field, std::string_view value, std::size_t max_bytes,
                bool required) {
  detail::check_text(field, value, max_bytes, required);
  if (value.find_first_of("\n\t") != std::string_view::npos) {
    throw Error::invalid_argument(field, "must be one line (no line break or tab)");
  }
  if (required && value.find_first_not_of(' ') == std::string_view::npos) {
    throw Error::invalid_argument(field, "must not be blank");
  }
}

void check_phone(const std::string& field, std::string_view phone) {
  if (phone.size() > 32) throw Error::invalid_argument(field, "must be at most 32 bytes");
  const bool allowed = std::all_of(phone.begin(), phone.end(), [](char c) {
    return is_digit(c) || c == ' ' || c == '+' || c == '-' || c == '(' || c == ')';
  });
  if (!allowed) {
    throw Error::invalid_argument(field, "may contain only digits, spaces and + - ( )");
  }
  if (!phone.empty() && std::none_of(phone.begin(), phone.end(), is_digit)) {
    throw Error::invalid_argument(field, "must contain a digit (or be empty for none)");
  }
}

void check_postal_code(const std::string& field, std::string_view code) {
  if (code.empty() || code.size() > 16) {
    throw Error::invalid_argument(field, "must be 1..16 characters");
  }
  const bool allowed = std::all_of(code.begin(), code.end(), [](char c) {
    return is_digit(c) || is_letter(c) || c == ' ' || c == '-';
  });
  if (!allowed) {
    throw Error::invalid_argument(field, "may contain only letters, digits, spaces and -");
  }
  if (std::none_of(code.begin(), code.end(), [](char c) { return is_digit(c) || is_letter(c); })) {
    throw Error::invalid_argument(field, "must contain a letter or a digit");
  }
}

void check_country(const std::string& field, std::string_view country) {
  if (country.size() != 2 || !is_upper(country[0]) || !is_upper(country[1])) {
    throw Error::invalid_argument(
        field, "must be an ISO 3166-1 alpha-2 code: two upper-case letters A-Z (e.g. KR)");
  }
}

}  // namespace

void validate_address(const Address& a, const std::string& field) {
  const auto at = [&](std::string_view name) { return field + "." + std::string(name); };
  check_line(at("name"), a.name, 100, true);
  check_phone(at("phone"), a.phone);
  check_line(at("line1"), a.line1, 200, true);
  check_line(at("line2"), a.line2, 200, false);
  check_line(at("city"), a.city, 100, true);
  check_line(at("region"), a.region, 100, false);
  check_postal_code(at("postal_code"), a.postal_code);
  check_country(at("country"), a.country);
}

}  // namespace commerce
