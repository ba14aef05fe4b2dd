#include "commerce/outbox_relay.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "commerce/error.h"
#include "events/exception_text.h"
#include "commerce/ids.h"
#include "commerce/store.h"
#include "domain/metrics_recorder.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {

namespace {

using detail::what_of;

void check_options(const RelayOptions& o) {
  if (o.batch_size < 1 || o.batch_size > 10'000) {
    throw Error::invalid_argument("batch_size", "must be 1..10000");
  }
  if (o.max_attempts < 1) throw Error::invalid_argument("max_attempts", "must be at least 1");
  if (o.backoff_initial_ms < 0) {
    throw Error::invalid_argument("backoff_initial_ms", "must not be negative");
  }
  if (o.backoff_max_ms < o.backoff_initial_ms) {
    throw Error::invalid_argument("backoff_max_ms", "must be at least backoff_initial_ms");
  }
  if (o.lease_ms <= 0) throw Error::invalid_argument("lease_ms", "must be positive");
  if (o.idle_poll_ms < 0) throw Error::invalid_argument("idle_poll_ms", "must not be negative");
}

RelayOptions with_owner(RelayOptions options, const Clock& clock) {
  if (options.owner.empty()) options.owner = "relay-" + new_id(clock.now());
  return options;
}

// Sink error texts are stored on rows; keep them short.
std::string clip(std::string text) {
  constexpr std::size_t kMax = 1000;
  if (text.size() > kMax) text.resize(kMax);
  return text;
}

}  // namespace

OutboxRelay::OutboxRelay(Store& store, EventSink& sink, RelayOptions options)
    : OutboxRelay(detail::storage_of(store), store.clock(), sink, std::move(options)) {}

OutboxRelay::OutboxRelay(Storage& storage, const Clock& clock, EventSink& sink,
                         RelayOptions options)
    : storage_(storage), clock_(clock), sink_(sink), options_(with_owner(std::move(options), clock)) {
  check_options(options_);
}

OutboxRelay::~OutboxRelay() = default;

std::int64_t OutboxRelay::backoff_ms(int attempts) const {
  std::int64_t wait = options_.backoff_initial_ms;
  for (int i = 1; i < attempts && wait < options_.backoff_max_ms; ++i) wait *= 2;
  return std::min(wait, options_.backoff_max_ms);
}

struct OutboxRelay::Flight {
  RelayBatch claimed;                       // leader and parked, as the claim found them
  std::vector<Event> batch;                 // by seq; must not move while `pending` lives
  std::vector<int> attempts;                // failed attempts of each event so far
  std::unique_ptr<PendingPublish> pending;  // null if nothing was published or starting failed
  std::string publish_error;                // why starting the publish failed, if it did
  // publish() is done with it: `pending` and `publish_error` are set (by the publisher thread,
  // if there is one; read only after this is true).
  std::atomic<bool> begun = false;
  // Filled by collect(): the outcome, known once the acknowledgements are in.
  RelayBatch result;
  std::vector<Ack> acks;
  std::vector<std::int64_t> acked;          // seqs to mark delivered

  bool holds(std::int64_t seq) const {
    auto it = std::lower_bound(batch.begin(), batch.end(), seq,
                               [](const Event& e, std::int64_t s) { return e.seq < s; });
    return it != batch.end() && it->seq == seq;
  }
  // The outcome is known: recording it will not wait.
  bool ready() const { return begun && (pending == nullptr || pending->done()); }
  // Empties it before a claim, or after one that found the lease gone.
  void clear_claim() {
    batch.clear();
    attempts.clear();
    claimed = {};
  }
  // Its outcome was not recorded (the lease is gone): nothing of it counts, all is re-sent.
  void unrecorded() {
    result.leader = false;
    result.delivered = result.failed = result.dead_lettered = 0;
  }
};

