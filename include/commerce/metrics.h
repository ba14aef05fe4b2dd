// commerce/metrics.h: what a Store has done since it was opened, for a host's monitoring
// (Prometheus, StatsD, logs). `commerce serve` exposes it at GET /metrics (docs/service.md).
//
//   const commerce::MetricsSnapshot m = store->metrics();
//   export_counter("orders_confirmed", m.orders.confirmed);
//   export_histogram("gateway_seconds", m.gateway.latency);
//
// Scope: the counters belong to one Store object (one process's view), start at 0 when it is
// opened and only grow; they are not stored. Several processes on one database each count what
// they did (sum them in the monitoring system, as Prometheus does per instance).
//
// Exactness: what happens inside a unit of work (an order's state change, a saga step, an event
// delivered) is counted when that unit commits, once, however often the storage ran it again on
// contention; a unit that rolls back counts nothing. So, on a store no other process uses,
// orders.confirmed equals the orders that became CONFIRMED through this Store object. External
// calls (the gateway, carriers) are counted as they return, one per call attempt.
//
// Cost: relaxed atomic additions on the paths that do the work (no lock, no allocation, nothing
// that grows with the data); metrics() reads each counter once. Thread safety: metrics() may be
// called from any thread at any time; a snapshot's counters are each exact but not read at one
// instant (a unit committing meanwhile may show in one counter and not yet in another).
#pragma once

#include <array>
#include <cstdint>

namespace commerce {

// A latency distribution (Prometheus-style buckets).
struct LatencyHistogram {
  // Upper bounds of the buckets, in seconds.
  static constexpr std::array<double, 12> kBoundsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0};
  // within[i]: observations above kBoundsSeconds[i-1] and at most kBoundsSeconds[i] (not
  // cumulative); within.back(): above the last bound.
  std::array<std::uint64_t, kBoundsSeconds.size() + 1> within{};
  std::uint64_t count = 0;   // observations
  double sum_seconds = 0;    // their sum (microsecond resolution)
};

struct MetricsSnapshot {
  // Orders by outcome: each counts an order's state change into that state.
  struct Orders {
    std::uint64_t placed = 0;            // new orders created by place() / checkout (PENDING)
    std::uint64_t awaiting_payment = 0;  // orders that began their gateway payment
    std::uint64_t confirmed = 0;         // orders that became CONFIRMED (paid, stock committed)
    std::uint64_t failed = 0;            // orders that became FAILED (refused: stock, payment...)
    std::uint64_t cancelled = 0;         // orders that became CANCELLED (cancel(), expiry)
  } orders;
  // Saga steps (built-in and host steps, commerce/saga.h), by the lines of the saga log.
  struct Saga {
    std::uint64_t steps_done = 0;         // steps that completed ("done")
    std::uint64_t steps_refused = 0;      // steps that refused, failing the order ("failed")
    std::uint64_t steps_compensated = 0;  // completed steps undone ("compensated")
  } saga;
  // Payment gateway calls (charge, status, void, refund), each attempt once.
  struct Gateway {
    std::uint64_t approved = 0;  // answered approved
    std::uint64_t declined = 0;  // answered declined
    std::uint64_t pending = 0;   // answered pending (the result comes by callback)
    std::uint64_t unknown = 0;   // no answer: timeout, transport failure, unknown outcome
    LatencyHistogram latency;    // every attempt, whatever its answer
  } gateway;
  // Carrier calls (shipment labels and their cancellation), each attempt once.
  struct Carrier {
    std::uint64_t calls = 0;     // attempts
    std::uint64_t unknown = 0;   // attempts without an answer (timeout, transport failure)
    LatencyHistogram latency;
  } carrier;
  // Storage contention.
  struct Storage {
    std::uint64_t units = 0;    // units of work committed or failed (each counted once)
    // Times a unit of work was run again: SQLite busy, PostgreSQL serialization failure,
    // deadlock or lost connection, a group commit or pipelined guess run again. Every retry
    // the storage adapter made, whatever its cause.
    std::uint64_t retries = 0;
  } storage;
  // The outbox relay (commerce/outbox_relay.h) over this Store.
  struct Relay {
    std::uint64_t delivered = 0;      // events marked delivered
    std::uint64_t failed = 0;         // failed publish attempts recorded (retried later)
    std::uint64_t dead_lettered = 0;  // events moved to the dead-letter table
    // Lag: for each delivered event, the time from its occurred_at to the commit marking it
    // delivered (the store's clock; milliseconds resolution).
    LatencyHistogram lag;
  } relay;
};

}  // namespace commerce
