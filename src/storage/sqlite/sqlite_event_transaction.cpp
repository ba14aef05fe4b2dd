// The SQLite adapter's outbox-delivery, dead-letter, lease and inbox statements.
#include "sqlite_transaction.h"

namespace commerce::sqlite {

namespace {

const std::string kEventColumns =
    "o.seq, o.id, o.type, o.schema_version, o.topic, o.key, o.occurred_at, o.request_id, "
    "o.payload";

Event event_from(const Query& q) {
  return Event{q.int64(0), q.text(1), q.text(2), static_cast<int>(q.int64(3)), q.text(4),
               q.text(5),  q.int64(6), q.text(7), q.text(8)};
}

}  // namespace

std::vector<PendingEvent> SqliteTransaction::read_due_events(Timestamp now, int limit) {
  Query q(conn_, "SELECT " + kEventColumns +
                     ", o.attempts, o.next_attempt_at, o.last_error FROM outbox o "
                     "WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND NOT EXISTS ("
                     "SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.key = o.key "
                     "AND p.seq < o.seq AND p.next_attempt_at > ?1) "
                     "ORDER BY o.seq LIMIT ?2");
  q.bind(1, now).bind(2, limit);
  std::vector<PendingEvent> out;
  while (q.step()) {
    out.push_back(PendingEvent{event_from(q), static_cast<int>(q.int64(9)), q.int64(10),
                               q.text(11)});
  }
  return out;
}

bool SqliteTransaction::try_mark_event_delivered(std::int64_t seq, Timestamp now) {
  Query q(conn_,
          "UPDATE outbox SET state = 'delivered', delivered_at = ? "
          "WHERE seq = ? AND state = 'pending'");
  return q.bind(1, now).bind(2, seq).run() > 0;
}

bool SqliteTransaction::try_record_event_failure(std::int64_t seq, int attempts,
                                                 Timestamp next_attempt_at,
                                                 const std::string& error) {
  Query q(conn_,
          "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? "
          "WHERE seq = ? AND state = 'pending'");
  return q.bind(1, attempts).bind(2, next_attempt_at).bind(3, error).bind(4, seq).run() > 0;
}

bool SqliteTransaction::try_dead_letter_event(std::int64_t seq, int attempts,
                                              const std::string& error, Timestamp now,
                                              std::int64_t parked_behind) {
  Query q(conn_,
          "UPDATE outbox SET state = 'dead', attempts = ?, last_error = ? "
          "WHERE seq = ? AND state = 'pending'");
  if (q.bind(1, attempts).bind(2, error).bind(3, seq).run() == 0) return false;
  Query insert(conn_,
               "INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, "
               "parked_behind) SELECT seq, key, ?, ?, ?, ? FROM outbox WHERE seq = ?");
  insert.bind(1, attempts).bind(2, error).bind(3, now).bind(4, parked_behind).bind(5, seq).run();
  return true;
}

std::int64_t SqliteTransaction::find_dead_letter_before(const std::string& key,
                                                        std::int64_t before_seq) {
  Query q(conn_,
          "SELECT seq FROM outbox_dead_letters WHERE key = ? AND seq < ? ORDER BY seq LIMIT 1");
  q.bind(1, key).bind(2, before_seq);
  return q.step() ? q.int64(0) : 0;
}

std::vector<DeadLetter> SqliteTransaction::list_dead_letters(std::int64_t after_seq, int limit) {
  Query q(conn_, "SELECT " + kEventColumns +
                     ", d.attempts, d.last_error, d.dead_at, d.parked_behind "
                     "FROM outbox_dead_letters d JOIN outbox o ON o.seq = d.seq "
                     "WHERE d.seq > ? ORDER BY d.seq LIMIT ?");
  q.bind(1, after_seq).bind(2, limit);
  std::vector<DeadLetter> out;
  while (q.step()) {
    out.push_back(DeadLetter{event_from(q), static_cast<int>(q.int64(9)), q.text(10), q.int64(11),
                             q.int64(12)});
  }
  return out;
}

std::int64_t SqliteTransaction::requeue_dead_letters(const std::string& key) {
  Query update(conn_,
               "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0, "
               "last_error = '' WHERE seq IN (SELECT seq FROM outbox_dead_letters "
               "WHERE ?1 = '' OR key = ?1)");
  const std::int64_t moved = update.bind(1, key).run();
  Query remove(conn_, "DELETE FROM outbox_dead_letters WHERE ?1 = '' OR key = ?1");
  remove.bind(1, key).run();
  return moved;
}

OutboxCounts SqliteTransaction::count_outbox() {
  OutboxCounts counts;
  {
    Query q(conn_, "SELECT state, count(*) FROM outbox GROUP BY state");
    while (q.step()) {
      const std::string state = q.text(0);
      if (state == "pending") counts.pending = q.int64(1);
      if (state == "delivered") counts.delivered = q.int64(1);
    }
  }
  {
    Query q(conn_, "SELECT count(*) FROM outbox_dead_letters");
    if (q.step()) counts.dead_letters = q.int64(0);
  }
  {
    Query q(conn_,
            "SELECT o.occurred_at FROM outbox o WHERE o.state = 'pending' ORDER BY o.seq LIMIT 1");
    if (q.step()) counts.oldest_pending_at = q.int64(0);
  }
  return counts;
}

bool SqliteTransaction::try_acquire_lease(const std::string& name, const std::string& owner,
                                          Timestamp now, Timestamp until) {
  Query q(conn_,
          "INSERT INTO leases(name, owner, until) VALUES(?1, ?2, ?4) "
          "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
          "WHERE leases.owner = excluded.owner OR leases.until <= ?3");
  return q.bind(1, name).bind(2, owner).bind(3, now).bind(4, until).run() > 0;
}

void SqliteTransaction::release_lease(const std::string& name, const std::string& owner) {
  Query q(conn_, "DELETE FROM leases WHERE name = ? AND owner = ?");
  q.bind(1, name).bind(2, owner).run();
}

bool SqliteTransaction::insert_inbox_message(const InboxRecord& r) {
  Query q(conn_,
          "INSERT INTO inbox(message_id, type, fingerprint, received_at) VALUES(?, ?, ?, ?) "
          "ON CONFLICT(message_id) DO NOTHING");
  return q.bind(1, r.message_id).bind(2, r.type).bind(3, r.fingerprint).bind(4, r.received_at)
             .run() > 0;
}

std::optional<InboxRecord> SqliteTransaction::find_inbox_message(const std::string& message_id) {
  Query q(conn_,
          "SELECT message_id, type, fingerprint, received_at FROM inbox WHERE message_id = ?");
  q.bind(1, message_id);
  if (!q.step()) return std::nullopt;
  return InboxRecord{q.text(0), q.text(1), q.text(2), q.int64(3)};
}

std::int64_t SqliteTransaction::count_inbox_messages() {
  Query q(conn_, "SELECT count(*) FROM inbox");
  return q.step() ? q.int64(0) : 0;
}

}  // namespace commerce::sqlite
