// Statements of the points ledger: balances and entries.
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kEntryColumns =
    "id, user_id, kind, amount, balance_after, order_id, reason, request_id, created_at";

PointsEntry entry_from(const Query& q) {
  return PointsEntry{.id = q.text(0),
                     .user_id = q.text(1),
                     .kind = parse_points_entry_kind(q.text(2)),
                     .amount = q.int64(3),
                     .balance_after = q.int64(4),
                     .order_id = q.text(5),
                     .reason = q.text(6),
                     .request_id = q.text(7),
                     .created_at = q.int64(8)};
}

const Sql kFindBalance{.text = "SELECT balance FROM point_balances WHERE user_id = ?1",
                       .lock_rows = true};
const Sql kDebit{
    "UPDATE point_balances SET balance = balance - ?1 WHERE user_id = ?2 AND balance >= ?1"};
// The guard keeps the sum within int64: a credit that would overflow changes nothing.
const Sql kCredit{
    "INSERT INTO point_balances AS b (user_id, balance) VALUES(?2, ?1) "
    "ON CONFLICT(user_id) DO UPDATE SET balance = b.balance + ?1 "
    "WHERE b.balance <= 9223372036854775807 - ?1"};
const Sql kInsertEntry{"INSERT INTO point_entries(" + kEntryColumns +
                       ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
// "order_id <> ''" lets the planner use the partial index point_entries_by_order.
const Sql kEntriesForOrder{.text = "SELECT " + kEntryColumns +
                                   " FROM point_entries WHERE order_id = ?1 AND order_id <> '' "
                                   "ORDER BY id",
                           .lock_rows = true};
// Newest first: the first page, and the pages after a cursor (two statements, so that each is
// one range of the index point_entries_by_user, whatever the page's depth).
const Sql kListEntries{"SELECT " + kEntryColumns +
                       " FROM point_entries WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"};
const Sql kListEntriesBefore{"SELECT " + kEntryColumns +
                             " FROM point_entries WHERE user_id = ?1 AND id < ?2 "
                             "ORDER BY id DESC LIMIT ?3"};

}  // namespace

Money Transaction::find_points_balance(const std::string& user_id) {
  Query q(session_, kFindBalance);
  q.bind(1, user_id);
  return q.single_int64(0);
}

bool Transaction::try_debit_points(const std::string& user_id, Money amount) {
  Query q(session_, kDebit);
  return q.bind(1, amount).bind(2, user_id).run() == 1;
}

bool Transaction::try_credit_points(const std::string& user_id, Money amount) {
  Query q(session_, kCredit);
  return q.bind(1, amount).bind(2, user_id).run() == 1;
}

void Transaction::insert_points_entry(const PointsEntry& e) {
  Query q(session_, kInsertEntry);
  q.bind(1, e.id).bind(2, e.user_id).bind_name(3, to_string(e.kind)).bind(4, e.amount);
  q.bind(5, e.balance_after).bind(6, e.order_id).bind(7, e.reason).bind(8, e.request_id);
  q.bind(9, e.created_at).run_later();
}

std::vector<PointsEntry> Transaction::find_points_entries_for_order(const std::string& order_id) {
  Query q(session_, kEntriesForOrder);
  q.bind(1, order_id);
  std::vector<PointsEntry> out;
  while (q.step()) out.push_back(entry_from(q));
  return out;
}

std::vector<PointsEntry> Transaction::list_points_entries(const std::string& user_id,
                                                          const std::string& before_id,
                                                          int limit) {
  Query q(session_, before_id.empty() ? kListEntries : kListEntriesBefore);
  q.bind(1, user_id);
  if (before_id.empty()) {
    q.bind(2, limit);
  } else {
    q.bind(2, before_id).bind(3, limit);
  }
  std::vector<PointsEntry> out;
  while (q.step()) out.push_back(entry_from(q));
  return out;
}

}  // namespace commerce
