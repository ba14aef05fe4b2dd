#include <fmt/format.h>

#include <optional>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/points.h"
#include "context.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "pagination.h"
#include "validate.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace {

constexpr Money kMaxPointsDelta = 1'000'000'000'000'000;  // 1e15 minor units per entry

void check_points_amount(std::string_view field, Money amount) {
  detail::check_positive(field, amount);
  if (amount > kMaxPointsDelta) {
    throw Error::invalid_argument(std::string(field),
                                  fmt::format("must be at most {}", kMaxPointsDelta));
  }
}

Error insufficient(const std::string& user_id, Money wanted, Money balance) {
  return Error::failed_precondition(
      Reason::kInsufficientPoints, user_id,
      fmt::format("user '{}' has {} points, {} needed", user_id, balance, wanted));
}

// `balance_after`: the balance the move left (what the debit or credit answered).
PointsEntry record(Command& cmd, const std::string& user_id, PointsEntryKind kind, Money amount,
                   Money balance_after, const std::string& order_id, const std::string& reason) {
  PointsEntry entry{.id = new_id(cmd.now),
                    .user_id = user_id,
                    .kind = kind,
                    .amount = amount,
                    .balance_after = balance_after,
                    .order_id = order_id,
                    .reason = reason,
                    .request_id = cmd.request_id,
                    .created_at = cmd.now};
  cmd.tx.insert_points_entry(entry);
  static constexpr const char* kEventType[] = {"PointCharged", "PointUsed", "PointRestored",
                                               "PointAdjusted", "PointRefunded"};
  detail::JsonText payload;
  payload.add("user_id", user_id).add("amount", amount).add("balance", entry.balance_after);
  if (!order_id.empty()) payload.add("order_id", order_id);
  detail::emit(cmd, kEventType[static_cast<int>(kind)], user_id, payload);
  return entry;
}

// The balance after crediting `amount`; `field` names the caller's argument that would
// overflow the balance.
Money credit(Command& cmd, const std::string& user_id, Money amount, std::string_view field) {
  const std::optional<Money> balance = cmd.tx.try_credit_points(user_id, amount);
  if (!balance) throw Error::invalid_argument(std::string(field), "the balance would overflow");
  return *balance;
}

// The balance after debiting `amount`; FailedPrecondition if the user has fewer points.
Money debit(Command& cmd, const std::string& user_id, Money amount) {
  const std::optional<Money> balance = cmd.tx.try_debit_points(user_id, amount);
  if (!balance) throw insufficient(user_id, amount, cmd.tx.find_points_balance(user_id));
  return *balance;
}

}  // namespace

namespace detail {

PointsEntry use_points(Command& cmd, const std::string& user_id, Money amount,
                       const std::string& order_id, bool new_order) {
  const auto prior = new_order ? std::vector<PointsEntry>{}
                               : cmd.tx.find_points_entries_for_order(order_id);
  for (const auto& entry : prior) {
    if (entry.kind != PointsEntryKind::kUse) continue;
    if (entry.user_id != user_id || entry.amount != -amount) {
      throw Error::conflict(order_id,
                            fmt::format("order '{}' already used {} points of user '{}'", order_id,
                                        -entry.amount, entry.user_id));
    }
    return entry;
  }
  const Money balance = debit(cmd, user_id, amount);
  return record(cmd, user_id, PointsEntryKind::kUse, -amount, balance, order_id, {});
}

void check_points_adjustment(std::string_view delta_field, const std::string& user_id,
                             Money delta, const std::string& reason) {
  check_id("user_id", user_id);
  if (delta == 0) throw Error::invalid_argument(std::string(delta_field), "must not be zero");
  if (delta < -kMaxPointsDelta || delta > kMaxPointsDelta) {
    throw Error::invalid_argument(std::string(delta_field),
                                  fmt::format("must be within +-{}", kMaxPointsDelta));
  }
  check_text("reason", reason, kMaxNameBytes, true);
}

PointsEntry adjust_points(Command& cmd, const std::string& user_id, Money delta,
                          const std::string& reason, std::string_view delta_field) {
  const Money balance =
      delta > 0 ? credit(cmd, user_id, delta, delta_field) : debit(cmd, user_id, -delta);
  return record(cmd, user_id, PointsEntryKind::kAdjust, delta, balance, {}, reason);
}

std::optional<PointsEntry> restore_points(Command& cmd, const std::string& order_id) {
  std::optional<PointsEntry> use;
  Money refunded = 0;  // given back for some units already (kRefund)
  for (auto& entry : cmd.tx.find_points_entries_for_order(order_id)) {
    if (entry.kind == PointsEntryKind::kRestore) return entry;
    if (entry.kind == PointsEntryKind::kUse) use = entry;
    if (entry.kind == PointsEntryKind::kRefund) refunded += entry.amount;
  }
  if (!use || -use->amount == refunded) return std::nullopt;
  const Money restored = -use->amount - refunded;
  const Money balance = credit(cmd, use->user_id, restored, "order_id");
  return record(cmd, use->user_id, PointsEntryKind::kRestore, restored, balance, order_id, {});
}

PointsEntry refund_points(Command& cmd, const std::string& user_id, Money amount,
                          const std::string& order_id, const std::string& reason) {
  const Money balance = credit(cmd, user_id, amount, "points");
  return record(cmd, user_id, PointsEntryKind::kRefund, amount, balance, order_id, reason);
}

}  // namespace detail

PointsEntry PointsLedger::charge(const std::string& user_id, Money amount,
                                 const std::string& request_id) {
  detail::check_id("user_id", user_id);
  check_points_amount("amount", amount);
  const json call = {{"op", "points.charge"}, {"user_id", user_id}, {"amount", amount}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      const Money balance = credit(cmd, user_id, amount, "amount");
      return record(cmd, user_id, PointsEntryKind::kCharge, amount, balance, {}, {});
    });
  });
}

PointsEntry PointsLedger::use(const std::string& user_id, Money amount,
                              const std::string& order_id) {
  detail::check_id("user_id", user_id);
  check_points_amount("amount", amount);
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::use_points(cmd, user_id, amount, order_id);
  });
}

std::optional<PointsEntry> PointsLedger::restore(const std::string& order_id) {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::restore_points(cmd, order_id);
  });
}

PointsEntry PointsLedger::adjust(const std::string& user_id, Money delta, const std::string& reason,
                                 const std::string& request_id) {
  detail::check_points_adjustment("delta", user_id, delta, reason);
  const json call = {
      {"op", "points.adjust"}, {"user_id", user_id}, {"delta", delta}, {"reason", reason}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(
        cmd, call, [&] { return detail::adjust_points(cmd, user_id, delta, reason, "delta"); });
  });
}

Money PointsLedger::balance(const std::string& user_id) const {
  detail::check_id("user_id", user_id);
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.find_points_balance(user_id); });
}

Page<PointsEntry> PointsLedger::history(const std::string& user_id, const std::string& cursor,
                                        int limit) const {
  detail::check_id("user_id", user_id);
  detail::check_limit(limit);
  const std::string before = detail::decode_cursor(cursor);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return detail::make_page(tx.list_points_entries(user_id, before, limit + 1), limit);
  });
}

}  // namespace commerce
