// commerce/outbox_relay.h: drains the transactional outbox to an EventSink.
//
//   commerce::JsonLinesSink sink("events.jsonl");
//   commerce::OutboxRelay relay(*store, sink);
//   relay.drain();                        // publish everything due now
//   auto figures = relay.stats();         // pending, lag (age, seqs), dead letters
//
// Delivery: events are published in outbox order; a row is marked delivered only after the sink
// acknowledges it, in a transaction after the publish. A crash between the publish and that
// mark re-sends the event later with the same id (at-least-once; consumers dedupe by id).
// With a sink that acknowledges asynchronously (EventSink::begin_publish(), e.g. KafkaSink),
// drain() and run() publish the next batches while earlier ones wait for their
// acknowledgements and record each batch in order; if one reports a failure, the events of that
// key in the batches published after it are not marked either (they are re-sent after it).
// Recording a batch and claiming the next share one transaction. A sink that publishes in the
// background (EventSink::publishes_in_background()) is handed the batches from a publisher
// thread of the relay's own, in claim order.
//
// Failures: a failed event is retried after a backoff that doubles from backoff_initial_ms up
// to backoff_max_ms. While an event waits, later events of its key wait behind it; events of
// other keys keep flowing. After max_attempts failed attempts the event moves to the
// dead-letter table. Chosen rule for per-key order: later events of that key are then parked
// in the dead-letter table as well (DeadLetter::parked_behind names the blocking event), so
// per-key order is never violated and no key blocks another. retry_dead_letters() moves a key's
// dead letters (or all) back to pending, in their original order.
//
// Several relays (threads or processes) on one store are safe: a relay publishes only while it
// holds the store's "outbox-relay" lease (a conditional update, renewed on every batch and
// re-checked in the transaction that marks rows delivered), so exactly one relay delivers at a
// time and the others stand by, taking over when the lease expires (lease_ms after the holder's
// last batch; a crashed holder is replaced after at most lease_ms). A relay that lost its lease
// mid-batch marks nothing; the new holder re-sends those events (same ids).
//
// Thread safety: one OutboxRelay object may be used from several threads (its calls are
// serialized by a mutex); stats(), dead_letters() and retry_dead_letters() may run at any time.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <unordered_set>
#include <vector>

#include "commerce/clock.h"
#include "commerce/event_sink.h"
#include "commerce/outbox.h"

namespace commerce {

class Storage;
class Store;
class Transaction;

namespace detail {
struct RelayAccess;
}

struct RelayOptions {
  int batch_size = 100;                  // events per publish, 1..10000
  int max_attempts = 5;                  // failed attempts before dead-lettering, >= 1
  std::int64_t backoff_initial_ms = 200;  // wait after the first failure, >= 0
  std::int64_t backoff_max_ms = 60'000;   // cap of the doubling wait, >= backoff_initial_ms
  std::int64_t lease_ms = 30'000;         // how long a relay's lease lasts without renewal, > 0
  std::int64_t idle_poll_ms = 200;        // run(): sleep between polls when nothing is due
  // Lease owner id; default: a new unique id. Give a stable one (e.g. the host name) so a
  // restarted relay takes its own lease back at once instead of waiting lease_ms.
  std::string owner;
};

// What one batch did.
struct RelayBatch {
  bool leader = false;         // false: another relay holds the lease; nothing was done
  int published = 0;           // events handed to the sink
  int delivered = 0;           // acknowledged and marked delivered
  int failed = 0;              // failed, to be retried after backoff
  int dead_lettered = 0;       // moved to the dead-letter table (failed max_attempts times)
  int parked = 0;              // moved to the dead-letter table behind an earlier dead letter
  // The sink's error of the last failed or dead-lettered attempt (empty if none): why events
  // are not getting through, without reading the rows.
  std::string last_error;
  bool progressed() const { return delivered + failed + dead_lettered + parked > 0; }
};

// Progress and lag figures (OutboxRelay::stats()), read with index seeks: their cost does not
// grow with the backlog. Counts are exact up to a cap: the pending rows are counted among the
// `count_cap` seqs from the oldest pending one (every pending row when lag_seqs <= count_cap),
// the dead letters likewise from the first dead letter.
//
// Changed in issue 16: `delivered` (the count of delivered rows, which needed a count of the
// whole outbox) is gone; delivered_through_seq, last_seq and lag_seqs say how far delivery got.
// The exact counts of every state remain available, at O(n) cost, from
// Store::run_unit([](Unit& u) { return u.events().counts(); }) (OutboxCounts).
struct RelayStats {
  // Pending events (neither delivered nor dead-lettered). Exact when pending_capped is false;
  // otherwise a lower bound (the pending events among the first count_cap seqs of the backlog),
  // and lag_seqs is an upper bound.
  std::int64_t pending = 0;
  bool pending_capped = false;            // lag_seqs > count_cap: pending was not fully counted
  std::int64_t oldest_pending_seq = 0;    // 0 if nothing is pending
  std::int64_t last_seq = 0;              // the newest stored event's seq; 0 if there is none
  // last_seq - oldest_pending_seq + 1 if anything is pending, else 0: the events written since
  // the oldest pending one, inclusive (each pending, delivered after it, or dead).
  std::int64_t lag_seqs = 0;
  // Every event with seq <= this is delivered or dead-lettered (oldest_pending_seq - 1, or
  // last_seq if nothing is pending).
  std::int64_t delivered_through_seq = 0;
  // Rows in the dead-letter table: exact when dead_letters_capped is false; otherwise a lower
  // bound (those among the first count_cap seqs from the first dead letter).
  std::int64_t dead_letters = 0;
  bool dead_letters_capped = false;
  Timestamp oldest_pending_at = 0;         // occurred_at of the oldest pending; 0 if none
  std::int64_t oldest_pending_age_ms = 0;  // now - oldest_pending_at, 0 if nothing is pending

