// Strict JSON request bodies. See json_body.h.
#include "json_body.h"

#include <limits>

#include "commerce/error.h"
#include "problem.h"

namespace commerce::service {

json parse_body_object(const std::string& body) {
  if (body.empty()) return json::object();
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    throw HttpProblem{problem_response(400, "MalformedJson", "body",
                                       "the request body is not valid JSON")};
  }
  if (!doc.is_object()) throw Error::invalid_argument("body", "must be a JSON object");
  return doc;
}

void require_no_fields(const std::string& body) { BodyFields(body).finish(); }

JsonFields::JsonFields(const json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

const json* JsonFields::find(const std::string& name) {
  read_.insert(name);
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> JsonFields::text(const std::string& name) {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) throw Error::invalid_argument(prefix_ + name, "must be a string");
  return value->get<std::string>();
}

std::string JsonFields::required_text(const std::string& name) {
  auto value = text(name);
  if (!value) throw Error::invalid_argument(prefix_ + name, "is required");
  return *value;
}

std::optional<std::int64_t> JsonFields::integer(const std::string& name) {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer() && !value->is_number_unsigned()) {
    return value->get<std::int64_t>();
  }
  if (value->is_number_unsigned() &&
      value->get<std::uint64_t>() <=
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->get<std::uint64_t>());
  }
  throw Error::invalid_argument(prefix_ + name, "must be a whole number (64-bit)");
}

std::int64_t JsonFields::required_integer(const std::string& name) {
  auto value = integer(name);
  if (!value) throw Error::invalid_argument(prefix_ + name, "is required");
  return *value;
}

std::optional<bool> JsonFields::boolean(const std::string& name) {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) throw Error::invalid_argument(prefix_ + name, "must be true or false");
  return value->get<bool>();
}

std::optional<json> JsonFields::object(const std::string& name) {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object()) throw Error::invalid_argument(prefix_ + name, "must be an object");
  return *value;
}

std::optional<json> JsonFields::array(const std::string& name) {
  const json* value = find(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_array()) throw Error::invalid_argument(prefix_ + name, "must be an array");
  return *value;
}

void JsonFields::finish() const {
  for (const auto& [name, value] : object_.items()) {
    if (!read_.contains(name)) throw Error::invalid_argument(prefix_ + name, "is not a known field");
  }
}

}  // namespace commerce::service
