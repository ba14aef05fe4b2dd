#include "commerce/outbox_relay.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "commerce/error.h"
#include "events/exception_text.h"
#include "commerce/ids.h"
#include "commerce/store.h"

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
    : OutboxRelay(store.storage(), store.clock(), sink, std::move(options)) {}

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

  bool holds(std::int64_t seq) const {
    auto it = std::lower_bound(batch.begin(), batch.end(), seq,
                               [](const Event& e, std::int64_t s) { return e.seq < s; });
    return it != batch.end() && it->seq == seq;
  }
  // The outcome is known: recording it will not wait.
  bool ready() const { return pending == nullptr || pending->done(); }
};

std::unique_ptr<OutboxRelay::Flight> OutboxRelay::claim_and_publish(const Flights& in_flight,
                                                                    std::int64_t events_in_flight) {
  auto flight = std::make_unique<Flight>();
  Flight& f = *flight;
  const std::string& owner = options_.owner;
  std::int64_t after_seq = 0;  // the newest row in flight
  for (const auto& other : in_flight) {
    if (!other->batch.empty()) after_seq = std::max(after_seq, other->batch.back().seq);
  }
  const Timestamp start = clock_.now();
  storage_.run(Storage::Access::kWrite, [&](Transaction& tx) {
    f.batch.clear();
    f.attempts.clear();
    f.claimed = {};
    if (!tx.try_acquire_lease(kLeaseName, owner, start, start + options_.lease_ms)) return;
    f.claimed.leader = true;
    std::vector<PendingEvent> rows;
    if (after_seq == 0 || tx.count_pending_events(after_seq) == events_in_flight) {
      // Every pending row up to the newest in flight is in flight: read past them.
      rows = tx.read_due_events(start, after_seq, options_.batch_size);
    } else {
      // Some pending row before the newest in flight is not in flight (a retry came due, a
      // dead letter was re-queued, a row committed late): read from the start, past the rows
      // in flight, so that row goes first.
      const int limit = options_.batch_size + static_cast<int>(events_in_flight);
      for (auto& row : tx.read_due_events(start, 0, limit)) {
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
      for (const auto& row : rows) {
        if (seen.insert(row.event.key).second) keys.push_back(row.event.key);
      }
    }
    std::unordered_map<std::string, std::int64_t> blocked_by;  // key -> first dead letter seq
    for (auto& [key, seq] : tx.find_first_dead_letters(keys)) blocked_by.emplace(key, seq);
    for (auto& row : rows) {
      const std::string& key = row.event.key;
      if (auto it = blocked_by.find(key); it != blocked_by.end() && it->second < row.event.seq) {
        tx.try_dead_letter_event(
            row.event.seq, row.attempts,
            fmt::format("parked behind dead letter #{} of key '{}'", it->second, key), start,
            it->second);
        ++f.claimed.parked;
        continue;
      }
      f.attempts.push_back(row.attempts);
      f.batch.push_back(std::move(row.event));
    }
  });
  if (f.batch.empty()) return flight;

  // Publish, outside any transaction.
  try {
    f.pending = sink_.begin_publish(f.batch);
  } catch (...) {
    f.publish_error = what_of(std::current_exception());
  }
  return flight;
}

RelayBatch OutboxRelay::finish(Flight& f, std::unordered_set<std::string>& stopped_keys,
                               bool record) {
  RelayBatch result = f.claimed;
  if (f.batch.empty()) return result;
  std::vector<Ack> acks;
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
  result.published = static_cast<int>(f.batch.size());

  // Per key, only the acknowledged prefix counts as delivered, whatever the sink reported.
  std::vector<std::int64_t> acked;
  acked.reserve(f.batch.size());
  for (std::size_t i = 0; i < f.batch.size(); ++i) {
    if (stopped_keys.contains(f.batch[i].key)) {
      // Behind the key's failed head (in this batch or the one before it): not an attempt.
      acks[i].status = AckStatus::kNotAttempted;
      continue;
    }
    if (acks[i].status != AckStatus::kAcked) {
      stopped_keys.insert(f.batch[i].key);
      if (acks[i].status == AckStatus::kNotAttempted) acks[i].status = AckStatus::kFailed;
      continue;
    }
    acked.push_back(f.batch[i].seq);
  }
  if (!record) {
    result.leader = false;
    return result;
  }

  // Record the outcome, but only while still holding the lease.
  const Timestamp done = clock_.now();
  storage_.run(Storage::Access::kWrite, [&](Transaction& tx) {
    result.delivered = 0;
    result.failed = result.dead_lettered = 0;
    if (!tx.try_acquire_lease(kLeaseName, options_.owner, done, done + options_.lease_ms)) {
      result.leader = false;
      return;
    }
    result.leader = true;
    result.delivered = static_cast<int>(tx.mark_events_delivered(acked, done));
    for (std::size_t i = 0; i < f.batch.size(); ++i) {
      if (acks[i].status != AckStatus::kFailed) continue;  // acked, or waits behind its key
      const Event& event = f.batch[i];
      const int tried = f.attempts[i] + 1;
      const std::string error = clip(acks[i].error.empty() ? "failed" : acks[i].error);
      if (tried >= options_.max_attempts) {
        if (tx.try_dead_letter_event(event.seq, tried, error, done, 0)) ++result.dead_lettered;
      } else if (tx.try_record_event_failure(event.seq, tried, done + backoff_ms(tried), error)) {
        ++result.failed;
      }
    }
  });
  return result;
}

RelayBatch OutboxRelay::run_once() {
  std::lock_guard lock(mu_);
  const auto flight = claim_and_publish({}, 0);
  std::unordered_set<std::string> stopped_keys;
  return finish(*flight, stopped_keys, true);
}

RelayBatch OutboxRelay::pump(int max_batches, const std::stop_token& stop,
                             const std::function<void(const RelayBatch&)>& on_batch) {
  // Events in flight at most (beyond two batches): enough to cover the acknowledgement
  // latency of a broker at full speed, small enough to bound what a failure re-sends.
  constexpr std::int64_t kMaxEventsInFlight = 4000;
  RelayBatch total;
  auto add = [&](const RelayBatch& batch) {
    total.leader = batch.leader;
    total.published += batch.published;
    total.delivered += batch.delivered;
    total.failed += batch.failed;
    total.dead_lettered += batch.dead_lettered;
    total.parked += batch.parked;
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
  // Records the oldest flight. If it had a failure or the lease is gone, records every other
  // flight too: they went out before that outcome was known, so their events of the failed
  // keys must not count (they are re-sent after the failed ones), and without the lease
  // nothing is recorded. Then the next claim starts afresh from the store. False: lease lost.
  auto settle_oldest = [&] {
    std::unordered_set<std::string> stopped_keys;
    RelayBatch done = finish(*pop(), stopped_keys, true);
    add(done);
    bool leader = done.leader;
    if (!leader || !stopped_keys.empty()) {
      while (!flights.empty()) {
        done = finish(*pop(), stopped_keys, leader);
        add(done);
        leader = leader && done.leader;
      }
    }
    return leader;
  };
  int claimed = 0;
  for (;;) {
    while (!flights.empty() && flights.front()->ready()) {
      if (!settle_oldest()) return total;
    }
    const bool may_claim = claimed < max_batches && !stop.stop_requested();
    const bool room = flights.size() < 2 || events_in_flight < kMaxEventsInFlight;
    if (!may_claim || !room) {
      if (flights.empty()) break;
      if (!settle_oldest()) break;
      continue;
    }
    std::unique_ptr<Flight> next;
    try {
      next = claim_and_publish(flights, events_in_flight);
    } catch (...) {
      // Record what is in flight if the store lets us (else it stays pending, to be re-sent),
      // then report the claim's error.
      std::unordered_set<std::string> stopped_keys;
      try {
        while (!flights.empty()) add(finish(*pop(), stopped_keys, true));
      } catch (...) {
        flights.clear();
      }
      throw;
    }
    ++claimed;
    total.leader = next->claimed.leader;
    if (!next->claimed.leader) {  // another relay holds the lease: what is in flight is lost
      std::unordered_set<std::string> stopped_keys;
      while (!flights.empty()) add(finish(*pop(), stopped_keys, false));
      total.leader = false;
      break;
    }
    if (next->batch.empty()) {
      add(next->claimed);  // parked events, if any
      if (next->claimed.parked > 0) continue;
      if (flights.empty()) break;  // nothing due
      if (!settle_oldest()) break;  // nothing more due yet: wait for the oldest, then look again
      continue;
    }
    events_in_flight += static_cast<std::int64_t>(next->batch.size());
    flights.push_back(std::move(next));
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

RelayStats OutboxRelay::stats() const {
  OutboxCounts counts;
  storage_.run(Storage::Access::kRead, [&](Transaction& tx) { counts = tx.count_outbox(); });
  RelayStats stats{counts.pending, counts.delivered, counts.dead_letters, counts.oldest_pending_at,
                   0};
  if (counts.pending > 0) {
    stats.oldest_pending_age_ms = std::max<std::int64_t>(0, clock_.now() - counts.oldest_pending_at);
  }
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
  storage_.run(Storage::Access::kWrite,
               [&](Transaction& tx) { tx.release_lease(kLeaseName, options_.owner); });
}

}  // namespace commerce
