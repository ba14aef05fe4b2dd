// The SQLite adapter's retention block of Transaction (issue 15): see commerce/storage.h.
#include <cstdint>

#include "commerce/error.h"
#include "sqlite_transaction.h"
#include "storage/retention_sql.h"

namespace commerce::sqlite {

namespace {

RetentionBatch delete_window(Connection& conn, const char* window, const char* remove,
                             std::int64_t after_seq, Timestamp before, int limit) {
  RetentionBatch batch;
  {
    Query q(conn, window);
    q.bind(1, before).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
    if (!q.step()) return RetentionBatch{after_seq, 0, true};
    batch = retention_sql::window_batch<RetentionBatch>(after_seq, limit, q.int64(0),
                                                        q.int64(1), q.int64(2));
  }
  if (batch.through_seq > after_seq) {
    Query d(conn, remove);
    d.bind(1, after_seq).bind(2, batch.through_seq).bind(3, before);
    batch.deleted = d.run();
  }
  return batch;
}

std::int64_t delete_oldest(Connection& conn, const char* sql, Timestamp before, int limit) {
  Query q(conn, sql);
  q.bind(1, before).bind(2, static_cast<std::int64_t>(limit));
  return q.run();
}

}  // namespace

RetentionBatch SqliteTransaction::delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                                          int limit) {
  return delete_window(conn_, retention_sql::kOutboxWindow,
                       retention_sql::kDeleteDeliveredEventsSqlite, after_seq, before, limit);
}

RetentionBatch SqliteTransaction::delete_finished_saga_logs(std::int64_t after_seq,
                                                            Timestamp before, int limit) {
  return delete_window(conn_, retention_sql::kSagaLogWindow,
                       retention_sql::kDeleteFinishedSagaLogs, after_seq, before, limit);
}

std::int64_t SqliteTransaction::delete_requests_before(Timestamp before, int limit) {
  return delete_oldest(conn_, retention_sql::kDeleteRequests, before, limit);
}

std::int64_t SqliteTransaction::delete_inbox_messages_before(Timestamp before, int limit) {
  return delete_oldest(conn_, retention_sql::kDeleteInboxMessages, before, limit);
}

std::vector<std::string> SqliteTransaction::check_storage(bool full) {
  std::vector<std::string> problems;
  try {
    Query q(conn_, full ? "PRAGMA integrity_check" : "PRAGMA quick_check");
    while (q.step()) {
      std::string line = q.text(0);
      if (line != "ok") problems.push_back(std::move(line));
    }
  } catch (const Error& e) {
    // The check could not read the file: that is the damage.
    problems.push_back(e.what());
  }
  return problems;
}

}  // namespace commerce::sqlite
