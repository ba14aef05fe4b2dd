#include "cli.h"
#include "commerce/sqlite_storage.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace commerce::cli {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return 3;
    case ErrorCode::kInvalidArgument:
      return 4;
    case ErrorCode::kFailedPrecondition:
      return 5;
    case ErrorCode::kConflict:
      return 6;
    case ErrorCode::kUnavailable:
      return 7;
    case ErrorCode::kInternal:
      return 8;
  }
  return 1;
}

std::string store_location(const Globals& globals) {
  std::string db = globals.db, url = globals.url;
  if (db.empty() && url.empty()) {
    if (const char* env = std::getenv("COMMERCE_DB"); env && *env) db = env;
    if (const char* env = std::getenv("COMMERCE_URL"); env && *env) url = env;
  }
  if (!db.empty() && !url.empty()) {
    throw Error::invalid_argument("--db", "give either --db or --url, not both");
  }
  if (db.empty() && url.empty()) {
    throw Error::invalid_argument("--db",
                                  "no store given: pass --db PATH or --url URL "
                                  "(or set COMMERCE_DB)");
  }
  return db.empty() ? url : "sqlite:" + db;
}

std::string db_path(const Globals& globals) {
  if (!globals.db.empty() || !globals.url.empty()) return globals.db;
  const char* env = std::getenv("COMMERCE_DB");
  const char* url = std::getenv("COMMERCE_URL");
  return env && *env && !(url && *url) ? env : "";
}

bool is_new_store(const Error& e) {
  return e.code() == ErrorCode::kFailedPrecondition && e.subject() == "currency";
}

std::unique_ptr<Store> open_existing_store_with(const Globals& globals, StoreOptions options) {
  const std::string location = store_location(globals);
  // A mistyped --db must not silently create an empty database file.
  const std::string db = db_path(globals);
  if (!db.empty() && !std::filesystem::exists(db)) throw Error::not_found("store", db);
  std::unique_ptr<Storage> storage;
  if (options.read_only && (!db.empty() || location.starts_with("sqlite:"))) {
    SqliteOptions sqlite;
    sqlite.read_only = true;
    storage = open_sqlite_storage(db.empty() ? location.substr(7) : db, sqlite);
  } else {
    storage = open_storage(location);
  }
  options.currency.clear();  // the store's own
  apply_pricing_flags(globals.pricing, options);
  try {
    return Store::open(std::move(storage), std::move(options));
  } catch (const Error& e) {
    if (!is_new_store(e)) throw;
    throw Error::failed_precondition(
        Reason::kNone, location,
        fmt::format("{} is not a commerce store yet: run `commerce init` first", location));
  }
}

namespace {

FakeGateway::Behaviour parse_behaviour(const std::string& name) {
  if (name == "approve") return FakeGateway::Behaviour::kApprove;
  if (name == "decline") return FakeGateway::Behaviour::kDecline;
  if (name == "pending") return FakeGateway::Behaviour::kPending;
  if (name == "timeout") return FakeGateway::Behaviour::kTimeout;
  if (name == "fail") return FakeGateway::Behaviour::kFail;
  throw Error::invalid_argument(
      "--payment",
      fmt::format("unknown value '{}': use approve, decline, pending, timeout or fail", name));
}

}  // namespace

std::unique_ptr<Store> open_existing_store(const Globals& globals, std::shared_ptr<Clock> clock,
                                           bool read_only, const RetentionOptions& retention) {
  StoreOptions options;
  options.retention = retention;
  options.clock = std::move(clock);
  options.read_only = read_only || globals.read_only;
  return open_existing_store_with(globals, std::move(options));
}

std::unique_ptr<Store> open_store_for_carts(const Globals& globals,
                                           std::int64_t guest_cart_ttl_ms) {
  StoreOptions options;
  options.guest_cart_ttl_ms = guest_cart_ttl_ms;
  options.read_only = globals.read_only;
  return open_existing_store_with(globals, std::move(options));
}

void GatewayArgs::add_to(CLI::App& cmd) {
  cmd.add_option("--gateway-record", record,
                 "the fake payment gateway's record file (default: DB.fake-gateway beside --db)");
}

OpenedStore open_store_with_gateway(const Globals& globals, const GatewayArgs& gateway,
                                    std::shared_ptr<Clock> clock) {
  std::string record = gateway.record;
  if (record.empty() && !db_path(globals).empty()) record = db_path(globals) + ".fake-gateway";
  OpenedStore opened;
  opened.gateway = std::make_shared<FakeGateway>(record);
  if (!gateway.payment.empty()) {
    const auto behaviour = parse_behaviour(gateway.payment);
    if (gateway.payment_for_every_charge) {
      opened.gateway->set_standing(FakeGateway::Operation::kCharge, behaviour);
    } else {
      // A failing call is retried by the saga: script every attempt so "fail" stays failed.
      const int calls = behaviour == FakeGateway::Behaviour::kFail ? 16 : 1;
      opened.gateway->script(FakeGateway::Operation::kCharge,
                             std::vector<FakeGateway::Step>(calls, {behaviour, 0}));
    }
  }
  StoreOptions options;
  options.clock = std::move(clock);
  options.gateway = opened.gateway;
  // The fake gateway answers at once; keep a scripted timeout or failure short.
  options.saga.gateway_timeout_ms = 2000;
  options.saga.backoff_initial_ms = 10;
  options.saga.backoff_max_ms = 100;
  options.read_only = globals.read_only;
  opened.store = open_existing_store_with(globals, std::move(options));
  return opened;
}

