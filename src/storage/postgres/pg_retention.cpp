// The PostgreSQL adapter's retention block of Transaction (issue 15): see commerce/storage.h.
#include <cstdint>

#include "pg_transaction.h"
#include "storage/retention_sql.h"

namespace commerce::postgres {

namespace {

RetentionBatch delete_window(Connection& conn, const char* window, const char* remove,
                             std::int64_t after_seq, Timestamp before, int limit) {
  auto w = Query(conn, window).bind(before).bind(after_seq).bind(limit).run();
  if (w.rows() == 0) return RetentionBatch{after_seq, 0, true};
  RetentionBatch batch = retention_sql::window_batch<RetentionBatch>(
      after_seq, limit, w.int64(0, 0), w.int64(0, 1), w.int64(0, 2));
  if (batch.through_seq > after_seq) {
    batch.deleted =
        Query(conn, remove).bind(after_seq).bind(batch.through_seq).bind(before).run().affected();
  }
  return batch;
}

}  // namespace

RetentionBatch PgTransaction::delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                                      int limit) {
  return delete_window(conn_, retention_sql::kOutboxWindow,
                       retention_sql::kDeleteDeliveredEventsPostgres, after_seq, before, limit);
}

RetentionBatch PgTransaction::delete_finished_saga_logs(std::int64_t after_seq, Timestamp before,
                                                        int limit) {
  return delete_window(conn_, retention_sql::kSagaLogWindow,
                       retention_sql::kDeleteFinishedSagaLogs, after_seq, before, limit);
}

std::int64_t PgTransaction::delete_requests_before(Timestamp before, int limit) {
  return Query(conn_, retention_sql::kDeleteRequests).bind(before).bind(limit).run().affected();
}

std::int64_t PgTransaction::delete_inbox_messages_before(Timestamp before, int limit) {
  return Query(conn_, retention_sql::kDeleteInboxMessages).bind(before).bind(limit).run().affected();
}

std::vector<std::string> PgTransaction::check_storage(bool full) {
  std::vector<std::string> problems;
  // Indexes left invalid (a failed concurrent build or reindex) answer nothing or wrongly.
  auto invalid = Query(conn_,
                       "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)")
                     .run();
  for (int r = 0; r < invalid.rows(); ++r) {
    problems.push_back("index " + invalid.text(r, 0) + " is invalid: REINDEX it");
  }
  if (full) {
    // Reads every page of every table of the schema: a damaged page fails the read (the error
    // then ends the check, as Internal, naming the table's page).
    auto tables = Query(conn_,
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "ORDER BY tablename")
                      .run();
    for (int r = 0; r < tables.rows(); ++r) {
      conn_.exec("SELECT count(*) FROM \"" + tables.text(r, 0) + "\"");
    }
  }
  return problems;
}

}  // namespace commerce::postgres
