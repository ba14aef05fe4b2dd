// A shipping address from the command line (`order place`, `order quote`, `cart checkout`,
// `cart ship-to`): --ship-to-json '{...}' or one flag per field, and the address as printed.
// Errors name the flag or the JSON key, never a value (an address is personal data).
#include <fmt/format.h>

#include "cli.h"

namespace commerce::cli {

namespace {

constexpr const char* kJsonFlag = "--ship-to-json";

// The fields in Address's order, with their JSON key (also the flag's name after "--ship-").
struct Field {
  const char* key;
  std::string Address::*member;
  const char* help;
};
constexpr Field kFields[] = {
    {"name", &Address::name, "the recipient"},
    {"phone", &Address::phone, "the recipient's phone (optional)"},
    {"line1", &Address::line1, "street and number"},
    {"line2", &Address::line2, "more of the address (optional)"},
    {"city", &Address::city, "city"},
    {"region", &Address::region, "state or province (optional)"},
    {"postal_code", &Address::postal_code, "postal code"},
    {"country", &Address::country, "ISO 3166-1 alpha-2 code, e.g. KR"},
};

std::string flag_of(const Field& f) {
  std::string name = std::string("--ship-") + f.key;
  for (char& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

Address parse_json(const std::string& text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw Error::invalid_argument(kJsonFlag, "must be a JSON object of the address's fields");
  }
  Address address;
  for (const auto& [key, value] : doc.items()) {
    const Field* field = nullptr;
    for (const Field& f : kFields) {
      if (key == f.key) field = &f;
    }
    if (field == nullptr) {
      throw Error::invalid_argument(
          kJsonFlag, fmt::format("unknown key '{}': name, phone, line1, line2, city, region, "
                                 "postal_code, country",
                                 key));
    }
    if (!value.is_string()) {
      throw Error::invalid_argument(kJsonFlag, fmt::format("'{}' must be a string", key));
    }
    address.*(field->member) = value.get<std::string>();
  }
  return address;
}

}  // namespace

void AddressFlags::add_to(CLI::App& cmd) {
  auto* as_json = cmd.add_option(kJsonFlag, json_text,
                                 "where the order ships to, as a JSON object: name, phone, line1, "
                                 "line2, city, region, postal_code, country");
  for (const Field& f : kFields) {
    cmd.add_option(flag_of(f), fields.*(f.member), std::string(f.help) + " (shipping address)")
        ->excludes(as_json);
  }
}

std::optional<Address> AddressFlags::address() const {
  if (!json_text.empty()) return parse_json(json_text);
  if (fields == Address{}) return std::nullopt;
  return fields;
}

json address_json(const std::optional<Address>& address) {
  if (!address) return nullptr;
  json doc = json::object();
  for (const Field& f : kFields) doc[f.key] = (*address).*(f.member);
  return doc;
}

std::string address_text(const Address& a) {
  std::string out = a.name;
  if (!a.phone.empty()) out += " (" + a.phone + ")";
  for (const std::string* part : {&a.line1, &a.line2, &a.city, &a.region, &a.postal_code,
                                  &a.country}) {
    if (!part->empty()) out += ", " + *part;
  }
  return out;
}

}  // namespace commerce::cli
