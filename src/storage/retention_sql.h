// The statements of the retention block of Transaction (issue 15), one text for both adapters
// where the dialects agree ($N parameters: SQLite numbers "$1", "$2", ... by first appearance,
// which these texts keep in order). Only the outbox's delivered test differs: SQLite keeps a
// pending event's state in outbox_pending, PostgreSQL in outbox.state.
#pragma once

#include <cstdint>

namespace commerce::retention_sql {

// The window of a log ordered by seq that a batch looks at: rows with seq > $2, at most $3;
// returns how many, the first seq whose time column is >= $1 (0: none) and the last seq (0:
// none). TABLE and AT are spliced in by the macro below.
#define COMMERCE_RETENTION_WINDOW(TABLE, AT)                                              \
  "SELECT count(*), coalesce(min(CASE WHEN " AT " >= $1 THEN seq END), 0), "              \
  "coalesce(max(seq), 0) FROM (SELECT seq, " AT " FROM " TABLE " WHERE seq > $2 ORDER BY " \
  "seq LIMIT $3) AS w"

inline constexpr const char* kOutboxWindow = COMMERCE_RETENTION_WINDOW("outbox", "occurred_at");
inline constexpr const char* kSagaLogWindow = COMMERCE_RETENTION_WINDOW("saga_log", "at");
#undef COMMERCE_RETENTION_WINDOW

// Deletes the delivered events with $1 < seq <= $2 that occurred before $3 (SQLite).
inline constexpr const char* kDeleteDeliveredEventsSqlite =
    "DELETE FROM outbox WHERE seq > $1 AND seq <= $2 AND occurred_at < $3 "
    "AND NOT EXISTS (SELECT 1 FROM outbox_pending p WHERE p.seq = outbox.seq) "
    "AND NOT EXISTS (SELECT 1 FROM outbox_dead_letters d WHERE d.seq = outbox.seq)";
// The same (PostgreSQL).
inline constexpr const char* kDeleteDeliveredEventsPostgres =
    "DELETE FROM outbox WHERE seq > $1 AND seq <= $2 AND occurred_at < $3 "
    "AND state = 'delivered'";

// Deletes the log lines with $1 < seq <= $2 of sagas that ended before $3.
inline constexpr const char* kDeleteFinishedSagaLogs =
    "DELETE FROM saga_log WHERE seq > $1 AND seq <= $2 AND EXISTS (SELECT 1 FROM sagas s "
    "WHERE s.order_id = saga_log.order_id AND s.state IN ('confirmed', 'failed', 'cancelled') "
    "AND s.updated_at < $3)";

// Deletes at most $2 records older than $1, oldest first.
inline constexpr const char* kDeleteRequests =
    "DELETE FROM requests WHERE request_id IN (SELECT request_id FROM requests "
    "WHERE created_at < $1 ORDER BY created_at LIMIT $2)";
inline constexpr const char* kDeleteInboxMessages =
    "DELETE FROM inbox WHERE message_id IN (SELECT message_id FROM inbox "
    "WHERE received_at < $1 ORDER BY received_at LIMIT $2)";

// A window's figures into a RetentionBatch (before the delete sets `deleted`).
template <class Batch>
Batch window_batch(std::int64_t after_seq, int limit, std::int64_t rows, std::int64_t first_newer,
                   std::int64_t last) {
  Batch b;
  b.through_seq = first_newer > 0 ? first_newer - 1 : (rows > 0 ? last : after_seq);
  if (b.through_seq < after_seq) b.through_seq = after_seq;
  b.done = first_newer > 0 || rows < limit;
  return b;
}

}  // namespace commerce::retention_sql
