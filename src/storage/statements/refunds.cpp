// Statements of partial refunds: the refund rows and the order's refunded total.
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kRefundColumns =
    "id, order_id, payment_id, amount, status, reason, reference, message, request_id, "
    "created_at, updated_at";

Refund refund_from(const Query& q) {
  return Refund{.id = q.text(0),
                .order_id = q.text(1),
                .payment_id = q.text(2),
                .amount = q.int64(3),
                .status = parse_refund_status(q.text(4)),
                .reason = q.text(5),
                .reference = q.text(6),
                .message = q.text(7),
                .request_id = q.text(8),
                .created_at = q.int64(9),
                .updated_at = q.int64(10)};
}

// The guard `refunded + ?2 <= the approved payment's amount` is what keeps concurrent refunds
// within the capture: each reservation re-checks it on the row it updates.
const Sql kReserveRefund{
    "UPDATE orders SET refunded = refunded + ?2 WHERE id = ?1 "
    "AND status IN ('confirmed', 'shipped', 'delivered') "
    "AND refunded + ?2 <= (SELECT p.amount FROM payments p "
    "WHERE p.order_id = ?1 AND p.status = 'approved')"};
const Sql kReleaseRefund{
    "UPDATE orders SET refunded = refunded - ?2 WHERE id = ?1 AND refunded >= ?2"};
const Sql kFindRefunded{"SELECT refunded FROM orders WHERE id = ?1"};
const Sql kInsertRefund{"INSERT INTO refunds(" + kRefundColumns +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                        "ON CONFLICT DO NOTHING"};
const Sql kFindRefund{"SELECT " + kRefundColumns + " FROM refunds WHERE id = ?1"};
const Sql kFindRefunds{"SELECT " + kRefundColumns +
                       " FROM refunds WHERE order_id = ?1 ORDER BY created_at, id"};
const Sql kListStartedRefunds{"SELECT " + kRefundColumns +
                              " FROM refunds WHERE status = 'started' AND id > ?1 "
                              "ORDER BY id LIMIT ?2"};
const Sql kFinishRefund{
    "UPDATE refunds SET status = ?1, reference = ?2, message = ?3, updated_at = ?4 "
    "WHERE id = ?5 AND status = 'started'"};
const Sql kSumOpenRefunds{
    "SELECT COALESCE(SUM(amount), 0) FROM refunds "
    "WHERE order_id = ?1 AND status IN ('started', 'approved')"};

std::vector<Refund> refunds_of(Query& q) {
  std::vector<Refund> out;
  while (q.step()) out.push_back(refund_from(q));
  return out;
}

}  // namespace

bool Transaction::try_reserve_refund(const std::string& order_id, Money amount) {
  Query q(session_, kReserveRefund);
  q.bind(1, order_id).bind(2, amount);
  return q.run() == 1;
}

bool Transaction::try_release_refund(const std::string& order_id, Money amount) {
  Query q(session_, kReleaseRefund);
  q.bind(1, order_id).bind(2, amount);
  return q.run() == 1;
}

Money Transaction::find_refunded(const std::string& order_id) {
  Query q(session_, kFindRefunded);
  q.bind(1, order_id);
  return q.single_int64();
}

bool Transaction::insert_refund(const Refund& r) {
  Query q(session_, kInsertRefund);
  q.bind(1, r.id).bind(2, r.order_id).bind(3, r.payment_id).bind(4, r.amount);
  q.bind_name(5, to_string(r.status)).bind(6, r.reason).bind(7, r.reference).bind(8, r.message);
  q.bind(9, r.request_id).bind(10, r.created_at).bind(11, r.updated_at);
  return q.run() == 1;
}

std::optional<Refund> Transaction::find_refund(const std::string& refund_id) {
  Query q(session_, kFindRefund);
  q.bind(1, refund_id);
  if (!q.step()) return std::nullopt;
  return refund_from(q);
}

std::vector<Refund> Transaction::find_refunds(const std::string& order_id) {
  Query q(session_, kFindRefunds);
  q.bind(1, order_id);
  return refunds_of(q);
}

std::vector<Refund> Transaction::list_started_refunds(const std::string& after_id, int limit) {
  Query q(session_, kListStartedRefunds);
  q.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  return refunds_of(q);
}

bool Transaction::try_finish_refund(const std::string& refund_id, RefundStatus to,
                                    const std::string& reference, const std::string& message,
                                    Timestamp now) {
  Query q(session_, kFinishRefund);
  q.bind_name(1, to_string(to)).bind(2, reference).bind(3, message).bind(4, now);
  q.bind(5, refund_id);
  return q.run() == 1;
}

Money Transaction::sum_open_refunds(const std::string& order_id) {
  Query q(session_, kSumOpenRefunds);
  q.bind(1, order_id);
  return q.single_int64();
}

}  // namespace commerce
