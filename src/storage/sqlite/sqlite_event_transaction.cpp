// The SQLite adapter's outbox-delivery, dead-letter, lease and inbox statements.
#include "sqlite_transaction.h"

#include <algorithm>
#include <charconv>

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

std::vector<PendingEvent> SqliteTransaction::read_due_events(Timestamp now,
                                                             std::int64_t after_seq, int limit) {
  // The pending rows (outbox_pending, narrow, in seq order) drive; each one's event is a
  // rowid lookup. A waiting row has next_attempt_at > now >= 0; "> 0" lets the per-key probe
  // use the small partial index outbox_waiting_by_key (only rows that failed at least once).
  static const std::string kDue =
      "SELECT " + kEventColumns +
      ", p.attempts, p.next_attempt_at, p.last_error "
      "FROM outbox_pending p CROSS JOIN outbox o ON o.seq = p.seq "
      "WHERE p.seq > ?3 AND p.next_attempt_at <= ?1 ";
  static const std::string kSql = kDue +
      "AND NOT EXISTS (SELECT 1 FROM outbox_pending w WHERE w.next_attempt_at > 0 "
      "AND w.key = p.key AND w.seq < p.seq AND w.next_attempt_at > ?1) "
      "ORDER BY p.seq LIMIT ?2";
  // The same without the per-row probe, for the usual case where no row waits for a retry
  // (then the probe finds nothing for any row): one look at the small partial index instead.
  static const std::string kSqlNoneWaiting = kDue + "ORDER BY p.seq LIMIT ?2";
  bool waiting = true;
  {
    Query probe(conn_,
                "SELECT EXISTS (SELECT 1 FROM outbox_pending INDEXED BY outbox_waiting_by_key "
                "WHERE next_attempt_at > 0 AND next_attempt_at > ?1)");
    probe.bind(1, now);
    waiting = !probe.step() || probe.int64(0) != 0;
  }
  const std::string& sql = waiting ? kSql : kSqlNoneWaiting;
  Query q(conn_, sql);
  q.bind(1, now).bind(2, limit).bind(3, after_seq);
  std::vector<PendingEvent> out;
  out.reserve(static_cast<std::size_t>(std::clamp(limit, 0, 10'000)));
  while (q.step()) {
    out.push_back(
        PendingEvent{event_from(q), static_cast<int>(q.int64(9)), q.int64(10), q.text(11)});
  }
  return out;
}

std::int64_t SqliteTransaction::count_pending_events(std::int64_t after_seq,
                                                    std::int64_t through_seq) {
  Query q(conn_, "SELECT count(*) FROM outbox_pending WHERE seq > ? AND seq <= ?");
  q.bind(1, after_seq).bind(2, through_seq);
  return q.step() ? q.int64(0) : 0;
}

std::int64_t SqliteTransaction::mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                                     Timestamp /*now: not kept by this adapter*/) {
  if (seqs.empty()) return 0;
  // A relay's batch is mostly runs of consecutive seqs: each run goes in one range delete
  // (every seq of the range is in `seqs`, so no other row is touched; ~0.13 us a row), the
  // seqs outside runs in one delete over a JSON array (~0.8 us a row).
  std::vector<std::int64_t> sorted(seqs);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  constexpr std::size_t kRun = 4;  // shorter runs join the array
  std::int64_t changed = 0;
  std::string array;  // the seqs outside runs as a JSON array, for json_each()
  char buf[24];
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i + 1;
    while (j < sorted.size() && sorted[j] == sorted[j - 1] + 1) ++j;
    if (j - i >= kRun) {
      Query q(conn_, "DELETE FROM outbox_pending WHERE seq BETWEEN ?1 AND ?2");
      changed += q.bind(1, sorted[i]).bind(2, sorted[j - 1]).run();
    } else {
      for (std::size_t k = i; k < j; ++k) {
        array += array.empty() ? '[' : ',';
        array.append(buf, std::to_chars(buf, buf + sizeof buf, sorted[k]).ptr);
      }
    }
    i = j;
  }
  if (!array.empty()) {
    array += ']';
    Query q(conn_, "DELETE FROM outbox_pending WHERE seq IN (SELECT value FROM json_each(?1))");
    changed += q.bind(1, array).run();
  }
  return changed;
}

bool SqliteTransaction::try_record_event_failure(std::int64_t seq, int attempts,
                                                 Timestamp next_attempt_at,
                                                 const std::string& error) {
  Query q(conn_,
          "UPDATE outbox_pending SET attempts = ?, next_attempt_at = ?, last_error = ? "
          "WHERE seq = ?");
  return q.bind(1, attempts).bind(2, next_attempt_at).bind(3, error).bind(4, seq).run() > 0;
}

bool SqliteTransaction::try_dead_letter_event(std::int64_t seq, int attempts,
                                              const std::string& error, Timestamp now,
                                              std::int64_t parked_behind) {
  Query remove(conn_, "DELETE FROM outbox_pending WHERE seq = ?");
  if (remove.bind(1, seq).run() == 0) return false;
  Query insert(conn_,
               "INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, "
               "parked_behind) SELECT seq, key, ?, ?, ?, ? FROM outbox WHERE seq = ?");
  insert.bind(1, attempts).bind(2, error).bind(3, now).bind(4, parked_behind).bind(5, seq).run();
  return true;
}

std::vector<std::pair<std::string, std::int64_t>> SqliteTransaction::find_first_dead_letters(
    const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  {
    Query any(conn_, "SELECT EXISTS (SELECT 1 FROM outbox_dead_letters)");
    if (!any.step() || any.int64(0) == 0) return out;  // the usual case: no dead letters at all
  }
  std::vector<std::string> sorted(keys);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  static const std::string kSql =
      "SELECT seq FROM outbox_dead_letters WHERE key = ? ORDER BY seq LIMIT 1";
  for (const std::string& key : sorted) {  // in-process lookups on (key, seq), no round trips
    Query q(conn_, kSql);
    q.bind(1, key);
    if (q.step()) out.emplace_back(key, q.int64(0));
  }
  return out;
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
  Query insert(conn_,
               "INSERT INTO outbox_pending(seq, key) SELECT seq, key FROM outbox_dead_letters "
               "WHERE ?1 = '' OR key = ?1");
  const std::int64_t moved = insert.bind(1, key).run();
  Query remove(conn_, "DELETE FROM outbox_dead_letters WHERE ?1 = '' OR key = ?1");
  remove.bind(1, key).run();
  return moved;
}

OutboxCounts SqliteTransaction::count_outbox() {
  OutboxCounts counts;
  {
    // Every row is pending, delivered or dead: pending ones have an outbox_pending row, dead
    // ones a dead-letter row, delivered ones neither.
    Query q(conn_,
            "SELECT (SELECT count(*) FROM outbox_pending), (SELECT count(*) FROM outbox), "
            "(SELECT count(*) FROM outbox_dead_letters)");
    if (q.step()) {
      counts.pending = q.int64(0);
      counts.dead_letters = q.int64(2);
      counts.delivered = q.int64(1) - counts.pending - counts.dead_letters;
    }
  }
  {
    Query q(conn_,
            "SELECT o.occurred_at FROM outbox_pending p CROSS JOIN outbox o ON o.seq = p.seq "
            "ORDER BY p.seq LIMIT 1");
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
