// Statements of giving units back (commerce/returns.h): partial cancellation's counters on the
// reservation rows, the order lines' returned and given-back counters, and the returns.
#include <nlohmann/json.hpp>

#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

// Cancels units of one reservation row that are in no shipment: the guard keeps
// packed + cancelled <= qty, so a unit is never both cancelled and shipped.
const Sql kCancelUnits{
    "UPDATE reservations SET cancelled = cancelled + ?4 "
    "WHERE order_id = ?1 AND product_id = ?2 AND location_id = ?3 AND state = 'committed' "
    "AND packed + cancelled + ?4 <= qty"};
// A return's claim on delivered units of a line: the guard re-checks on the row it updates,
// so concurrent returns never claim more units than were delivered.
const Sql kClaimReturnUnits{
    "UPDATE order_items SET returned = returned + ?3 WHERE order_id = ?1 AND product_id = ?2 "
    "AND returned + ?3 <= (SELECT coalesce(sum(r.delivered), 0) FROM reservations r "
    "WHERE r.order_id = ?1 AND r.product_id = ?2)"};
const Sql kReleaseReturnUnits{
    "UPDATE order_items SET returned = returned - ?3 "
    "WHERE order_id = ?1 AND product_id = ?2 AND returned >= ?3"};
const Sql kGiveBackUnits{
    "UPDATE order_items SET given_back = given_back + ?3 "
    "WHERE order_id = ?1 AND product_id = ?2 AND given_back + ?3 <= qty"};

const std::string kReturnColumns =
    "id, order_id, status, reason, note, refund_id, value, money, points, coupon_restored, "
    "shipping_refunded, request_id, created_at, updated_at, replacement, replacement_order_id, "
    "exchange_credit, exchange_note";
const Sql kInsertReturn{"INSERT INTO returns(" + kReturnColumns +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                        "?15, ?16, ?17, ?18)"};
const Sql kInsertReturnItem{
    "INSERT INTO return_items(return_id, product_id, qty, restocked, written_off, location_id) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
const Sql kFindReturn{.text = "SELECT " + kReturnColumns + " FROM returns WHERE id = ?1",
                      .lock_rows = true};
const Sql kFindReturnItems{
    "SELECT product_id, qty, restocked, written_off, location_id FROM return_items "
    "WHERE return_id = ?1 ORDER BY product_id"};
const Sql kFindReturnsForOrder{"SELECT " + kReturnColumns +
                               " FROM returns WHERE order_id = ?1 ORDER BY id"};
// "refund_id <> ''" is the partial index returns_by_refund's predicate, stated for SQLite.
const Sql kFindReturnByRefund{"SELECT " + kReturnColumns +
                              " FROM returns WHERE refund_id = ?1 AND refund_id <> ''"};
const Sql kMoveReturn{
    "UPDATE returns SET status = ?1, note = ?2, refund_id = ?3, value = ?4, money = ?5, "
    "points = ?6, coupon_restored = ?7, shipping_refunded = ?8, updated_at = ?9, "
    "replacement_order_id = ?12, exchange_credit = ?13, exchange_note = ?14 "
    "WHERE id = ?10 AND status = ?11"};
const Sql kInspectReturnItem{
    "UPDATE return_items SET restocked = ?3, written_off = ?4, location_id = ?5 "
    "WHERE return_id = ?1 AND product_id = ?2"};
const Sql kLastDelivery{
    "SELECT CAST(coalesce(max(updated_at), 0) AS BIGINT) FROM shipments "
    "WHERE order_id = ?1 AND status = 'delivered'"};

// An exchange's replacement lines as the column keeps them: a JSON array of
// {"product_id", "qty"}, '' for none.
std::string replacement_text(const std::vector<LineItem>& lines) {
  if (lines.empty()) return {};
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : lines) out.push_back({{"product_id", l.product_id}, {"qty", l.qty}});
  return out.dump();
}

std::vector<LineItem> replacement_lines(const std::string& text) {
  std::vector<LineItem> out;
  if (text.empty()) return out;
  for (const auto& l : nlohmann::json::parse(text)) {
    out.push_back({l.at("product_id").get<std::string>(), l.at("qty").get<std::int64_t>()});
  }
  return out;
}

Return return_from(const Query& q) {
  return Return{.id = q.text(0),
                .order_id = q.text(1),
                .status = parse_return_status(q.text(2)),
                .items = {},
                .reason = q.text(3),
                .note = q.text(4),
                .given_back = {.value = q.int64(6),
                               .money = q.int64(7),
                               .points = q.int64(8),
                               .refund_id = q.text(5),
                               .coupon_restored = q.int64(9) != 0,
                               .shipping_refunded = q.int64(10) != 0},
                .replacement = replacement_lines(q.text(14)),
                .replacement_order_id = q.text(15),
                .exchange_credit = q.int64(16),
                .exchange_note = q.text(17),
                .request_id = q.text(11),
                .created_at = q.int64(12),
                .updated_at = q.int64(13)};
}

