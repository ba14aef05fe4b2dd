// Store::compact(): removes, in bounded units of work, what the retention windows let go
// (issue 15).
#include "domain/retention.h"

#include <algorithm>
#include <string>

#include "commerce/error.h"
#include "domain/personal_data.h"
#include "storage/transaction.h"

namespace commerce::detail {

namespace {

// Walks a log ordered by seq from its start in units of `batch` rows until `step` says done.
template <class Step>
std::int64_t walk(Storage& storage, int batch, std::int64_t& units, Step&& step) {
  std::int64_t deleted = 0;
  std::int64_t after = 0;
  for (;;) {
    const RetentionBatch b = run_unit(storage, Storage::Access::kWrite,
                                      [&](Transaction& tx) { return step(tx, after, batch); });
    ++units;
    deleted += b.deleted;
    if (b.done || b.through_seq <= after) return deleted;
    after = b.through_seq;
  }
}

// Deletes oldest first until a unit deletes fewer than `batch` rows.
template <class Step>
std::int64_t drain(Storage& storage, int batch, std::int64_t& units, Step&& step) {
  std::int64_t deleted = 0;
  for (;;) {
    const std::int64_t n = run_unit(storage, Storage::Access::kWrite,
                                    [&](Transaction& tx) { return step(tx, batch); });
    ++units;
    deleted += n;
    if (n < batch) return deleted;
  }
}

}  // namespace

void check_retention(const RetentionOptions& o) {
  const std::pair<const char*, std::int64_t> windows[] = {
      {"retention.delivered_events_ms", o.delivered_events_ms},
      {"retention.finished_saga_logs_ms", o.finished_saga_logs_ms},
      {"retention.idempotency_keys_ms", o.idempotency_keys_ms},
      {"retention.inbox_messages_ms", o.inbox_messages_ms},
      {"retention.personal_data_ms", o.personal_data_ms}};
  for (const auto& [field, value] : windows) {
    if (value < 0) throw Error::invalid_argument(field, "must not be negative (0 keeps forever)");
  }
  if (o.batch_size < 1 || o.batch_size > 10000) {
    throw Error::invalid_argument("retention.batch_size", "must be between 1 and 10000");
  }
}

Timestamp events_removed_before(Transaction& tx) {
  const auto stored = tx.find_setting(std::string(kEventsRemovedBefore));
  return stored ? std::stoll(*stored) : 0;
}

CompactionReport compact(const Context& ctx) {
  Storage& storage = ctx.storage;
  const Clock& clock = ctx.clock;
  const RetentionOptions& o = ctx.options.retention;
  check_retention(o);
  CompactionReport report;
  const Timestamp now = clock.now();
  const int batch = o.batch_size;
  if (o.delivered_events_ms > 0) {
    const Timestamp before = now - o.delivered_events_ms;
    // First the mark that check_invariants() reads: events older than it may be gone.
    run_unit(storage, Storage::Access::kWrite, [&](Transaction& tx) {
      if (events_removed_before(tx) < before) {
        tx.put_setting(std::string(kEventsRemovedBefore), std::to_string(before));
      }
    });
    ++report.units;
    report.events = walk(storage, batch, report.units, [&](Transaction& tx, std::int64_t after, int n) {
      return tx.delete_delivered_events(after, before, n);
    });
  }
  if (o.finished_saga_logs_ms > 0) {
    const Timestamp before = now - o.finished_saga_logs_ms;
    report.saga_log_lines =
        walk(storage, batch, report.units, [&](Transaction& tx, std::int64_t after, int n) {
          return tx.delete_finished_saga_logs(after, before, n);
        });
  }
  if (o.idempotency_keys_ms > 0) {
    const Timestamp before = now - o.idempotency_keys_ms;
    report.requests = drain(storage, batch, report.units, [&](Transaction& tx, int n) {
      return tx.delete_requests_before(before, n);
    });
  }
  if (o.inbox_messages_ms > 0) {
    const Timestamp before = now - o.inbox_messages_ms;
    report.inbox_messages = drain(storage, batch, report.units, [&](Transaction& tx, int n) {
      return tx.delete_inbox_messages_before(before, n);
    });
  }
  if (o.personal_data_ms > 0) {
    const Timestamp before = now - o.personal_data_ms;
    report.orders_erased = drain(storage, batch, report.units, [&](Transaction& tx, int n) {
      Command cmd{tx, ctx, clock.now(), {}};
      return std::int64_t{erase_old_order_addresses(cmd, before, n)};
    });
    report.carts_erased = drain(storage, batch, report.units, [&](Transaction& tx, int n) {
      return tx.erase_old_cart_addresses(before, n);
    });
  }
  return report;
}

}  // namespace commerce::detail
