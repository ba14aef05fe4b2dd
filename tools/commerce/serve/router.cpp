// Route matching. See router.h.
#include "router.h"

#include "cli.h"
#include "commerce/error.h"
#include "commerce/page.h"
#include "problem.h"

namespace commerce::service {

namespace {

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;  // after the leading '/'
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    out.push_back(path.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

bool match_path(const std::string& pattern, const std::vector<std::string>& path,
                std::map<std::string, std::string>& params) {
  const auto parts = segments(pattern);
  if (parts.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with('{')) {
      if (path[i].empty()) return false;
      found[parts[i].substr(1, parts[i].size() - 2)] = path[i];
    } else if (parts[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Call::require_user(const std::string& user_id) const {
  if (scope != Scope::kStorefront) return;
  if (asserted_user.empty() || asserted_user != user_id) {
    throw HttpProblem{problem_response(
        403, "Forbidden", "X-Commerce-User",
        "a storefront key acts only for the user named by X-Commerce-User")};
  }
}

int Call::limit() const {
  const std::string text = request.query_value("limit");
  if (text.empty()) return kDefaultPageSize;
  std::int64_t value = 0;
  if (!cli::parse_int(text, value) || value < 1 || value > kMaxPageSize) {
    throw Error::invalid_argument("limit", "must be a whole number from 1 to " +
                                               std::to_string(kMaxPageSize));
  }
  return static_cast<int>(value);
}

std::optional<std::int64_t> Call::query_integer(const std::string& name) const {
  const std::string text = request.query_value(name);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  if (!cli::parse_int(text, value)) {
    throw Error::invalid_argument(name, "must be a whole number (64-bit)");
  }
  return value;
}

void Router::add(RouteSpec spec, RouteHandler handler) {
  routes_.push_back({std::move(spec), std::move(handler)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match out;
  if (!path.starts_with('/')) return out;
  const auto parts = segments(path);
  for (const Route& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match_path(route.spec.pattern, parts, params)) continue;
    if (route.spec.method != method) {
      out.path_known = true;
      continue;
    }
    out.route = &route;
    out.params = std::move(params);
    return out;
  }
  return out;
}

HttpResponse json_response(int status, const std::string& body) {
  HttpResponse out;
  out.status = status;
  out.body = body;
  return out;
}

}  // namespace commerce::service
