// The PostgreSQL adapter's outbox-delivery, dead-letter, lease and inbox statements (the
// SQLite adapter's sqlite_event_transaction.cpp, in PostgreSQL's dialect).
#include "pg_transaction.h"

namespace commerce::postgres {

namespace {

const std::string kEventColumns =
    "o.seq, o.id, o.type, o.schema_version, o.topic, o.key, o.occurred_at, o.request_id, "
    "o.payload";

Event event_from(const Result& r, int i) {
  return Event{r.int64(i, 0), r.text(i, 1), r.text(i, 2), static_cast<int>(r.int64(i, 3)),
               r.text(i, 4),  r.text(i, 5), r.int64(i, 6), r.text(i, 7), r.text(i, 8)};
}

}  // namespace

std::vector<PendingEvent> PgTransaction::read_due_events(Timestamp now, std::int64_t after_seq,
                                                         int limit) {
  // A waiting row has next_attempt_at > now >= 0; "> 0" lets the probe use the small partial
  // index outbox_waiting_by_key (only rows that failed at least once are in it).
  auto r = Query(conn_, "SELECT " + kEventColumns +
                            ", o.attempts, o.next_attempt_at, o.last_error FROM outbox o "
                            "WHERE o.state = 'pending' AND o.seq > $3 "
                            "AND o.next_attempt_at <= $1 "
                            "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' "
                            "AND p.next_attempt_at > 0 AND p.key = o.key AND p.seq < o.seq "
                            "AND p.next_attempt_at > $1) "
                            "ORDER BY o.seq LIMIT $2")
               .bind(now)
               .bind(limit)
               .bind(after_seq)
               .run();
  std::vector<PendingEvent> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(PendingEvent{event_from(r, i), static_cast<int>(r.int64(i, 9)), r.int64(i, 10),
                               r.text(i, 11)});
  }
  return out;
}

std::int64_t PgTransaction::count_pending_events(std::int64_t after_seq,
                                                std::int64_t through_seq) {
  return Query(conn_,
               "SELECT count(*) FROM outbox WHERE state = 'pending' AND seq > $1 AND seq <= $2")
      .bind(after_seq)
      .bind(through_seq)
      .run()
      .int64(0, 0);
}

std::int64_t PgTransaction::mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                                  Timestamp now) {
  if (seqs.empty()) return 0;
  std::string array = "{";
  for (const std::int64_t seq : seqs) {
    if (array.size() > 1) array += ',';
    array += std::to_string(seq);
  }
  array += '}';
  return Query(conn_,
               "UPDATE outbox SET state = 'delivered', delivered_at = $1 "
               "WHERE seq = ANY($2::bigint[]) AND state = 'pending'")
      .bind(now)
      .bind(array)
      .run()
      .affected();
}

bool PgTransaction::try_record_event_failure(std::int64_t seq, int attempts,
                                             Timestamp next_attempt_at, const std::string& error) {
  return Query(conn_,
               "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3 "
               "WHERE seq = $4 AND state = 'pending'")
             .bind(attempts)
             .bind(next_attempt_at)
             .bind(error)
             .bind(seq)
             .run()
             .affected() > 0;
}

bool PgTransaction::try_dead_letter_event(std::int64_t seq, int attempts, const std::string& error,
                                          Timestamp now, std::int64_t parked_behind) {
  if (Query(conn_,
            "UPDATE outbox SET state = 'dead', attempts = $1, last_error = $2 "
            "WHERE seq = $3 AND state = 'pending'")
          .bind(attempts)
          .bind(error)
          .bind(seq)
          .run()
          .affected() == 0) {
    return false;
  }
  Query(conn_,
        "INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, parked_behind) "
        "SELECT seq, key, $1::integer, $2::text, $3::bigint, $4::bigint FROM outbox "
        "WHERE seq = $5")
      .bind(attempts)
      .bind(error)
      .bind(now)
      .bind(parked_behind)
      .bind(seq)
      .run();
  return true;
}

