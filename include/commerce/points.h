// commerce/points.h: user point balances kept as a ledger.
//
// Each user's balance is never negative and always equals the sum of their ledger entries.
// Debits are conditional updates, so concurrent uses never overdraw. PointsLedger is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/page.h"

namespace commerce {

namespace detail {
struct Context;
}

// kCharge: points bought or granted; kUse: taken by an order; kRestore: given back whole when the
// order was cancelled (what its partial refunds had not given back yet); kAdjust: an
// administrative change; kRefund: the points share of units cancelled or returned (many per
// order; commerce/returns.h has the rule).
enum class PointsEntryKind { kCharge, kUse, kRestore, kAdjust, kRefund };

struct PointsEntry {
  std::string id;  // UUIDv7
  std::string user_id;
  PointsEntryKind kind = PointsEntryKind::kCharge;
  Money amount = 0;         // signed effect on the balance (a use is negative)
  Money balance_after = 0;  // the user's balance right after this entry
  std::string order_id;     // for kUse, kRestore and kRefund
  std::string reason;       // for kAdjust and kRefund
  std::string request_id;
  Timestamp created_at = 0;
  bool operator==(const PointsEntry&) const = default;
};

std::string_view to_string(PointsEntryKind kind);
PointsEntryKind parse_points_entry_kind(std::string_view name);

class PointsLedger {
 public:
  explicit PointsLedger(const detail::Context& ctx) : ctx_(ctx) {}

  // Adds `amount` (> 0) to the user's balance. Errors: InvalidArgument, Conflict.
  PointsEntry charge(const std::string& user_id, Money amount, const std::string& request_id = {});

  // Takes `amount` (> 0) for `order_id`. One use per order: calling again with the same user and
  // amount returns the first entry. Errors: InvalidArgument, FailedPrecondition
  // kInsufficientPoints naming the user, Conflict (the order already used another amount).
  PointsEntry use(const std::string& user_id, Money amount, const std::string& order_id);

  // Compensation: gives back what `order_id` used. Idempotent: returns the restore entry, or
  // nothing if the order used no points.
  std::optional<PointsEntry> restore(const std::string& order_id);

  // Administrative correction by `delta` (non-zero); never takes the balance below zero.
  // Errors: InvalidArgument, FailedPrecondition kInsufficientPoints, Conflict.
  PointsEntry adjust(const std::string& user_id, Money delta, const std::string& reason,
                     const std::string& request_id = {});

  // 0 for a user with no entries. Errors: InvalidArgument.
  Money balance(const std::string& user_id) const;

  // The user's entries, newest first.
  Page<PointsEntry> history(const std::string& user_id, const std::string& cursor = {},
                            int limit = kDefaultPageSize) const;

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
