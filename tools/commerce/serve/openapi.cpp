// The OpenAPI 3.1 document, from the routes. See openapi.h.
#include "openapi.h"

#include <cctype>

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

json operation(const RouteSpec& spec) {
  const json problem = {{"description", "an error (docs/service.md, Errors)"},
                        {"content",
                         {{"application/problem+json",
                           {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  json op = {{"operationId", operation_id(spec)},
             {"summary", spec.summary},
             {"x-commerce-scope", access_name(spec.access)},
             {"parameters", parameters(spec)},
             {"responses",
              {{std::to_string(spec.status),
                {{"description", spec.summary},
                 {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}},
               {"default", problem}}}};
  op["security"] = spec.access == Access::kPublic ? json::array()
                                                  : json::array({{{"apiKey", json::array()}}});
  if (spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH") {
    op["requestBody"] = {
        {"required", false},
        {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
  }
  return op;
}

}  // namespace

json openapi_document(const Router& router) {
  json paths = json::object();
  for (const Route& route : router.routes()) {
    std::string method;
    for (char c : route.spec.method) {
      method += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    paths[route.spec.pattern][method] = operation(route.spec);
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
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"description", "RFC 9457 problem details with the library's error"},
            {"required", {"type", "title", "status", "detail", "code", "reason", "subject"}},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"code", {{"type", "string"}}},
              {"reason", {{"type", "string"}}},
              {"subject", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace commerce::service
