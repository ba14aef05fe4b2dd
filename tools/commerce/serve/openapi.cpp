// The OpenAPI 3.1 document, from the routes. See openapi.h.
#include "openapi.h"

#include <cctype>
#include <stdexcept>

#include "openapi_schemas.h"

namespace commerce::service {

namespace {

using nlohmann::json;

std::string_view access_name(Access access) {
  switch (access) {
    case Access::kPublic: return "public";
    case Access::kStorefront: return "storefront";
    case Access::kOperator: return "operator";
    case Access::kAdmin: return "admin";
  }
  return "admin";
}

// "post_orders_id_refunds" for POST /orders/{id}/refunds.
std::string operation_id(const RouteSpec& spec) {
  std::string out;
  for (char c : spec.method) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char c : spec.pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else if (c == '/' || c == '.') {
      out += '_';
    }
  }
  return out;
}

json parameters(const RouteSpec& spec) {
  json out = json::array();
  std::size_t open = spec.pattern.find('{');
  while (open != std::string::npos) {
    const std::size_t close = spec.pattern.find('}', open);
    out.push_back({{"name", spec.pattern.substr(open + 1, close - open - 1)},
                   {"in", "path"},
                   {"required", true},
                   {"schema", {{"type", "string"}}}});
    open = spec.pattern.find('{', close);
  }
  std::vector<QueryParam> query = spec.query;
  if (spec.response.ends_with("Page")) {
    query.push_back({"cursor"});
    query.push_back({"limit", true});
  }
  for (const QueryParam& q : query) {
    out.push_back({{"name", q.name},
                   {"in", q.header ? "header" : "query"},
                   {"required", false},
                   {"schema", {{"type", q.integer ? "integer" : "string"}}}});
  }
  if (spec.method != "GET") {
    out.push_back({{"name", "Idempotency-Key"},
                   {"in", "header"},
                   {"required", false},
                   {"description", "the library call's request_id"},
                   {"schema", {{"type", "string"}}}});
  }
  if (spec.access == Access::kStorefront) {
    out.push_back({{"name", "X-Commerce-User"},
                   {"in", "header"},
                   {"required", false},
                   {"description", "the user a storefront key acts for, as the host asserts"},
                   {"schema", {{"type", "string"}}}});
  }
  return out;
}

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json operation(const RouteSpec& spec) {
  const json problem = {{"description", "an error (docs/service.md, Errors)"},
                        {"content", {{"application/problem+json", {{"schema", ref("Problem")}}}}}};
  const std::string media =
      spec.response == "PrometheusText" ? "text/plain" : "application/json";
  json op = {{"operationId", operation_id(spec)},
             {"summary", spec.summary},
             {"x-commerce-scope", access_name(spec.access)},
             {"parameters", parameters(spec)},
             {"responses",
              {{std::to_string(spec.status),
                {{"description", spec.summary},
                 {"content", {{media, {{"schema", ref(spec.response)}}}}}}},
               {"default", problem}}}};
  op["security"] = spec.access == Access::kPublic ? json::array()
                                                  : json::array({{{"apiKey", json::array()}}});
  return op;
}

// The schema of a "XPage" ({"items": [X], "next_cursor"}) or "XList" ({"items": [X]}) name.
// Throws std::logic_error for any other name, or an X without a schema (a route's typo).
json collection_schema(const json& schemas, const std::string& name) {
  const bool page = name.ends_with("Page");
  const std::string item = name.substr(0, name.size() - 4);
  if ((!page && !name.ends_with("List")) || !schemas.contains(item)) {
    throw std::logic_error("no schema " + name);
  }
  json properties = {{"items", {{"type", "array"}, {"items", ref(item)}}}};
  json required = {"items"};
  if (page) {
    properties["next_cursor"] = {{"type", "string"}};
    required.push_back("next_cursor");
  }
  return {{"type", "object"},
          {"properties", properties},
          {"required", required},
          {"additionalProperties", false}};
}

}  // namespace

json openapi_document(const Router& router) {
  json paths = json::object();
  json schemas = component_schemas();
  for (const Route& route : router.routes()) {
    const RouteSpec& spec = route.spec;
    for (const std::string& name : {spec.request, spec.response}) {
      if (!name.empty() && !schemas.contains(name)) {
        schemas[name] = collection_schema(schemas, name);
      }
    }
    std::string method;
    for (char c : route.spec.method) {
      method += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    json op = operation(spec);
    if (!spec.request.empty()) {
      op["requestBody"] = {
          {"required", schemas.at(spec.request).contains("required")},
          {"content", {{"application/json", {{"schema", ref(spec.request)}}}}}};
    }
    paths[spec.pattern][method] = std::move(op);
  }
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "commerce-core service (commerce serve)"},
        {"version", "0.1.0"},
        {"description", "The commerce-core library over HTTP; see docs/service.md."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"apiKey", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", schemas}}}};
}

}  // namespace commerce::service
