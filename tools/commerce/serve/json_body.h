// Strict reading of JSON request bodies: every field is typed, unknown fields are refused, and
// each refusal names the field (as the library's own InvalidArgument does), before any library
// call is made.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

namespace commerce::service {

using nlohmann::json;

// The body as a JSON object; an empty body is {}. Throws HttpProblem 400 "MalformedJson"
// (subject "body") when it is not JSON, InvalidArgument naming "body" when it is not an object.
json parse_body_object(const std::string& body);

// A body that must carry no field (empty or {}). Errors: those of parse_body_object, and
// InvalidArgument naming a field it has.
void require_no_fields(const std::string& body);

// The fields of one JSON object, read once each. `prefix` names the object in errors
// ("items[0]." gives "items[0].qty"). A null field counts as absent.
// Errors: InvalidArgument naming the field (missing when required, wrong type).
class JsonFields {
 public:
  explicit JsonFields(const json& object, std::string prefix = {});

  std::optional<std::string> text(const std::string& name);
  std::string required_text(const std::string& name);
  std::optional<std::int64_t> integer(const std::string& name);
  std::int64_t required_integer(const std::string& name);
  std::optional<bool> boolean(const std::string& name);
  // An object or an array, as JSON, for the caller to read further.
  std::optional<json> object(const std::string& name);
  std::optional<json> array(const std::string& name);

  // Throws InvalidArgument naming the first field that was not read (an unknown field).
  void finish() const;

  const std::string& prefix() const { return prefix_; }

 private:
  const json* find(const std::string& name);
  const json& object_;
  std::string prefix_;
  std::set<std::string> read_;
};

namespace detail {
struct ParsedBody {
  json parsed;
};
}  // namespace detail

// The fields of a request body: parse_body_object(body) read through JsonFields (its errors).
class BodyFields : private detail::ParsedBody, public JsonFields {
 public:
  explicit BodyFields(const std::string& body)
      : detail::ParsedBody{parse_body_object(body)}, JsonFields(parsed) {}
};

}  // namespace commerce::service