// Hands claimed batches to a sink that publishes in the background
// (EventSink::publishes_in_background()) from a thread of its own, in claim order, so that
// building and sending one batch overlaps with recording the batches before it and claiming
// the next one. Destroying it waits until every submitted batch was handed over.
class OutboxRelay::Publisher {
 public:
  explicit Publisher(OutboxRelay& relay) : relay_(relay), thread_([this] { loop(); }) {}
  ~Publisher() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    work_.notify_all();
    thread_.join();
  }
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  void submit(Flight& flight) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(&flight);
    }
    work_.notify_all();
  }
  // Returns once the sink took `flight` (publish() returned for it).
  void wait_begun(const Flight& flight) {
    if (flight.begun) return;
    std::unique_lock lock(mu_);
    handed_.wait(lock, [&] { return flight.begun.load(); });
  }
  // Returns once every submitted flight was handed to the sink.
  void wait_idle() {
    std::unique_lock lock(mu_);
    handed_.wait(lock, [&] { return queue_.empty() && !busy_; });
  }

 private:
  void loop() {
    for (;;) {
      Flight* flight = nullptr;
      {
        std::unique_lock lock(mu_);
        work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopped, and everything was handed over
        flight = queue_.front();
        queue_.pop_front();
        busy_ = true;
      }
      relay_.publish(*flight);  // never throws: a failure is kept in the flight
      {
        std::lock_guard lock(mu_);  // so that wait_begun() cannot miss the notification
        busy_ = false;
      }
      handed_.notify_all();
    }
  }

  OutboxRelay& relay_;
  std::mutex mu_;
  std::condition_variable work_;
  std::condition_variable handed_;
  std::deque<Flight*> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the rest is built
};

