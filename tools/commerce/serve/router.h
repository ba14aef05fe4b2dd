// The routes of `commerce serve`: method + path pattern ("/orders/{id}/cancel") -> handler, with
// the access each route needs. The route list is also what docs/service.md and the tests
// enumerate (GET /openapi.json is generated from Router::routes()).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api_keys.h"
#include "http_server.h"

namespace commerce::service {

// Who may call a route: anyone (health), or a key of a scope. Admin keys may call every route;
// operator keys the operator routes; storefront keys the storefront routes (for the user the
// host asserts, see Call::require_user).
enum class Access { kPublic, kStorefront, kOperator, kAdmin };

// One call of a route: the request, its path parameters and the caller.
struct Call {
  const HttpRequest& request;
  std::map<std::string, std::string> params;
  std::optional<Scope> scope;  // none for a public route
  std::string asserted_user;   // X-Commerce-User

  const std::string& param(const std::string& name) const { return params.at(name); }
  // The Idempotency-Key header: the request_id of the library call ("" when absent).
  std::string idempotency_key() const { return request.header("idempotency-key"); }
  // A storefront key acts for the user the host asserts in X-Commerce-User only: throws
  // HttpProblem 403 when the caller is a storefront key and `user_id` is not that user.
  void require_user(const std::string& user_id) const;
  // The "cursor" and "limit" query parameters of a listing (limit: 1..500, default 50).
  // Errors: InvalidArgument naming "limit".
  std::string cursor() const { return request.query_value("cursor"); }
  int limit() const;
  // The query parameter `name` as a whole number, none when absent or empty.
  // Errors: InvalidArgument naming `name`.
  std::optional<std::int64_t> query_integer(const std::string& name) const;
};

using RouteHandler = std::function<HttpResponse(const Call&)>;

// A query parameter or a header a route reads (for its OpenAPI entry).
struct QueryParam {
  std::string name;
  bool integer = false;  // a whole number; else text
  bool header = false;   // a request header; else a query parameter
};

// What a route is, for matching and for its OpenAPI entry (openapi.h).
struct RouteSpec {
  std::string method;
  std::string pattern;  // segments; "{name}" matches one non-empty segment
  Access access;
  int status;           // the status of its success
  std::string summary;  // the library call it makes
  // Its request body and its success's body, as names of the OpenAPI document's
  // components/schemas (openapi_schemas.cpp); "" for a route that takes no body. A name
  // "XPage" is a cursor page of X ({"items", "next_cursor"}), "XList" the list {"items"} of X.
  std::string request;
  std::string response;
  // The query parameters (and headers) it reads besides a page's cursor and limit (which every
  // "XPage" route reads: Call::cursor(), Call::limit()), Idempotency-Key and X-Commerce-User.
  std::vector<QueryParam> query;
};

struct Route {
  RouteSpec spec;
  RouteHandler handler;
};

class Router {
 public:
  // Routes are matched in the order they are added.
  void add(RouteSpec spec, RouteHandler handler);

  struct Match {
    const Route* route = nullptr;  // null: no route has this method and path
    std::map<std::string, std::string> params;
    bool path_known = false;  // some route has this path with another method (405)
  };
  Match match(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// A JSON response.
HttpResponse json_response(int status, const std::string& body);

}  // namespace commerce::service
