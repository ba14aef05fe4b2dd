// Request handling of `commerce serve`. See service.h.
#include "service.h"

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "problem.h"

namespace commerce::service {

namespace {

bool scope_allows(Scope scope, Access access) {
  switch (access) {
    case Access::kPublic: return true;
    case Access::kStorefront: return scope == Scope::kStorefront || scope == Scope::kAdmin;
    case Access::kOperator: return scope == Scope::kOperator || scope == Scope::kAdmin;
    case Access::kAdmin: return scope == Scope::kAdmin;
  }
  return false;
}

std::string bearer_key(const HttpRequest& request) {
  const std::string value = request.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!value.starts_with(kBearer)) return {};
  return value.substr(kBearer.size());
}

void log_access(const HttpRequest& request, const std::string& route, int status,
                double elapsed_ms) {
  std::cerr << nlohmann::json{{"method", request.method},
                              {"path", request.path},
                              {"route", route},
                              {"status", status},
                              {"ms", elapsed_ms}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << '\n';
}

}  // namespace

Service::Service(Store& store, ApiKeys& keys) : keys_(keys), metrics_(store) {
  add_service_routes(router_, store, *this);
  add_catalog_routes(router_, store);
  add_stock_routes(router_, store);
  add_points_routes(router_, store);
  add_coupon_routes(router_, store);
  add_order_routes(router_, store);
  add_shipment_routes(router_, store);
  add_return_routes(router_, store);
  add_cart_routes(router_, store);
  add_location_routes(router_, store);
  add_inbox_routes(router_, store);
  add_operator_routes(router_, store);
}

HttpResponse Service::handle(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_name = "none";  // the route's pattern once matched
  HttpResponse response;
  try {
    response = dispatch(request, route_name);
  } catch (const HttpProblem& problem) {
    response = problem.response;
  } catch (const Error& e) {
    response = problem_response(e);
  } catch (const std::exception& e) {
    response = problem_response(Error::internal(e.what()));
  }
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - started;
  log_access(request, route_name, response.status, elapsed.count());
  metrics_.record(request.method, route_name, response.status, elapsed.count() / 1000.0);
  return response;
}

HttpResponse Service::dispatch(const HttpRequest& request, std::string& route_name) {
  if (request.body_too_large) {
    return problem_response(413, "PayloadTooLarge", "body", "the request body is too large");
  }
  const Router::Match match = router_.match(request.method, request.path);
  if (match.route == nullptr) {
    if (match.path_known) {
      return problem_response(405, "MethodNotAllowed", "method",
                              request.method + " is not allowed on " + request.path);
    }
    return problem_response(404, "NoRoute", "path", "no route " + request.path);
  }
  const Route& route = *match.route;
  route_name = route.spec.pattern;
  Call call{.request = request, .params = match.params, .scope = std::nullopt,
            .asserted_user = request.header("x-commerce-user")};
  if (route.spec.access != Access::kPublic) {
    keys_.reload_if_changed();
    call.scope = keys_.scope_of(bearer_key(request));
    if (!call.scope) {
      HttpResponse out = problem_response(401, "Unauthorized", "Authorization",
                                          "a valid API key is required (Authorization: Bearer)");
      out.headers["WWW-Authenticate"] = "Bearer";
      return out;
    }
    if (!scope_allows(*call.scope, route.spec.access)) {
      return problem_response(403, "Forbidden", "Authorization",
                              "a " + std::string(to_string(*call.scope)) +
                                  " key may not call " + route.spec.method + " " + route_name);
    }
  }
  return route.handler(call);
}

}  // namespace commerce::service