void OutboxRelay::claim(Transaction& tx, Flight& f, const Flights& in_flight,
                        std::int64_t events_in_flight, Timestamp now) {
  f.clear_claim();
  f.claimed.leader = true;
  // Whether every pending row up to the newest in flight (after_seq) is in flight. The seqs in
  // flight, in claim order, are usually a few runs of consecutive numbers: a pending row that
  // is not in flight then lies in a gap before or between runs, and a look at each gap (an
  // empty range, found by one seek) answers. Otherwise the pending rows up to after_seq are
  // counted (the whole window: ~0.2 us a row on SQLite).
  constexpr std::size_t kMaxGaps = 8;
  std::int64_t after_seq = 0;  // the newest row in flight
  std::vector<std::pair<std::int64_t, std::int64_t>> gaps;  // (after, through), up to kMaxGaps + 1
  bool ascending = true;
  for (const auto& other : in_flight) {
    for (const Event& e : other->batch) {
      if (e.seq <= after_seq) ascending = false;
      if (ascending && e.seq != after_seq + 1 && gaps.size() <= kMaxGaps) {
        gaps.emplace_back(after_seq, e.seq - 1);
      }
      after_seq = std::max(after_seq, e.seq);
    }
  }
  const bool all_in_flight =
      after_seq == 0 ||
      (ascending && gaps.size() <= kMaxGaps
           ? std::none_of(gaps.begin(), gaps.end(),
                          [&](const auto& gap) {
                            return tx.count_pending_events(gap.first, gap.second) > 0;
                          })
           : tx.count_pending_events(0, after_seq) == events_in_flight);
  std::vector<PendingEvent> rows;
  if (all_in_flight) {
    // Every pending row up to the newest in flight is in flight: read past them.
    rows = tx.read_due_events(now, after_seq, options_.batch_size);
  } else {
    // Some pending row before the newest in flight is not in flight (a retry came due, a
    // dead letter was re-queued, a row committed late): read from the start, past the rows
    // in flight, so that row goes first.
    const int limit = options_.batch_size + static_cast<int>(events_in_flight);
    for (auto& row : tx.read_due_events(now, 0, limit)) {
      const std::int64_t seq = row.event.seq;
      if (std::any_of(in_flight.begin(), in_flight.end(),
                      [&](const auto& other) { return other->holds(seq); })) {
        continue;
      }
      if (rows.size() == static_cast<std::size_t>(options_.batch_size)) break;
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) return;
  std::vector<std::string> keys;
  {
    std::unordered_set<std::string_view> seen;
    seen.reserve(rows.size());
    for (const auto& row : rows) {
      if (seen.insert(row.event.key).second) keys.push_back(row.event.key);
    }
  }
  std::unordered_map<std::string, std::int64_t> blocked_by;  // key -> first dead letter seq
  for (auto& [key, seq] : tx.find_first_dead_letters(keys)) blocked_by.emplace(key, seq);
  f.batch.reserve(rows.size());
  f.attempts.reserve(rows.size());
  for (auto& row : rows) {
    const std::string& key = row.event.key;
    if (!blocked_by.empty()) {
      if (auto it = blocked_by.find(key); it != blocked_by.end() && it->second < row.event.seq) {
        tx.try_dead_letter_event(
            row.event.seq, row.attempts,
            fmt::format("parked behind dead letter #{} of key '{}'", it->second, key), now,
            it->second);
        ++f.claimed.parked;
        continue;
      }
    }
    f.attempts.push_back(row.attempts);
    f.batch.push_back(std::move(row.event));
  }
}

void OutboxRelay::publish(Flight& f) {
  // Outside any transaction.
  if (!f.batch.empty()) {
    try {
      f.pending = sink_.begin_publish(f.batch);
    } catch (...) {
      f.publish_error = what_of(std::current_exception());
    }
  }
  f.begun = true;
}

void OutboxRelay::collect(Flight& f, std::unordered_set<std::string>& stopped_keys) {
  if (publisher_ != nullptr) publisher_->wait_begun(f);
  f.result = f.claimed;
  f.acked.clear();
  if (f.batch.empty()) return;
  std::vector<Ack>& acks = f.acks;
  if (f.pending) {
    try {
      acks = f.pending->wait();
      if (acks.size() != f.batch.size()) {
        throw Error::internal(fmt::format("sink '{}' returned {} acks for {} events",
                                          sink_.name(), acks.size(), f.batch.size()));
      }
    } catch (...) {
      acks.assign(f.batch.size(), Ack{AckStatus::kFailed, what_of(std::current_exception())});
    }
  } else {
    acks.assign(f.batch.size(), Ack{AckStatus::kFailed, f.publish_error});
  }
  f.result.published = static_cast<int>(f.batch.size());

  // Per key, only the acknowledged prefix counts as delivered, whatever the sink reported.
  f.acked.reserve(f.batch.size());
  for (std::size_t i = 0; i < f.batch.size(); ++i) {
    if (!stopped_keys.empty() && stopped_keys.contains(f.batch[i].key)) {
      // Behind the key's failed head (in this batch or the one before it): not an attempt.
      acks[i].status = AckStatus::kNotAttempted;
      continue;
    }
    if (acks[i].status != AckStatus::kAcked) {
      stopped_keys.insert(f.batch[i].key);
      if (acks[i].status == AckStatus::kNotAttempted) acks[i].status = AckStatus::kFailed;
      continue;
    }
    f.acked.push_back(f.batch[i].seq);
  }
}

void OutboxRelay::record(Transaction& tx, Flight& f, Timestamp now) {
  RelayBatch& result = f.result;
  result.leader = true;
  result.delivered = 0;
  result.failed = result.dead_lettered = 0;
  result.last_error.clear();
  if (f.batch.empty()) return;
  result.delivered = static_cast<int>(tx.mark_events_delivered(f.acked, now));
  detail::count_in_unit(detail::UnitCounter::kRelayDelivered, result.delivered);
  if (result.delivered > 0) {
    for (std::size_t i = 0; i < f.batch.size(); ++i) {
      if (f.acks[i].status == AckStatus::kAcked) {
        detail::observe_lag_in_unit(now - f.batch[i].occurred_at);
      }
    }
  }
  for (std::size_t i = 0; i < f.batch.size(); ++i) {
    if (f.acks[i].status != AckStatus::kFailed) continue;  // acked, or waits behind its key
    const Event& event = f.batch[i];
    const int tried = f.attempts[i] + 1;
    const std::string error = clip(f.acks[i].error.empty() ? "failed" : f.acks[i].error);
    result.last_error = error;
    if (tried >= options_.max_attempts) {
      if (tx.try_dead_letter_event(event.seq, tried, error, now, 0)) ++result.dead_lettered;
    } else if (tx.try_record_event_failure(event.seq, tried, now + backoff_ms(tried), error)) {
      ++result.failed;
    }
  }
  detail::count_in_unit(detail::UnitCounter::kRelayFailed, result.failed);
  detail::count_in_unit(detail::UnitCounter::kRelayDeadLettered, result.dead_lettered);
}

bool OutboxRelay::transact(const std::vector<Flight*>& done, Flight* next,
                           const Flights& in_flight, std::int64_t events_in_flight) {
  bool leader = false;
  const Timestamp now = clock_.now();
  run_unit(storage_, Storage::Access::kWrite, [&](Transaction& tx) {
    leader = tx.try_acquire_lease(kLeaseName, options_.owner, now, now + options_.lease_ms);
    if (!leader) return;
    for (Flight* f : done) record(tx, *f, now);
    if (next != nullptr) claim(tx, *next, in_flight, events_in_flight, now);
  });
  if (!leader) {
    for (Flight* f : done) f->unrecorded();
    if (next != nullptr) next->clear_claim();
  }
  return leader;
}

RelayBatch OutboxRelay::run_once() {
  std::lock_guard lock(mu_);
  Flight f;
  if (!transact({}, &f, {}, 0)) return f.claimed;
  publish(f);
  std::unordered_set<std::string> stopped_keys;
  collect(f, stopped_keys);
  if (f.batch.empty()) return f.result;
  transact({&f}, nullptr, {}, 0);
  return f.result;
}

RelayBatch OutboxRelay::pump(int max_batches, const std::stop_token& stop,
                             const std::function<void(const RelayBatch&)>& on_batch) {
  // Events in flight at most (beyond two batches): enough to cover the acknowledgement
  // latency of a broker at full speed whatever the batch size (a Kafka broker on this machine:
  // 4,000 in flight held batches of 100 to ~250k events/s, 16,000 to ~300k-380k), small enough
  // to bound what a failure re-sends. Claims look past the rows in flight without counting
  // them (see claim()), so the window costs no store work per claim.
  constexpr std::int64_t kMaxEventsInFlight = 16000;
  RelayBatch total;
  auto add = [&](const RelayBatch& batch) {
    total.leader = batch.leader;
    total.published += batch.published;
    total.delivered += batch.delivered;
    total.failed += batch.failed;
    total.dead_lettered += batch.dead_lettered;
    total.parked += batch.parked;
    if (!batch.last_error.empty()) total.last_error = batch.last_error;
    if (batch.progressed() && on_batch) on_batch(batch);
  };
  Flights flights;  // oldest first
  std::int64_t events_in_flight = 0;
  auto pop = [&] {
    std::unique_ptr<Flight> f = std::move(flights.front());
    flights.pop_front();
    events_in_flight -= static_cast<std::int64_t>(f->batch.size());
    return f;
  };
  // Outcomes of everything still in flight, not recorded (the lease is gone): re-sent later.
  auto abandon = [&](std::unordered_set<std::string>& stopped_keys) {
    while (!flights.empty()) {
      auto f = pop();
      collect(*f, stopped_keys);
      f->unrecorded();
      add(f->result);
    }
    total.leader = false;
  };
  // Declared after `flights`, so it is gone (every flight handed over) before they are.
  std::unique_ptr<Publisher> publisher;
  if (sink_.publishes_in_background()) publisher = std::make_unique<Publisher>(*this);
  publisher_ = publisher.get();
  struct Unset {
    Publisher*& p;
    ~Unset() { p = nullptr; }
  } unset{publisher_};
  int claimed = 0;
  bool wait_oldest = false;  // nothing more was due: wait for the oldest flight, then look again
  for (;;) {
    // What to record in this round, oldest first: the flights whose outcome is known, or the
    // oldest (waiting for it) when no other move is possible. If one had a failure, every
    // other flight too: they went out before that outcome was known, so their events of the
    // failed keys must not count (they are re-sent after the failed ones), and the next claim
    // starts afresh from the store.
    std::vector<std::unique_ptr<Flight>> done;
    std::unordered_set<std::string> stopped_keys;
    auto take = [&] {
      done.push_back(pop());
      collect(*done.back(), stopped_keys);
    };
    while (!flights.empty() && flights.front()->ready() && stopped_keys.empty()) take();
    const bool may_claim = claimed < max_batches && !stop.stop_requested();
    if (stopped_keys.empty() && done.empty() && !flights.empty() &&
        (wait_oldest || !may_claim ||
         (flights.size() >= 2 && events_in_flight >= kMaxEventsInFlight))) {
      take();  // waits for its acknowledgements
    }
    while (!stopped_keys.empty() && !flights.empty()) take();
    wait_oldest = false;
    const bool room = flights.size() < 2 || events_in_flight < kMaxEventsInFlight;
    std::unique_ptr<Flight> next;
    if (may_claim && room) next = std::make_unique<Flight>();
    if (done.empty() && next == nullptr) break;  // nothing in flight, nothing to claim

    std::vector<Flight*> to_record;
    for (auto& f : done) to_record.push_back(f.get());
    bool leader = false;
    try {
      leader = transact(to_record, next.get(), flights, events_in_flight);
    } catch (...) {
      // Nothing of this transaction was recorded: what `done` held stays pending, to be re-sent.
      // If `done` was empty (only the claim failed), record what is in flight if the store
      // lets us; otherwise leave it pending too, so no row is marked delivered while an earlier
      // row of its key may still be waiting to be recorded. Then report the error.
      try {
        std::unordered_set<std::string> keys(stopped_keys);
        std::vector<std::unique_ptr<Flight>> rest;
        if (!done.empty()) {
          if (publisher) publisher->wait_idle();
          flights.clear();
        }
        while (!flights.empty()) {
          rest.push_back(pop());
          collect(*rest.back(), keys);
        }
        std::vector<Flight*> records;
        for (auto& f : rest) records.push_back(f.get());
        if (!records.empty() && transact(records, nullptr, {}, 0)) {
          for (Flight* f : records) add(f->result);
        }
      } catch (...) {
        if (publisher) publisher->wait_idle();
        flights.clear();
      }
      throw;
    }
    for (auto& f : done) add(f->result);
    if (!leader) {  // another relay holds the lease: what is in flight is lost
      abandon(stopped_keys);
      break;
    }
    if (next == nullptr) continue;
    ++claimed;
    total.leader = true;
    if (next->batch.empty()) {
      add(next->claimed);  // parked events, if any
      if (next->claimed.parked > 0) continue;
      if (flights.empty()) break;  // nothing due
      wait_oldest = true;
      continue;
    }
    events_in_flight += static_cast<std::int64_t>(next->batch.size());
    flights.push_back(std::move(next));
    Flight& f = *flights.back();
    if (publisher) {
      publisher->submit(f);
    } else {
      publish(f);
    }
  }
  return total;
}

RelayBatch OutboxRelay::drain(int max_batches) {
  std::lock_guard lock(mu_);
  return pump(max_batches, std::stop_token(), {});
}

void OutboxRelay::run(std::stop_token stop, const std::function<void(const RelayBatch&)>& on_batch) {
  std::mutex sleep_mu;
  std::condition_variable_any wake;
  auto sleep = [&] {
    std::unique_lock lock(sleep_mu);
    wake.wait_for(lock, stop, std::chrono::milliseconds(options_.idle_poll_ms), [] { return false; });
  };
  while (!stop.stop_requested()) {
    RelayBatch batch;
    try {
      std::lock_guard lock(mu_);
      batch = pump(std::numeric_limits<int>::max(), stop, on_batch);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnavailable) {
        release_lease();
        throw;
      }
      sleep();
      continue;
    }
    if (!batch.progressed()) sleep();
  }
  release_lease();
}

