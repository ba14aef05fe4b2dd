#include "core/address_text.h"

#include <nlohmann/json.hpp>

#include "commerce/error.h"

namespace commerce::detail {

std::string address_text(const std::optional<Address>& address) {
  if (!address) return {};
  nlohmann::ordered_json j;
  j["name"] = address->name;
  j["phone"] = address->phone;
  j["line1"] = address->line1;
  j["line2"] = address->line2;
  j["city"] = address->city;
  j["region"] = address->region;
  j["postal_code"] = address->postal_code;
  j["country"] = address->country;
  return j.dump();
}

std::optional<Address> address_from_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(text);
    return Address{.name = j.at("name").get<std::string>(),
                   .phone = j.at("phone").get<std::string>(),
                   .line1 = j.at("line1").get<std::string>(),
                   .line2 = j.at("line2").get<std::string>(),
                   .city = j.at("city").get<std::string>(),
                   .region = j.at("region").get<std::string>(),
                   .postal_code = j.at("postal_code").get<std::string>(),
                   .country = j.at("country").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
    throw Error::internal("a stored shipping address is not an address's JSON");
  }
}

}  // namespace commerce::detail
