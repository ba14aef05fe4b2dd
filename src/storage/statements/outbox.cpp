// Statements of the outbox (appending and reading events, dead letters listed), the relay's
// leases and the inbox. The delivery queue, whose layout differs between the dialects, is in
// outbox_queue.cpp.
#include "event_key_lock.h"
#include "outbox_rows.h"
#include "query.h"
#include "row_batch.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::RowBatch;
using statements::event_from;
using statements::event_key_lock;
using statements::kEventColumns;
using statements::kEventKeyLockSpace;

namespace {

// SQLite: the event's seq is its rowid, read back with last_insert_rowid() (RETURNING cost
// ~30k instructions an event more), and the pending row goes into the narrow queue table
// outbox_pending beside the event. PostgreSQL: seq comes from a sequence, handed out at insert
// time, not at commit. The lock of the event's key (event_key_lock.h, held until commit) makes a
// later unit wait before taking a seq for the same key, so per key, seq order is commit order
// and the relay never sees a later event of a key committed before an earlier one.
const Sql kAppendEvent{
    .text = "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, "
            "payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    .postgres = "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, "
                "request_id, payload) "
                "SELECT CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(?3 AS INTEGER), "
                "CAST(?4 AS TEXT), CAST(?5 AS TEXT), CAST(?6 AS BIGINT), CAST(?7 AS TEXT), "
                "CAST(?8 AS TEXT) "
                "FROM (SELECT " + event_key_lock("?5") + ") AS key_lock RETURNING seq",
    .follows_late = true};
const Sql kLastSeq{"SELECT last_insert_rowid()"};
const Sql kInsertPending{"INSERT INTO outbox_pending(seq, key) VALUES(?1, ?2)"};
// A unit's queued events. Both dialects insert them with one multi-row statement (seq: SQLite's
// rowid, consecutive within it; PostgreSQL's sequence, taken in row order). SQLite then queues
// the rows it just appended (seq first..last) for delivery; PostgreSQL first takes the keys'
// advisory locks (see kAppendEvent), in one statement and in one order (by hash), so two units
// appending to the same keys cannot deadlock on them, and only once the unit's late statements
// are sent (Sql::follows_late). Every unit so takes a product's key (which a stock statement
// takes before its row, stock.cpp), then its stock rows, then its other keys.
const RowBatch kAppendEvents{
    "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, payload) "
    "VALUES",
    8};
const Sql kQueueAppended{
    "INSERT INTO outbox_pending(seq, key) SELECT seq, key FROM outbox WHERE seq BETWEEN ?1 AND ?2"};
const RowBatch kLockEventKeys{
    std::string("SELECT count(pg_advisory_xact_lock(") + kEventKeyLockSpace +
        ", h)) FROM (SELECT DISTINCT "
    "hashtext(CAST(k AS TEXT)) AS h FROM (VALUES",
    1, ") AS keys(k) ORDER BY h) AS sorted", false, /*follows_late=*/true};
const Sql kReadOutbox{"SELECT " + kEventColumns + " FROM outbox o WHERE o.seq > ?1 "
                      "ORDER BY o.seq LIMIT ?2"};
const Sql kListDeadLetters{"SELECT " + kEventColumns +
                           ", d.attempts, d.last_error, d.dead_at, d.parked_behind "
                           "FROM outbox_dead_letters d JOIN outbox o ON o.seq = d.seq "
                           "WHERE d.seq > ?1 ORDER BY d.seq LIMIT ?2"};
const Sql kAcquireLease{
    "INSERT INTO leases(name, owner, until) VALUES(?1, ?2, ?4) "
    "ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, until = excluded.until "
    "WHERE leases.owner = excluded.owner OR leases.until <= ?3"};
const Sql kReleaseLease{"DELETE FROM leases WHERE name = ?1 AND owner = ?2"};
const Sql kInsertInbox{
    "INSERT INTO inbox(message_id, type, fingerprint, received_at) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(message_id) DO NOTHING"};
const Sql kFindInbox{
    .text = "SELECT message_id, type, fingerprint, received_at FROM inbox WHERE message_id = ?1",
    .lock_rows = true};
const Sql kCountInbox{"SELECT count(*) FROM inbox"};

}  // namespace