RelayStats OutboxRelay::stats(std::int64_t count_cap) const {
  if (count_cap < 1 || count_cap > RelayStats::kMaxCountCap) {
    throw Error::invalid_argument("count_cap", fmt::format("must be 1..{}, got {}",
                                                           RelayStats::kMaxCountCap, count_cap));
  }
  OutboxPositions p;
  run_unit(storage_, Storage::Access::kRead,
           [&](Transaction& tx) { p = tx.read_outbox_positions(count_cap); });
  RelayStats stats;
  stats.last_seq = p.last_seq;
  stats.oldest_pending_seq = p.oldest_pending_seq;
  stats.pending = p.pending_in_window;
  if (p.oldest_pending_seq > 0) {
    stats.lag_seqs = std::max<std::int64_t>(1, p.last_seq - p.oldest_pending_seq + 1);
    stats.pending_capped = stats.lag_seqs > count_cap;
    stats.delivered_through_seq = p.oldest_pending_seq - 1;
    stats.oldest_pending_at = p.oldest_pending_at;
    stats.oldest_pending_age_ms = std::max<std::int64_t>(0, clock_.now() - p.oldest_pending_at);
  } else {
    stats.delivered_through_seq = p.last_seq;
  }
  stats.dead_letters = p.dead_in_window;
  stats.dead_letters_capped =
      p.first_dead_seq > 0 && p.last_dead_seq - p.first_dead_seq + 1 > count_cap;
  return stats;
}

std::vector<DeadLetter> OutboxRelay::dead_letters(std::int64_t after_seq, int limit) const {
  if (limit < 1 || limit > 1000) throw Error::invalid_argument("limit", "must be 1..1000");
  if (after_seq < 0) throw Error::invalid_argument("after_seq", "must not be negative");
  return run_unit(storage_, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.list_dead_letters(after_seq, limit); });
}

std::int64_t OutboxRelay::retry_dead_letters(const std::string& key) {
  return run_unit(storage_, Storage::Access::kWrite,
                  [&](Transaction& tx) { return tx.requeue_dead_letters(key); });
}

void OutboxRelay::release_lease() {
  run_unit(storage_, Storage::Access::kWrite,
               [&](Transaction& tx) { tx.release_lease(kLeaseName, options_.owner); });
}

}  // namespace commerce