void Printer::emit(const json& doc) const {
  if (globals_.json) std::cout << doc.dump() << '\n';
}

void Printer::table(const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) width[i] = headers[i].size();
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      out += cell;
      if (i + 1 < width.size()) out += std::string(width[i] - cell.size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    std::cout << out << '\n';
  };
  line(headers);
  std::vector<std::string> rule;
  for (auto w : width) rule.emplace_back(w, '-');
  line(rule);
  for (const auto& row : rows) line(row);
  if (rows.empty()) std::cout << "(none)\n";
}

void Printer::fields(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t width = 0;
  for (const auto& [k, v] : rows) width = std::max(width, k.size());
  for (const auto& [k, v] : rows) {
    std::cout << k << ':' << std::string(width - k.size() + 1, ' ') << v << '\n';
  }
}

namespace {

// Howard Hinnant's civil-date algorithms (public domain).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

}  // namespace

bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string format_time(Timestamp t) {
  if (t == 0) return "-";
  const std::int64_t ms = ((t % 1000) + 1000) % 1000;
  const std::int64_t secs = (t - ms) / 1000;
  const std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  const std::int64_t rem = secs - days * 86400;
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, rem / 60 % 60,
                     rem % 60);
}

Timestamp parse_time(const std::string& text, const std::string& field) {
  std::int64_t ms = 0;
  if (parse_int(text, ms)) return ms;
  // YYYY-MM-DD[THH:MM[:SS]][Z]
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail[4] = {0};
  const int n =
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%3s", &y, &mo, &d, &h, &mi, &s, tail);
  const bool date_only = n == 3 && text.size() == 10;
  const bool ok_time =
      (n == 5 && (text.size() == 16 || (text.size() == 17 && text.back() == 'Z'))) ||
      (n == 6 && text.size() == 19) || (n == 7 && std::string(tail) == "Z" && text.size() == 20);
  if (!(date_only || ok_time) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      s > 60) {
    throw Error::invalid_argument(
        field, fmt::format("'{}' is not a time: use YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or "
                           "milliseconds since the epoch",
                           text));
  }
  const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000 + static_cast<std::int64_t>(s) * 1000;
}

std::vector<LineItem> parse_items(const std::vector<std::string>& specs, const std::string& option) {
  std::vector<LineItem> items;
  for (const auto& spec : specs) {
    const auto colon = spec.rfind(':');
    LineItem item{spec, 1};
    if (colon != std::string::npos) {
      item.product_id = spec.substr(0, colon);
      if (!parse_int(std::string_view(spec).substr(colon + 1), item.qty)) {
        throw Error::invalid_argument(
            option, fmt::format("'{}': the quantity after ':' must be an integer", spec));
      }
    }
    if (item.product_id.empty()) {
      throw Error::invalid_argument(option, fmt::format("'{}': no product id", spec));
    }
    items.push_back(std::move(item));
  }
  if (items.empty()) throw Error::invalid_argument(option, "give at least one PRODUCT[:QTY]");
  return items;
}

json axes_json(const std::vector<OptionAxis>& axes) {
  json out = json::array();
  for (const OptionAxis& axis : axes) out.push_back({{"name", axis.name}, {"values", axis.values}});
  return out;
}

json to_json(const Product& p) {
  json attributes = json::parse(p.attributes, nullptr, /*allow_exceptions=*/false);
  if (attributes.is_discarded()) attributes = p.attributes;
  return json{{"id", p.id},
              {"name", p.name},
              {"description", p.description},
              {"price", p.price},
              {"category", p.category},
              {"brand", p.brand},
              {"status", std::string(to_string(p.status))},
              {"attributes", attributes},
              {"parent_id", p.parent_id},
              {"options", p.options},
              {"axes", axes_json(p.axes)},
              {"created_at", p.created_at},
              {"updated_at", p.updated_at}};
}

json to_json(const VariantAvailability& v) {
  json out = to_json(v.variant);
  out["available"] = v.available;
  return out;
}

json to_json(const Category& c) { return json{{"id", c.id}, {"name", c.name}}; }

json to_json(const StockLevel& s) {
  return json{{"product_id", s.product_id},
              {"on_hand", s.on_hand},
              {"reserved", s.reserved},
              {"available", s.available},
              {"sold", s.sold}};
}