  // The default cap of the counts: 10,000 seqs cost ~1 ms on SQLite, a few on PostgreSQL.
  static constexpr std::int64_t kDefaultCountCap = 10'000;
  static constexpr std::int64_t kMaxCountCap = 100'000'000;
};

class OutboxRelay {
 public:
  // The relay of a store: uses its storage and clock. `store` and `sink` must outlive it.
  // Errors: InvalidArgument naming the RelayOptions field that is out of range.
  OutboxRelay(Store& store, EventSink& sink, RelayOptions options = {});
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Publishes at most one batch of due events and records the outcome. Returns what it did;
  // leader = false if another relay holds the lease. Sink failures never throw (they are
  // recorded on the rows); storage errors do (Unavailable: call again later).
  RelayBatch run_once();

  // Publishes batches as run_once() does until nothing is due, the relay is not the leader or
  // `max_batches` batches were claimed (pipelined over an asynchronous sink; see above).
  // Returns the sums.
  RelayBatch drain(int max_batches = 1'000'000);

  // Runs until `stop` is requested: drains, then sleeps idle_poll_ms (real time) whenever
  // nothing was due. Calls `on_batch` (if set) after each batch that progressed. Releases the
  // lease on return. Storage errors are retried after idle_poll_ms.
  void run(std::stop_token stop, const std::function<void(const RelayBatch&)>& on_batch = {});

  // The outbox's lag and counts (see RelayStats): one read unit of index seeks plus counts over
  // at most `count_cap` seqs, whatever the backlog. The pending and dead-letter counts are
  // exact when they fit the cap (pending_capped / dead_letters_capped false).
  // Errors: InvalidArgument naming "count_cap" unless 1 <= count_cap <= kMaxCountCap;
  // Unavailable if the storage is. Thread-safe; does not wait for a running drain().
  RelayStats stats(std::int64_t count_cap = RelayStats::kDefaultCountCap) const;

  // Dead letters with seq > after_seq, by seq, at most `limit` (1..1000).
  // Errors: InvalidArgument naming "limit".
  std::vector<DeadLetter> dead_letters(std::int64_t after_seq = 0, int limit = 100) const;

  // Moves the dead letters of `key` (every key if empty) back to pending, attempts reset, due
  // now, in their original order. Returns how many moved. Idempotent.
  std::int64_t retry_dead_letters(const std::string& key = {});

  // Gives up the lease now so a standby relay can take over at once.
  void release_lease();

  const RelayOptions& options() const { return options_; }

  // The lease every relay of a store competes for.
  static constexpr const char* kLeaseName = "outbox-relay";

 private:
  friend struct detail::RelayAccess;
  // Over any storage adapter and clock (the library's tests wrap the store's storage).
  OutboxRelay(Storage& storage, const Clock& clock, EventSink& sink, RelayOptions options);

  struct Flight;  // a claimed batch, handed to the sink, waiting for its acknowledgements
  using Flights = std::deque<std::unique_ptr<Flight>>;
  class Publisher;  // hands batches to a sink that publishes in the background, from a thread

  std::int64_t backoff_ms(int attempts) const;
  // Parks events behind dead letters and picks the next batch after the rows of `in_flight`
  // (which hold `events_in_flight` events) into `flight`. Runs inside transact().
  void claim(Transaction& tx, Flight& flight, const Flights& in_flight,
             std::int64_t events_in_flight, Timestamp now);
  // Hands the flight's batch to the sink (outside any transaction); marks the flight begun.
  void publish(Flight& flight);
  // Waits for the flight's acknowledgements and works out what to record. Events of
  // `stopped_keys` count as not attempted; keys with an event that was not acknowledged are
  // added to it.
  void collect(Flight& flight, std::unordered_set<std::string>& stopped_keys);
  // Marks the flight's acknowledged rows delivered and records its failures. Runs inside
  // transact().
  void record(Transaction& tx, Flight& flight, Timestamp now);
  // One write transaction: takes or renews the lease, records the flights of `done` (in order),
  // then claims the next batch into `next` (if not null), so a batch's deliveries and the next
  // claim cost one commit. Without the lease it does nothing and returns false.
  bool transact(const std::vector<Flight*>& done, Flight* next, const Flights& in_flight,
                std::int64_t events_in_flight);
  // Publishes batches until nothing is due, the lease is lost, `stop` is requested or
  // `max_batches` batches were claimed. With a sink that acknowledges asynchronously, claims
  // and publishes the next batches while earlier ones wait for their acknowledgements.
  // Calls `on_batch` after each batch that progressed.
  RelayBatch pump(int max_batches, const std::stop_token& stop,
                  const std::function<void(const RelayBatch&)>& on_batch);

  Storage& storage_;
  const Clock& clock_;
  EventSink& sink_;
  RelayOptions options_;
  std::mutex mu_;
  Publisher* publisher_ = nullptr;  // pump()'s, while it runs (under mu_)
};

}  // namespace commerce
