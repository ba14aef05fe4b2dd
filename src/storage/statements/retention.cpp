// Statements of retention (Store::compact()) and of the store's check of its own files.
//
// The logs ordered by seq (outbox, saga log) are pruned in windows: a batch looks at the next
// `limit` rows after a seq, up to the first one newer than the cutoff, and deletes the ones that
// may go. The delivered test is a declared dialect difference: SQLite keeps a pending event's
// state in outbox_pending, PostgreSQL in outbox.state.
#include <map>
#include <mutex>

#include "commerce/error.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

// The window of a log ordered by seq that a batch looks at: rows with seq > ?2, at most ?3;
// returns how many, the first seq whose time column is >= ?1 (0: none) and the last seq (0:
// none).
std::string window(const std::string& table, const std::string& at) {
  return "SELECT count(*), coalesce(min(CASE WHEN " + at + " >= ?1 THEN seq END), 0), "
         "coalesce(max(seq), 0) FROM (SELECT seq, " + at + " FROM " + table +
         " WHERE seq > ?2 ORDER BY seq LIMIT ?3) AS w";
}

const Sql kOutboxWindow{window("outbox", "occurred_at")};
const Sql kSagaLogWindow{window("saga_log", "at")};
// Deletes the delivered events with ?1 < seq <= ?2 that occurred before ?3.
const Sql kDeleteDeliveredEvents{
    .text = "DELETE FROM outbox WHERE seq > ?1 AND seq <= ?2 AND occurred_at < ?3 "
            "AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.seq = outbox.seq) "
            "AND NOT EXISTS (SELECT 1 FROM outbox_dead_letters d WHERE d.seq = outbox.seq)",
    .postgres = "DELETE FROM outbox WHERE seq > ?1 AND seq <= ?2 AND occurred_at < ?3 "
                "AND state = 'delivered'"};
// Deletes the log lines with ?1 < seq <= ?2 of sagas that ended before ?3.
const Sql kDeleteFinishedSagaLogs{
    "DELETE FROM saga_log WHERE seq > ?1 AND seq <= ?2 AND EXISTS (SELECT 1 FROM sagas s "
    "WHERE s.order_id = saga_log.order_id AND s.state IN ('confirmed', 'failed', 'cancelled') "
    "AND s.updated_at < ?3)"};
// Delete at most ?2 records older than ?1, oldest first.
const Sql kDeleteRequests{
    "DELETE FROM requests WHERE request_id IN (SELECT request_id FROM requests "
    "WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)"};
const Sql kDeleteInboxMessages{
    "DELETE FROM inbox WHERE message_id IN (SELECT message_id FROM inbox "
    "WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)"};

// The file checks. SQLite: its own page checks. PostgreSQL: indexes left invalid (a failed
// concurrent build or reindex answer nothing or wrongly), and the schema's tables.
const Sql kQuickCheck{"PRAGMA quick_check"};
const Sql kIntegrityCheck{"PRAGMA integrity_check"};
const Sql kInvalidIndexes{
    .text = "",  // PostgreSQL only
    .postgres = "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"};
const Sql kTables{.text = "",  // PostgreSQL only
                  .postgres = "SELECT tablename FROM pg_tables "
                              "WHERE schemaname = current_schema() ORDER BY tablename"};

// A read of every row of `table` (PostgreSQL, check --full): one statement per table, built on
// first use.
const Sql& read_table_sql(const std::string& table) {
  static std::mutex mu;
  static std::map<std::string, Sql> built;  // node-based: addresses stay stable
  std::lock_guard lock(mu);
  auto it = built.find(table);
  if (it == built.end()) {
    std::string quoted = "\"";
    for (const char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    it = built.emplace(table, Sql{"SELECT count(*) FROM " + quoted}).first;
  }
  return it->second;
}

RetentionBatch delete_window(SqlSession& session, const Sql& window_sql, const Sql& remove,
                             std::int64_t after_seq, Timestamp before, int limit) {
  RetentionBatch batch{after_seq, 0, true};
  {
    Query w(session, window_sql);
    w.bind(1, before).bind(2, after_seq).bind(3, limit);
    if (!w.step()) return batch;
    const std::int64_t rows = w.int64(0), first_newer = w.int64(1), last = w.int64(2);
    batch.through_seq = first_newer > 0 ? first_newer - 1 : (rows > 0 ? last : after_seq);
    if (batch.through_seq < after_seq) batch.through_seq = after_seq;
    batch.done = first_newer > 0 || rows < limit;
  }
  if (batch.through_seq > after_seq) {
    Query d(session, remove);
    batch.deleted = d.bind(1, after_seq).bind(2, batch.through_seq).bind(3, before).run();
  }
  return batch;
}

std::int64_t delete_oldest(SqlSession& session, const Sql& sql, Timestamp before, int limit) {
  Query q(session, sql);
  return q.bind(1, before).bind(2, limit).run();
}

}  // namespace

RetentionBatch Transaction::delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                                    int limit) {
  return delete_window(session_, kOutboxWindow, kDeleteDeliveredEvents, after_seq, before, limit);
}

RetentionBatch Transaction::delete_finished_saga_logs(std::int64_t after_seq, Timestamp before,
                                                      int limit) {
  return delete_window(session_, kSagaLogWindow, kDeleteFinishedSagaLogs, after_seq, before,
                       limit);
}

std::int64_t Transaction::delete_requests_before(Timestamp before, int limit) {
  return delete_oldest(session_, kDeleteRequests, before, limit);
}

std::int64_t Transaction::delete_inbox_messages_before(Timestamp before, int limit) {
  return delete_oldest(session_, kDeleteInboxMessages, before, limit);
}

std::vector<std::string> Transaction::check_storage(bool full) {
  std::vector<std::string> problems;
  if (session_.dialect() == SqlDialect::kSqlite) {
    try {
      Query q(session_, full ? kIntegrityCheck : kQuickCheck);
      while (q.step()) {
        std::string line = q.text(0);
        if (line != "ok") problems.push_back(std::move(line));
      }
    } catch (const Error& e) {
      problems.push_back(e.what());  // the check could not read the file: that is the damage
    }
    return problems;
  }
  {
    Query invalid(session_, kInvalidIndexes);
    while (invalid.step()) {
      problems.push_back("index " + invalid.text(0) + " is invalid: REINDEX it");
    }
  }
  if (full) {
    // Reads every page of every table of the schema: a damaged page fails the read (the error
    // then ends the check, as Internal, naming the table's page).
    std::vector<std::string> tables;
    {
      Query q(session_, kTables);
      while (q.step()) tables.push_back(q.text(0));
    }
    for (const std::string& table : tables) Query(session_, read_table_sql(table)).run();
  }
  return problems;
}

}  // namespace commerce