json to_json(const Reservation& r) {
  return json{{"order_id", r.order_id},
              {"product_id", r.product_id},
              {"location_id", r.location_id},
              {"qty", r.qty},
              {"backordered", r.backordered},
              {"cancelled", r.cancelled},
              {"expires_at", r.expires_at},
              {"state", std::string(to_string(r.state))}};
}

json to_json(const PointsEntry& e) {
  return json{{"id", e.id},
              {"user_id", e.user_id},
              {"kind", std::string(to_string(e.kind))},
              {"amount", e.amount},
              {"balance_after", e.balance_after},
              {"order_id", e.order_id},
              {"reason", e.reason},
              {"request_id", e.request_id},
              {"created_at", e.created_at}};
}

json to_json(const CouponTemplate& t) {
  return json{{"id", t.id},
              {"code", t.code},
              {"name", t.name},
              {"kind", std::string(to_string(t.kind))},
              {"value", t.value},
              {"max_discount", t.max_discount},
              {"min_order_amount", t.min_order_amount},
              {"valid_from", t.valid_from},
              {"valid_until", t.valid_until},
              {"total_limit", t.total_limit},
              {"per_user_limit", t.per_user_limit},
              {"issued_count", t.issued_count},
              {"created_at", t.created_at}};
}

json to_json(const Coupon& c) {
  return json{{"id", c.id},
              {"template_id", c.template_id},
              {"code", c.code},
              {"user_id", c.user_id},
              {"status", std::string(to_string(c.status))},
              {"order_id", c.order_id},
              {"valid_until", c.valid_until},
              {"issued_at", c.issued_at},
              {"updated_at", c.updated_at}};
}

json to_json(const Event& e) {
  json payload = json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) payload = e.payload;
  return json{{"seq", e.seq},
              {"id", e.id},
              {"type", e.type},
              {"schema_version", e.schema_version},
              {"topic", e.topic},
              {"key", e.key},
              {"occurred_at", e.occurred_at},
              {"request_id", e.request_id},
              {"payload", payload}};
}

namespace {

// A line's price breakdown: OrderItem and PricedLine share these fields.
template <class Line>
json priced_line_json(const Line& l) {
  return json{{"product_id", l.product_id}, {"name", l.name},         {"unit_price", l.unit_price},
              {"qty", l.qty},               {"line_total", l.line_total}, {"discount", l.discount},
              {"tax_class", l.tax_class},   {"tax", l.tax},            {"total", l.total}};
}

// The amounts Order and Quote share.
template <class Priced>
json amounts_json(const Priced& p) {
  return json{{"subtotal", p.subtotal},
              {"discount", p.discount},
              {"coupon_applied", p.coupon_applied},
              {"coupon_note", p.coupon_note},
              {"shipping_option", p.shipping_option},
              {"shipping_fee", p.shipping_fee},
              {"shipping_tax", p.shipping_tax},
              {"tax", p.tax},
              {"tax_included", p.tax_included},
              {"points_used", p.points_used},
              {"total", p.total}};
}

}  // namespace

json to_json(const Order& o) {
  json items = json::array();
  for (const auto& i : o.items) {
    json item = priced_line_json(i);
    item["backordered"] = i.backordered;
    item["shipped"] = i.shipped;
    item["delivered"] = i.delivered;
    item["cancelled"] = i.cancelled;
    item["returned"] = i.returned;
    item["given_back"] = i.given_back;
    items.push_back(item);
  }
  json doc = amounts_json(o);
  doc.update(json{{"id", o.id},
                  {"user_id", o.user_id},
                  {"status", std::string(to_string(o.status))},
                  {"items", items},
                  {"coupon_id", o.coupon_id},
                  {"coupon_required", o.coupon_required},
                  {"payment_method", o.payment_method},
                  {"failure_reason", o.failure_reason},
                  {"request_id", o.request_id},
                  {"expires_at", o.expires_at},
                  {"created_at", o.created_at},
                  {"updated_at", o.updated_at},
                  {"region", o.region},
                  {"backordered", o.backordered()},
                  {"shipping_address", address_json(o.shipping_address)},
                  {"personal_data_erased_at", o.personal_data_erased_at}});
  return doc;
}

json to_json(const Quote& q) {
  json lines = json::array();
  for (const auto& l : q.lines) lines.push_back(priced_line_json(l));
  json doc = amounts_json(q);
  doc["lines"] = lines;
  return doc;
}

json to_json(const OrderAudit& a) {
  return json{{"id", a.id},
              {"order_id", a.order_id},
              {"from", a.from ? json(std::string(to_string(*a.from))) : json(nullptr)},
              {"to", std::string(to_string(a.to))},
              {"reason", a.reason},
              {"at", a.at}};
}

}  // namespace commerce::cli
