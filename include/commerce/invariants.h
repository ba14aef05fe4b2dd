// commerce/invariants.h: checks the invariants of SPEC.md over a whole store and reports every
// violation with the rows that break it (what `commerce check` prints).
//
// Checked: stock (on_hand >= 0, available >= 0, reserved = sum of live reservations,
// initial + adjustments = on_hand + sold); points (balance >= 0 and = ledger sum); coupons (a
// used coupon belongs to one live order that applied it; a template's issued_count within its
// total limit and equal to the coupons issued from it; each user's issue count for a template
// within its per-user limit and equal to the coupons issued to that user from it, rule
// "coupon.per_user" with the user as subject); orders (totals add up; each order's effects match
// its status: stock, points, coupon and payment); sagas (none in flight); outbox (each order has
// its creation event and the event of its end state).
//
// First the storage's own file is checked (FileCheck; SQLite: PRAGMA quick_check or
// integrity_check): damage is reported as rule "storage.damage" (subject "file"), and then
// nothing else is checked (rows read from a damaged file mislead).
//
// Each page of rows (500) is read in a read unit of its own, with the rows each one's rules
// need: a short snapshot each, so a check of a large live store never pins one snapshot for its
// whole length (SQLite's WAL could not be checkpointed meanwhile). It never writes. Delivered
// events removed by Store::compact() are accounted for (an order created before the removal
// cutoff may have none left). Thread-safe; may run while other threads and processes write
// (sagas then in flight are expected: pass expect_settled = false).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "commerce/store.h"

namespace commerce {

struct InvariantViolation {
  std::string rule;     // e.g. "stock.reserved", "points.ledger", "order.effects", "saga.in_flight"
  std::string subject;  // the offending id: product, user, coupon, template or order
  std::string detail;   // the values of the rows that break it
};

struct InvariantReport {
  std::vector<InvariantViolation> violations;
  bool truncated = false;  // stopped at max_violations
  int products = 0;        // rows examined
  int users = 0;
  int coupons = 0;
  int templates = 0;
  int orders = 0;
  bool ok() const { return violations.empty(); }
};

// How much of the storage's own file check_invariants() checks first.
enum class FileCheck {
  kNone,   // none
  kQuick,  // SQLite: PRAGMA quick_check (every page readable, b-trees well formed); the default
  kFull,   // SQLite: PRAGMA integrity_check (also every index against its table; slower).
           // PostgreSQL: both also report invalid indexes; kFull also reads every table
};

// Checks every invariant. `expect_settled`: also report sagas in flight and PENDING orders (true
// after recover(); false on a live store). Stops after `max_violations` (>= 1).
// Errors: InvalidArgument (max_violations), Unavailable (storage).
InvariantReport check_invariants(Store& store, bool expect_settled = true,
                                 int max_violations = 1000, FileCheck file = FileCheck::kQuick);

// One derived counter that repair_invariants() recomputed.
struct InvariantRepair {
  // the rule it broke: "stock.reserved", "points.ledger", "coupon.limits", "coupon.per_user"
  std::string rule;
  std::string subject;  // the product, user or coupon template id (the user for coupon.per_user)
  std::int64_t before = 0;
  std::int64_t after = 0;
};

struct RepairReport {
  std::vector<InvariantRepair> repaired;
  // Counters that could not be recomputed (e.g. live reservations above on_hand, a ledger sum
  // below zero, more coupons issued than the template's limit or than its per-user limit): the
  // rows need an operator.
  std::vector<InvariantViolation> unrepaired;
};

// Recomputes the derived counters from the rows they summarize, and nothing else: stock
// reserved := sum of the product's live reservations; a user's point balance := the sum of
// their ledger; a coupon template's issued_count := the coupons issued from it; a user's issue
// count for a template := the coupons issued to them from it. Every other violation (e.g.
// stock.conserved, order.effects) is left for check_invariants() to report.
// Counters are moved by conditional updates relative to what was read, so it is safe while
// other processes write; it writes no events. Idempotent: a second run repairs nothing.
// Implemented in src/domain/invariant_repair.cpp. Errors: Unavailable (storage).
RepairReport repair_invariants(Store& store);

}  // namespace commerce
