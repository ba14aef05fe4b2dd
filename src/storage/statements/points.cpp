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
// On PostgreSQL both moves answer the balance they leave (no row: refused), so that the
// ledger entry's balance_after costs no round trip of its own while the unit holds its row
// locks. SQLite reads it after the move (kFindBalance): its RETURNING costs more (an order
// paid by points: +16k instructions, callgrind) than that read of a cached page.
const std::string kReturningBalance = " RETURNING balance";
const std::string kDebitText =
    "UPDATE point_balances SET balance = balance - ?1 WHERE user_id = ?2 AND balance >= ?1";
const Sql kDebit{.text = kDebitText, .postgres = kDebitText + kReturningBalance};
// The guard keeps the sum within int64: a credit that would overflow changes nothing.
const std::string kCreditText =
    "INSERT INTO point_balances AS b (user_id, balance) VALUES(?2, ?1) "
    "ON CONFLICT(user_id) DO UPDATE SET balance = b.balance + ?1 "
    "WHERE b.balance <= 9223372036854775807 - ?1";
const Sql kCredit{.text = kCreditText, .postgres = kCreditText + kReturningBalance};
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

// Runs a debit or credit (kDebit, kCredit): the balance it left, nothing if it was refused.
std::optional<Money> move_points(SqlSession& session, const Sql& move, const std::string& user_id,
                                 Money amount) {
  std::optional<Money> balance;
  {
    Query q(session, move);
    q.bind(1, amount).bind(2, user_id);
    if (session.dialect() == SqlDialect::kPostgres) {
      if (q.step()) balance = q.int64(0);
      return balance;
    }
    if (q.run() != 1) return balance;
  }
  Query q(session, kFindBalance);
  balance = q.bind(1, user_id).single_int64();
  return balance;
}

}  // namespace

Money Transaction::find_points_balance(const std::string& user_id) {
  Query q(session_, kFindBalance);
  q.bind(1, user_id);
  return q.single_int64(0);
}

std::optional<Money> Transaction::try_debit_points(const std::string& user_id, Money amount) {
  return move_points(session_, kDebit, user_id, amount);
}

std::optional<Money> Transaction::try_credit_points(const std::string& user_id, Money amount) {
  return move_points(session_, kCredit, user_id, amount);
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
