// Statements of the outbox's delivery queue: which events are due, delivered, failed or dead.
//
// A declared dialect difference: the queue's layout differs. SQLite keeps pending rows in a
// narrow table of their own (outbox_pending: seq, key, attempts, next_attempt_at, last_error;
// delivered rows are deleted from it in ranges), which made the relay 2x faster there (schema
// migration 5); PostgreSQL keeps a state column on the outbox row itself and updates it. So
// each statement here has a text per dialect, and two operations branch on the dialect where
// the best way to pass a set of seqs differs (ranges and a JSON array, or an array parameter).
#include <algorithm>
#include <charconv>

#include "outbox_rows.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::event_from;
using statements::kEventColumns;

namespace {

bool postgres(SqlSession& session) { return session.dialect() == SqlDialect::kPostgres; }

// SQLite: the pending rows (narrow, in seq order) drive; each one's event is a rowid lookup. A
// waiting row has next_attempt_at > now >= 0; "> 0" lets the per-key probe use the small partial
// index outbox_waiting_by_key (only rows that failed at least once are in it).
const std::string kSqliteDue =
    "SELECT " + kEventColumns +
    ", p.attempts, p.next_attempt_at, p.last_error "
    "FROM outbox_pending p CROSS JOIN outbox o ON o.seq = p.seq "
    "WHERE p.seq > ?3 AND p.next_attempt_at <= ?1 ";
const Sql kDue{
    .text = kSqliteDue +
            "AND NOT EXISTS (SELECT 1 FROM outbox_pending w WHERE w.next_attempt_at > 0 "
            "AND w.key = p.key AND w.seq < p.seq AND w.next_attempt_at > ?1) "
            "ORDER BY p.seq LIMIT ?2",
    .postgres = "SELECT " + kEventColumns +
                ", o.attempts, o.next_attempt_at, o.last_error FROM outbox o "
                "WHERE o.state = 'pending' AND o.seq > ?3 AND o.next_attempt_at <= ?1 "
                "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' "
                "AND p.next_attempt_at > 0 AND p.key = o.key AND p.seq < o.seq "
                "AND p.next_attempt_at > ?1) "
                "ORDER BY o.seq LIMIT ?2"};
// SQLite: the same without the per-row probe, for the usual case where no row waits for a retry
// (then the probe finds nothing for any row): one look at the small partial index instead.
const Sql kDueNoneWaiting{kSqliteDue + "ORDER BY p.seq LIMIT ?2"};
const Sql kAnyWaiting{
    "SELECT EXISTS (SELECT 1 FROM outbox_pending INDEXED BY outbox_waiting_by_key "
    "WHERE next_attempt_at > 0 AND next_attempt_at > ?1)"};
const Sql kCountPending{
    .text = "SELECT count(*) FROM outbox_pending WHERE seq > ?1 AND seq <= ?2",
    .postgres = "SELECT count(*) FROM outbox WHERE state = 'pending' AND seq > ?1 AND seq <= ?2"};
const Sql kDeliverRange{"DELETE FROM outbox_pending WHERE seq BETWEEN ?1 AND ?2"};
const Sql kDeliverArray{
    .text = "DELETE FROM outbox_pending WHERE seq IN (SELECT value FROM json_each(?1))",
    .postgres = "UPDATE outbox SET state = 'delivered', delivered_at = ?2 "
                "WHERE seq = ANY(CAST(?1 AS BIGINT[])) AND state = 'pending'"};
const Sql kRecordFailure{
    .text = "UPDATE outbox_pending SET attempts = ?1, next_attempt_at = ?2, last_error = ?3 "
            "WHERE seq = ?4",
    .postgres = "UPDATE outbox SET attempts = ?1, next_attempt_at = ?2, last_error = ?3 "
                "WHERE seq = ?4 AND state = 'pending'"};
const Sql kLeaveQueue{
    .text = "DELETE FROM outbox_pending WHERE seq = ?1",
    .postgres = "UPDATE outbox SET state = 'dead', attempts = ?2, last_error = ?3 "
                "WHERE seq = ?1 AND state = 'pending'"};
const Sql kInsertDeadLetter{
    "INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, parked_behind) "
    "SELECT seq, key, CAST(?1 AS INTEGER), CAST(?2 AS TEXT), CAST(?3 AS BIGINT), "
    "CAST(?4 AS BIGINT) FROM outbox WHERE seq = ?5"};
const Sql kAnyDeadLetter{"SELECT EXISTS (SELECT 1 FROM outbox_dead_letters)"};
const Sql kFirstDeadLetterOfKey{
    "SELECT seq FROM outbox_dead_letters WHERE key = ?1 ORDER BY seq LIMIT 1"};
const Sql kFirstDeadLetters{
    .text = "",  // SQLite looks keys up one by one (kFirstDeadLetterOfKey): no round trips
    .postgres = "SELECT key, min(seq) FROM outbox_dead_letters "
                "WHERE key = ANY(CAST(?1 AS TEXT[])) GROUP BY key ORDER BY key"};
const Sql kRequeue{
    .text = "INSERT INTO outbox_pending(seq, key) SELECT seq, key FROM outbox_dead_letters "
            "WHERE CAST(?1 AS TEXT) = '' OR key = ?1",
    .postgres = "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0, "
                "last_error = '' WHERE seq IN (SELECT seq FROM outbox_dead_letters "
                "WHERE CAST(?1 AS TEXT) = '' OR key = ?1)"};
const Sql kDeleteDeadLetters{
    "DELETE FROM outbox_dead_letters WHERE CAST(?1 AS TEXT) = '' OR key = ?1"};
// Every row is pending, delivered or dead. SQLite: pending ones have an outbox_pending row, dead
// ones a dead-letter row, delivered ones neither. PostgreSQL: the state column says.
const Sql kCountStates{
    .text = "SELECT (SELECT count(*) FROM outbox_pending), "
            "(SELECT count(*) FROM outbox) - (SELECT count(*) FROM outbox_pending) - "
            "(SELECT count(*) FROM outbox_dead_letters), "
            "(SELECT count(*) FROM outbox_dead_letters)",
    .postgres = "SELECT count(*) FILTER (WHERE state = 'pending'), "
                "count(*) FILTER (WHERE state = 'delivered'), "
                "(SELECT count(*) FROM outbox_dead_letters) FROM outbox"};
const Sql kOldestPending{
    .text = "SELECT o.occurred_at FROM outbox_pending p CROSS JOIN outbox o ON o.seq = p.seq "
            "ORDER BY p.seq LIMIT 1",
    .postgres = "SELECT o.occurred_at FROM outbox o WHERE o.state = 'pending' "
                "ORDER BY o.seq LIMIT 1"};

// The relay's figures without counting the backlog: every column is a min/max seek on a primary
// key or the pending index (SQLite: outbox_pending's rowid; PostgreSQL: the partial index
// outbox_pending), or a count over a seq range of at most ?1 seqs from the first pending row /
// dead letter. Each column is its own scalar subquery so that SQLite answers each min()/max() as
// one index seek (it does not for two aggregates in one SELECT).
std::string positions_sql(const std::string& pending) {
  const std::string first_pending = "(SELECT min(seq) FROM " + pending + ")";
  const std::string first_dead = "(SELECT min(seq) FROM outbox_dead_letters)";
  return "SELECT coalesce(" + first_pending + ", 0), "
         "coalesce((SELECT occurred_at FROM outbox WHERE seq = " + first_pending + "), 0), "
         "coalesce((SELECT max(seq) FROM outbox), 0), "
         "(SELECT count(*) FROM " + pending + (pending == "outbox_pending" ? " WHERE" : " AND") +
         " seq >= " + first_pending + " AND seq < " + first_pending + " + CAST(?1 AS BIGINT)), "
         "coalesce(" + first_dead + ", 0), "
         "coalesce((SELECT max(seq) FROM outbox_dead_letters), 0), "
         "(SELECT count(*) FROM outbox_dead_letters WHERE seq >= " + first_dead +
         " AND seq < " + first_dead + " + CAST(?1 AS BIGINT))";
}
const Sql kPositions{.text = positions_sql("outbox_pending"),
                     .postgres = positions_sql("outbox WHERE state = 'pending'")};

void append_number(std::string& out, std::int64_t n) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, n).ptr);
}

}  // namespace