void Transaction::savepoint(const std::function<void()>& work) {
  const std::size_t queued = queued_events_.size();
  try {
    session_.savepoint(work);
  } catch (...) {
    queued_events_.erase(queued_events_.begin() + static_cast<std::ptrdiff_t>(queued),
                         queued_events_.end());
    throw;
  }
}

void Transaction::flush_events() {
  if (queued_events_.empty()) return;
  const std::vector<Event> events = std::move(queued_events_);
  queued_events_.clear();
  const bool sqlite = session_.dialect() == SqlDialect::kSqlite;
  if (!sqlite) {
    kLockEventKeys.insert_later(session_, events,
                          [](Query& q, int at, const Event& e) { q.bind(at, e.key); });
  }
  kAppendEvents.insert_later(session_, events, [](Query& q, int at, const Event& e) {
    q.bind(at, e.id).bind(at + 1, e.type).bind(at + 2, e.schema_version).bind(at + 3, e.topic);
    q.bind(at + 4, e.key).bind(at + 5, e.occurred_at).bind(at + 6, e.request_id);
    q.bind(at + 7, e.payload);
  });
  if (!sqlite) return;
  std::int64_t last = 0;
  {
    Query q(session_, kLastSeq);
    last = q.single_int64();
  }
  Query pending(session_, kQueueAppended);
  pending.bind(1, last - static_cast<std::int64_t>(events.size()) + 1).bind(2, last).run();
}

std::int64_t Transaction::append_event(const Event& e) {
  flush_events();
  const bool sqlite = session_.dialect() == SqlDialect::kSqlite;
  std::int64_t seq = 0;
  {
    Query q(session_, kAppendEvent);
    q.bind(1, e.id).bind(2, e.type).bind(3, e.schema_version).bind(4, e.topic).bind(5, e.key);
    q.bind(6, e.occurred_at).bind(7, e.request_id).bind(8, e.payload);
    if (!sqlite) return q.single_int64();
    q.run();
  }
  {
    Query last(session_, kLastSeq);
    seq = last.single_int64();
  }
  Query pending(session_, kInsertPending);
  pending.bind(1, seq).bind(2, e.key).run();
  return seq;
}

std::vector<Event> Transaction::read_outbox(std::int64_t after_seq, int limit) {
  flush_events();
  Query q(session_, kReadOutbox);
  q.bind(1, after_seq).bind(2, limit);
  std::vector<Event> out;
  while (q.step()) out.push_back(event_from(q));
  return out;
}

std::vector<DeadLetter> Transaction::list_dead_letters(std::int64_t after_seq, int limit) {
  Query q(session_, kListDeadLetters);
  q.bind(1, after_seq).bind(2, limit);
  std::vector<DeadLetter> out;
  while (q.step()) {
    out.push_back(DeadLetter{event_from(q), static_cast<int>(q.int64(9)), q.text(10), q.int64(11),
                             q.int64(12)});
  }
  return out;
}

bool Transaction::try_acquire_lease(const std::string& name, const std::string& owner,
                                    Timestamp now, Timestamp until) {
  Query q(session_, kAcquireLease);
  return q.bind(1, name).bind(2, owner).bind(3, now).bind(4, until).run() > 0;
}

void Transaction::release_lease(const std::string& name, const std::string& owner) {
  Query q(session_, kReleaseLease);
  q.bind(1, name).bind(2, owner).run_later();
}

bool Transaction::insert_inbox_message(const InboxRecord& r) {
  Query q(session_, kInsertInbox);
  return q.bind(1, r.message_id).bind(2, r.type).bind(3, r.fingerprint).bind(4, r.received_at)
             .run() > 0;
}

std::optional<InboxRecord> Transaction::find_inbox_message(const std::string& message_id) {
  Query q(session_, kFindInbox);
  q.bind(1, message_id);
  if (!q.step()) return std::nullopt;
  return InboxRecord{q.text(0), q.text(1), q.text(2), q.int64(3)};
}

std::int64_t Transaction::count_inbox_messages() {
  Query q(session_, kCountInbox);
  return q.single_int64();
}

}  // namespace commerce
