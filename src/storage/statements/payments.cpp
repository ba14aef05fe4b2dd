// Statements of payments: an order's payment row.
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kPaymentColumns =
    "id, order_id, amount, method, status, reference, created_at, updated_at";

Payment payment_from(const Query& q) {
  return Payment{.id = q.text(0),
                 .order_id = q.text(1),
                 .amount = q.int64(2),
                 .method = q.text(3),
                 .status = parse_payment_status(q.text(4)),
                 .reference = q.text(5),
                 .created_at = q.int64(6),
                 .updated_at = q.int64(7)};
}

// No conflict target: a second payment for the order (order_id is unique) is refused too.
const Sql kInsertPayment{"INSERT INTO payments(" + kPaymentColumns +
                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING"};
const Sql kFindPayment{.text = "SELECT " + kPaymentColumns + " FROM payments WHERE order_id = ?1",
                       .lock_rows = true};
// ?2 is compared with '' and chosen by CASE: its type is stated for PostgreSQL.
const Sql kSetPaymentStatus{
    "UPDATE payments SET status = ?1, "
    "reference = CASE WHEN CAST(?2 AS TEXT) = '' THEN reference ELSE CAST(?2 AS TEXT) END, "
    "updated_at = ?3 WHERE id = ?4 AND status = ?5"};

}  // namespace

bool Transaction::insert_payment(const Payment& p) {
  Query q(session_, kInsertPayment);
  q.bind(1, p.id).bind(2, p.order_id).bind(3, p.amount).bind(4, p.method);
  q.bind_name(5, to_string(p.status)).bind(6, p.reference).bind(7, p.created_at);
  q.bind(8, p.updated_at);
  return q.run() == 1;
}

std::optional<Payment> Transaction::find_payment(const std::string& order_id) {
  Query q(session_, kFindPayment);
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return payment_from(q);
}

bool Transaction::try_set_payment_status(const std::string& payment_id, PaymentStatus from,
                                         PaymentStatus to, const std::string& reference,
                                         Timestamp now) {
  Query q(session_, kSetPaymentStatus);
  q.bind_name(1, to_string(to)).bind(2, reference).bind(3, now).bind(4, payment_id);
  q.bind_name(5, to_string(from));
  return q.run() == 1;
}

}  // namespace commerce