std::vector<std::pair<std::string, std::int64_t>> PgTransaction::find_first_dead_letters(
    const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (keys.empty()) return out;
  // A text[] literal: each key double-quoted, with its backslashes and quotes escaped.
  std::string array = "{";
  for (const std::string& key : keys) {
    if (array.size() > 1) array += ',';
    array += '"';
    for (const char c : key) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  auto r = Query(conn_,
                 "SELECT key, min(seq) FROM outbox_dead_letters WHERE key = ANY($1::text[]) "
                 "GROUP BY key ORDER BY key")
               .bind(array)
               .run();
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.int64(i, 1));
  return out;
}

std::vector<DeadLetter> PgTransaction::list_dead_letters(std::int64_t after_seq, int limit) {
  auto r = Query(conn_, "SELECT " + kEventColumns +
                            ", d.attempts, d.last_error, d.dead_at, d.parked_behind "
                            "FROM outbox_dead_letters d JOIN outbox o ON o.seq = d.seq "
                            "WHERE d.seq > $1 ORDER BY d.seq LIMIT $2")
               .bind(after_seq)
               .bind(limit)
               .run();
  std::vector<DeadLetter> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(DeadLetter{event_from(r, i), static_cast<int>(r.int64(i, 9)), r.text(i, 10),
                             r.int64(i, 11), r.int64(i, 12)});
  }
  return out;
}

std::int64_t PgTransaction::requeue_dead_letters(const std::string& key) {
  const std::int64_t moved =
      Query(conn_,
            "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0, "
            "last_error = '' WHERE seq IN (SELECT seq FROM outbox_dead_letters "
            "WHERE $1::text = '' OR key = $1::text)")
          .bind(key)
          .run()
          .affected();
  Query(conn_, "DELETE FROM outbox_dead_letters WHERE $1::text = '' OR key = $1::text")
      .bind(key)
      .run();
  return moved;
}

OutboxCounts PgTransaction::count_outbox() {
  OutboxCounts counts;
  auto states = Query(conn_, "SELECT state, count(*) FROM outbox GROUP BY state").run();
  for (int i = 0; i < states.rows(); ++i) {
    const std::string state = states.text(i, 0);
    if (state == "pending") counts.pending = states.int64(i, 1);
    if (state == "delivered") counts.delivered = states.int64(i, 1);
  }
  counts.dead_letters =
      Query(conn_, "SELECT count(*) FROM outbox_dead_letters").run().int64(0, 0);
  auto oldest = Query(conn_,
                      "SELECT o.occurred_at FROM outbox o WHERE o.state = 'pending' "
                      "ORDER BY o.seq LIMIT 1")
                    .run();
  if (oldest.rows() > 0) counts.oldest_pending_at = oldest.int64(0, 0);
  return counts;
}

bool PgTransaction::try_acquire_lease(const std::string& name, const std::string& owner,
                                      Timestamp now, Timestamp until) {
  return Query(conn_,
               "INSERT INTO leases(name, owner, until) VALUES($1, $2, $4) "
               "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
               "WHERE leases.owner = excluded.owner OR leases.until <= $3")
             .bind(name)
             .bind(owner)
             .bind(now)
             .bind(until)
             .run()
             .affected() > 0;
}

void PgTransaction::release_lease(const std::string& name, const std::string& owner) {
  Query(conn_, "DELETE FROM leases WHERE name = $1 AND owner = $2").bind(name).bind(owner).run();
}

bool PgTransaction::insert_inbox_message(const InboxRecord& r) {
  return Query(conn_,
               "INSERT INTO inbox(message_id, type, fingerprint, received_at) "
               "VALUES($1, $2, $3, $4) ON CONFLICT(message_id) DO NOTHING")
             .bind(r.message_id)
             .bind(r.type)
             .bind(r.fingerprint)
             .bind(r.received_at)
             .run()
             .affected() > 0;
}

std::optional<InboxRecord> PgTransaction::find_inbox_message(const std::string& message_id) {
  auto r = Query(conn_, locked("SELECT message_id, type, fingerprint, received_at FROM inbox "
                               "WHERE message_id = $1"))
               .bind(message_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return InboxRecord{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.int64(0, 3)};
}

std::int64_t PgTransaction::count_inbox_messages() {
  return Query(conn_, "SELECT count(*) FROM inbox").run().int64(0, 0);
}

}  // namespace commerce::postgres