std::vector<PendingEvent> Transaction::read_due_events(Timestamp now, std::int64_t after_seq,
                                                       int limit) {
  bool waiting = true;
  if (!postgres(session_)) {
    Query probe(session_, kAnyWaiting);
    probe.bind(1, now);
    waiting = probe.single_int64(1) != 0;
  }
  Query q(session_, waiting ? kDue : kDueNoneWaiting);
  q.bind(1, now).bind(2, limit).bind(3, after_seq);
  std::vector<PendingEvent> out;
  out.reserve(static_cast<std::size_t>(std::clamp(limit, 0, 10'000)));
  while (q.step()) {
    out.push_back(
        PendingEvent{event_from(q), static_cast<int>(q.int64(9)), q.int64(10), q.text(11)});
  }
  return out;
}

std::int64_t Transaction::count_pending_events(std::int64_t after_seq, std::int64_t through_seq) {
  Query q(session_, kCountPending);
  q.bind(1, after_seq).bind(2, through_seq);
  return q.single_int64();
}

std::int64_t Transaction::mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                               Timestamp now) {
  if (seqs.empty()) return 0;
  std::string array;  // the seqs (SQLite: those outside runs) as a JSON / PostgreSQL array
  std::int64_t changed = 0;
  if (postgres(session_)) {
    for (const std::int64_t seq : seqs) {
      array += array.empty() ? '{' : ',';
      append_number(array, seq);
    }
    array += '}';
  } else {
    // A relay's batch is mostly runs of consecutive seqs: each run goes in one range delete
    // (every seq of the range is in `seqs`, so no other row is touched; ~0.13 us a row), the
    // seqs outside runs in one delete over a JSON array (~0.8 us a row).
    std::vector<std::int64_t> sorted(seqs);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    constexpr std::size_t kRun = 4;  // shorter runs join the array
    for (std::size_t i = 0; i < sorted.size();) {
      std::size_t j = i + 1;
      while (j < sorted.size() && sorted[j] == sorted[j - 1] + 1) ++j;
      if (j - i >= kRun) {
        Query q(session_, kDeliverRange);
        changed += q.bind(1, sorted[i]).bind(2, sorted[j - 1]).run();
      } else {
        for (std::size_t k = i; k < j; ++k) {
          array += array.empty() ? '[' : ',';
          append_number(array, sorted[k]);
        }
      }
      i = j;
    }
    if (!array.empty()) array += ']';
  }
  if (!array.empty()) {
    Query q(session_, kDeliverArray);
    q.bind(1, array);
    if (postgres(session_)) q.bind(2, now);  // SQLite keeps no delivery time
    changed += q.run();
  }
  return changed;
}

bool Transaction::try_record_event_failure(std::int64_t seq, int attempts,
                                           Timestamp next_attempt_at, const std::string& error) {
  Query q(session_, kRecordFailure);
  return q.bind(1, attempts).bind(2, next_attempt_at).bind(3, error).bind(4, seq).run() > 0;
}

bool Transaction::try_dead_letter_event(std::int64_t seq, int attempts, const std::string& error,
                                        Timestamp now, std::int64_t parked_behind) {
  {
    Query leave(session_, kLeaveQueue);
    leave.bind(1, seq);
    if (postgres(session_)) leave.bind(2, attempts).bind(3, error);  // kept on the row
    if (leave.run() == 0) return false;
  }
  Query insert(session_, kInsertDeadLetter);
  insert.bind(1, attempts).bind(2, error).bind(3, now).bind(4, parked_behind).bind(5, seq).run();
  return true;
}

std::vector<std::pair<std::string, std::int64_t>> Transaction::find_first_dead_letters(
    const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (keys.empty()) return out;
  if (postgres(session_)) {
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
    Query q(session_, kFirstDeadLetters);
    q.bind(1, array);
    while (q.step()) out.emplace_back(q.text(0), q.int64(1));
    return out;
  }
  {
    Query any(session_, kAnyDeadLetter);
    if (any.single_int64() == 0) return out;  // the usual case: no dead letters at all
  }
  std::vector<std::string> sorted(keys);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (const std::string& key : sorted) {  // in-process lookups on (key, seq), no round trips
    Query q(session_, kFirstDeadLetterOfKey);
    q.bind(1, key);
    if (q.step()) out.emplace_back(key, q.int64(0));
  }
  return out;
}

std::int64_t Transaction::requeue_dead_letters(const std::string& key) {
  std::int64_t moved = 0;
  {
    Query requeue(session_, kRequeue);
    moved = requeue.bind(1, key).run();
  }
  Query remove(session_, kDeleteDeadLetters);
  remove.bind(1, key).run();
  return moved;
}

OutboxCounts Transaction::count_outbox() {
  OutboxCounts counts;
  {
    Query q(session_, kCountStates);
    if (q.step()) {
      counts.pending = q.int64(0);
      counts.delivered = q.int64(1);
      counts.dead_letters = q.int64(2);
    }
  }
  Query oldest(session_, kOldestPending);
  if (oldest.step()) counts.oldest_pending_at = oldest.int64(0);
  return counts;
}

OutboxPositions Transaction::read_outbox_positions(std::int64_t count_cap) {
  OutboxPositions p;
  Query q(session_, kPositions);
  q.bind(1, count_cap);
  if (q.step()) {
    p.oldest_pending_seq = q.int64(0);
    p.oldest_pending_at = q.int64(1);
    p.last_seq = q.int64(2);
    p.pending_in_window = q.int64(3);
    p.first_dead_seq = q.int64(4);
    p.last_dead_seq = q.int64(5);
    p.dead_in_window = q.int64(6);
  }
  return p;
}

}  // namespace commerce