void read_items(SqlSession& session, Return& r) {
  Query q(session, kFindReturnItems);
  q.bind(1, r.id);
  while (q.step()) {
    r.items.push_back({.product_id = q.text(0),
                       .qty = q.int64(1),
                       .restocked = q.int64(2),
                       .written_off = q.int64(3),
                       .location_id = q.text(4)});
  }
}

// The one return `sql` finds by its ?1 (with its items), none if none.
std::optional<Return> one_return(SqlSession& session, const Sql& sql, const std::string& key) {
  std::optional<Return> found;
  {
    Query q(session, sql);
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    found = return_from(q);
  }
  read_items(session, *found);
  return found;
}

bool run_counter(SqlSession& session, const Sql& sql, const std::string& order_id,
                 const std::string& product_id, std::int64_t qty) {
  Query q(session, sql);
  q.bind(1, order_id).bind(2, product_id).bind(3, qty);
  return q.run() == 1;
}

}  // namespace

bool Transaction::try_cancel_units(const std::string& order_id, const std::string& product_id,
                                   const std::string& location_id, std::int64_t qty) {
  Query q(session_, kCancelUnits);
  q.bind(1, order_id).bind(2, product_id).bind(3, location_id).bind(4, qty);
  return q.run() == 1;
}

bool Transaction::try_claim_return_units(const std::string& order_id,
                                         const std::string& product_id, std::int64_t qty) {
  return run_counter(session_, kClaimReturnUnits, order_id, product_id, qty);
}

bool Transaction::try_release_return_units(const std::string& order_id,
                                           const std::string& product_id, std::int64_t qty) {
  return run_counter(session_, kReleaseReturnUnits, order_id, product_id, qty);
}

bool Transaction::try_give_back_units(const std::string& order_id,
                                      const std::string& product_id, std::int64_t qty) {
  return run_counter(session_, kGiveBackUnits, order_id, product_id, qty);
}

void Transaction::insert_return(const Return& r) {
  Query q(session_, kInsertReturn);
  const GiveBack& g = r.given_back;
  q.bind(1, r.id).bind(2, r.order_id).bind_name(3, to_string(r.status)).bind(4, r.reason);
  q.bind(5, r.note).bind(6, g.refund_id).bind(7, g.value).bind(8, g.money).bind(9, g.points);
  q.bind(10, std::int64_t{g.coupon_restored}).bind(11, std::int64_t{g.shipping_refunded});
  q.bind(12, r.request_id).bind(13, r.created_at).bind(14, r.updated_at);
  const std::string replacement = replacement_text(r.replacement);
  q.bind(15, replacement).bind(16, r.replacement_order_id);
  q.bind(17, r.exchange_credit).bind(18, r.exchange_note).run();
  for (const auto& item : r.items) {
    Query i(session_, kInsertReturnItem);
    i.bind(1, r.id).bind(2, item.product_id).bind(3, item.qty).bind(4, item.restocked);
    i.bind(5, item.written_off).bind(6, item.location_id).run();
  }
}

std::optional<Return> Transaction::find_return(const std::string& return_id) {
  return one_return(session_, kFindReturn, return_id);
}

std::optional<Return> Transaction::find_return_by_refund(const std::string& refund_id) {
  return one_return(session_, kFindReturnByRefund, refund_id);
}

std::vector<Return> Transaction::find_returns_for_order(const std::string& order_id) {
  std::vector<Return> out;
  {
    Query q(session_, kFindReturnsForOrder);
    q.bind(1, order_id);
    while (q.step()) out.push_back(return_from(q));
  }
  for (auto& r : out) read_items(session_, r);
  return out;
}

bool Transaction::try_move_return(const Return& next, ReturnStatus from) {
  Query q(session_, kMoveReturn);
  const GiveBack& g = next.given_back;
  q.bind_name(1, to_string(next.status)).bind(2, next.note).bind(3, g.refund_id);
  q.bind(4, g.value).bind(5, g.money).bind(6, g.points);
  q.bind(7, std::int64_t{g.coupon_restored}).bind(8, std::int64_t{g.shipping_refunded});
  q.bind(9, next.updated_at).bind(10, next.id).bind_name(11, to_string(from));
  q.bind(12, next.replacement_order_id).bind(13, next.exchange_credit);
  q.bind(14, next.exchange_note);
  return q.run() == 1;
}

void Transaction::set_return_item_inspection(const std::string& return_id,
                                             const ReturnItem& item) {
  Query q(session_, kInspectReturnItem);
  q.bind(1, return_id).bind(2, item.product_id).bind(3, item.restocked);
  q.bind(4, item.written_off).bind(5, item.location_id).run();
}

Timestamp Transaction::find_last_delivery(const std::string& order_id) {
  Query q(session_, kLastDelivery);
  q.bind(1, order_id);
  return q.single_int64();
}

}  // namespace commerce
