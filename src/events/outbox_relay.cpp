#include "commerce/outbox_relay.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/store.h"

namespace commerce {

namespace {

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

RelayBatch OutboxRelay::run_once() {
  std::lock_guard lock(mu_);
  RelayBatch result;
  const std::string& owner = options_.owner;

  // 1. Take or renew the lease, park events behind dead letters, pick the batch.
  std::vector<Event> batch;
  std::vector<int> attempts;
  const Timestamp start = clock_.now();
  storage_.run(Storage::Access::kWrite, [&](Transaction& tx) {
    batch.clear();
    attempts.clear();
    result = {};
    if (!tx.try_acquire_lease(kLeaseName, owner, start, start + options_.lease_ms)) return;
    result.leader = true;
    std::unordered_map<std::string, std::int64_t> blocked_by;  // key -> dead letter seq
    for (auto& row : tx.read_due_events(start, options_.batch_size)) {
      const std::string& key = row.event.key;
      auto it = blocked_by.find(key);
      if (it == blocked_by.end()) {
        it = blocked_by.emplace(key, tx.find_dead_letter_before(key, row.event.seq)).first;
      }
      if (it->second != 0) {
        tx.try_dead_letter_event(
            row.event.seq, row.attempts,
            fmt::format("parked behind dead letter #{} of key '{}'", it->second, key), start,
            it->second);
        ++result.parked;
        continue;
      }
      attempts.push_back(row.attempts);
      batch.push_back(std::move(row.event));
    }
  });
  if (!result.leader || batch.empty()) return result;

  // 2. Publish, outside any transaction.
  std::vector<Ack> acks;
  try {
    acks = sink_.publish(batch);
    if (acks.size() != batch.size()) {
      throw Error::internal(fmt::format("sink '{}' returned {} acks for {} events", sink_.name(),
                                        acks.size(), batch.size()));
    }
  } catch (...) {
    std::string why;
    try {
      throw;
    } catch (const std::exception& e) {
      why = e.what();
    } catch (...) {
      why = "unknown exception";
    }
    acks.assign(batch.size(), Ack{AckStatus::kFailed, why});
  }
  result.published = static_cast<int>(batch.size());

  // Per key, only the acknowledged prefix counts as delivered, whatever the sink reported.
  std::unordered_set<std::string> stopped_keys;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (stopped_keys.contains(batch[i].key)) {
      // Blocked behind the key's failed head: not counted as an attempt of its own.
      acks[i].status = AckStatus::kNotAttempted;
      continue;
    }
    if (acks[i].status != AckStatus::kAcked) {
      stopped_keys.insert(batch[i].key);
      if (acks[i].status == AckStatus::kNotAttempted) acks[i].status = AckStatus::kFailed;
    }
  }

  // 3. Record the outcome, but only while still holding the lease.
  const Timestamp done = clock_.now();
  storage_.run(Storage::Access::kWrite, [&](Transaction& tx) {
    result.delivered = 0;
    result.failed = result.dead_lettered = 0;
    if (!tx.try_acquire_lease(kLeaseName, owner, done, done + options_.lease_ms)) {
      result.leader = false;
      return;
    }
    result.leader = true;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const Event& event = batch[i];
      switch (acks[i].status) {
        case AckStatus::kAcked:
          if (tx.try_mark_event_delivered(event.seq, done)) ++result.delivered;
          break;
        case AckStatus::kFailed: {
          const int tried = attempts[i] + 1;
          const std::string error = clip(acks[i].error.empty() ? "failed" : acks[i].error);
          if (tried >= options_.max_attempts) {
            if (tx.try_dead_letter_event(event.seq, tried, error, done, 0)) ++result.dead_lettered;
          } else if (tx.try_record_event_failure(event.seq, tried, done + backoff_ms(tried),
                                                 error)) {
            ++result.failed;
          }
          break;
        }
        case AckStatus::kNotAttempted:
          break;  // waits behind the failed event of its key
      }
    }
  });
  return result;
}

RelayBatch OutboxRelay::drain(int max_batches) {
  RelayBatch total;
  for (int i = 0; i < max_batches; ++i) {
    const RelayBatch batch = run_once();
    total.leader = batch.leader;
    total.published += batch.published;
    total.delivered += batch.delivered;
    total.failed += batch.failed;
    total.dead_lettered += batch.dead_lettered;
    total.parked += batch.parked;
    if (!batch.leader || !batch.progressed()) break;
  }
  return total;
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
      batch = run_once();
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnavailable) {
        release_lease();
        throw;
      }
      sleep();
      continue;
    }
    if (batch.progressed() && on_batch) on_batch(batch);
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
