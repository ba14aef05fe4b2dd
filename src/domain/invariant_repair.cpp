// repair_invariants(): recomputes the derived counters (commerce/invariants.h).
#include <fmt/format.h>

#include "commerce/invariants.h"

namespace commerce {

namespace {

constexpr int kPage = 500;

// Each part runs as its own write unit; a unit may run more than once (the storage retries on
// contention), so it rebuilds its report from scratch on every run.
RepairReport repair_stock(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    std::string after;
    for (;;) {
      const auto page = tx.list_stock_levels(after, kPage);
      if (page.empty()) break;
      for (const auto& s : page) {
        after = s.product_id;
        const std::int64_t live = tx.sum_live_reservations(s.product_id);
        if (live == s.reserved) continue;
        if (live > s.on_hand) {
          report.unrepaired.push_back(
              {"stock.reserved", s.product_id,
               fmt::format("live reservations sum to {}, above on_hand {}: reserved stays {}", live,
                           s.on_hand, s.reserved)});
          continue;
        }
        // Relative moves, so a reservation made meanwhile by another process is kept.
        const std::int64_t diff = live - s.reserved;
        const bool moved = diff > 0 ? tx.try_reserve_stock(s.product_id, diff)
                                    : tx.try_unreserve_stock(s.product_id, -diff);
        if (!moved) {
          report.unrepaired.push_back(
              {"stock.reserved", s.product_id,
               fmt::format("reserved {} could not be moved to {}", s.reserved, live)});
          continue;
        }
        report.repaired.push_back({"stock.reserved", s.product_id, s.reserved, live});
      }
    }
    return report;
  });
}

RepairReport repair_points(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    std::string after;
    for (;;) {
      const auto page = tx.list_points_balances(after, kPage);
      if (page.empty()) break;
      for (const auto& b : page) {
        after = b.user_id;
        const Money sum = tx.sum_points_entries(b.user_id);
        if (sum == b.balance) continue;
        if (sum < 0) {
          report.unrepaired.push_back(
              {"points.ledger", b.user_id,
               fmt::format("the ledger sums to {}, below zero: balance stays {}", sum, b.balance)});
          continue;
        }
        const Money diff = sum - b.balance;
        const bool moved = diff > 0 ? tx.try_credit_points(b.user_id, diff)
                                    : tx.try_debit_points(b.user_id, -diff);
        if (!moved) {
          report.unrepaired.push_back(
              {"points.ledger", b.user_id,
               fmt::format("balance {} could not be moved to {}", b.balance, sum)});
          continue;
        }
        report.repaired.push_back({"points.ledger", b.user_id, b.balance, sum});
      }
    }
    return report;
  });
}

RepairReport repair_coupon_counts(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    std::string after;
    for (;;) {
      const auto page = tx.list_coupon_templates(after, kPage);
      if (page.empty()) break;
      for (const auto& t : page) {
        after = t.id;
        const std::int64_t issued = tx.count_coupons_of_template(t.id);
        if (issued == t.issued_count) continue;
        if (issued > t.total_limit) {
          report.unrepaired.push_back(
              {"coupon.limits", t.id,
               fmt::format("{} coupons issued, above the limit {}: issued_count stays {}", issued,
                           t.total_limit, t.issued_count)});
          continue;
        }
        if (!tx.try_set_coupon_issued_count(t.id, t.issued_count, issued)) {
          report.unrepaired.push_back(
              {"coupon.limits", t.id,
               fmt::format("issued_count {} could not be set to {}", t.issued_count, issued)});
          continue;
        }
        report.repaired.push_back({"coupon.limits", t.id, t.issued_count, issued});
      }
    }
    return report;
  });
}

void append(RepairReport& into, RepairReport part) {
  for (auto& r : part.repaired) into.repaired.push_back(std::move(r));
  for (auto& v : part.unrepaired) into.unrepaired.push_back(std::move(v));
}

}  // namespace

RepairReport repair_invariants(Storage& storage) {
  RepairReport report;
  append(report, repair_stock(storage));
  append(report, repair_points(storage));
  append(report, repair_coupon_counts(storage));
  return report;
}

}  // namespace commerce
