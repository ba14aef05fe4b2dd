// repair_invariants(): recomputes the derived counters (commerce/invariants.h).
#include <fmt/format.h>

#include "commerce/invariants.h"
#include "paged_rows.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {

namespace {

using detail::for_each_row;

// Each part runs as its own write unit; a unit may run more than once (the storage retries on
// contention), so it rebuilds its report from scratch on every run.
RepairReport repair_stock(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    for_each_row(
        [&](const std::string& after, int n) {
          const auto [product, location] = detail::split_stock_key(after);
          return tx.list_stock_rows(product, location, n);
        },
        detail::stock_key,
        [&](const LocationLevel& s) {
          const std::int64_t live = tx.sum_live_reservations(s.product_id, s.location_id);
          if (live == s.reserved) return;
          if (live > s.on_hand + s.backorder_room) {
            report.unrepaired.push_back(
                {"stock.reserved", s.product_id,
                 fmt::format("at '{}': live reservations sum to {}, above on_hand {} + "
                             "backorder room {}: reserved stays {}",
                             s.location_id, live, s.on_hand, s.backorder_room, s.reserved)});
            return;
          }
          // Relative moves, so a reservation made meanwhile by another process is kept.
          const std::int64_t diff = live - s.reserved;
          const bool moved =
              diff > 0 ? tx.try_reserve_stock_at(s.product_id, s.location_id, diff).has_value()
                       : tx.try_unreserve_stock_at(s.product_id, s.location_id, -diff).has_value();
          if (!moved) {
            report.unrepaired.push_back(
                {"stock.reserved", s.product_id,
                 fmt::format("at '{}': reserved {} could not be moved to {}", s.location_id,
                             s.reserved, live)});
            return;
          }
          report.repaired.push_back({"stock.reserved", s.product_id, s.reserved, live});
        });
    return report;
  });
}

RepairReport repair_points(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    for_each_row([&](const std::string& after, int n) { return tx.list_points_balances(after, n); },
                 [](const PointsBalance& b) { return b.user_id; },
                 [&](const PointsBalance& b) {
                   const Money sum = tx.sum_points_entries(b.user_id);
                   if (sum == b.balance) return;
                   if (sum < 0) {
                     report.unrepaired.push_back(
                         {"points.ledger", b.user_id,
                          fmt::format("the ledger sums to {}, below zero: balance stays {}", sum,
                                      b.balance)});
                     return;
                   }
                   const Money diff = sum - b.balance;
                   const bool moved = (diff > 0 ? tx.try_credit_points(b.user_id, diff)
                                                : tx.try_debit_points(b.user_id, -diff))
                                          .has_value();
                   if (!moved) {
                     report.unrepaired.push_back(
                         {"points.ledger", b.user_id,
                          fmt::format("balance {} could not be moved to {}", b.balance, sum)});
                     return;
                   }
                   report.repaired.push_back({"points.ledger", b.user_id, b.balance, sum});
                 });
    return report;
  });
}

// Every coupon template, page by page.
template <class Visit>
void for_each_template(Transaction& tx, Visit&& visit) {
  for_each_row([&](const std::string& after, int n) { return tx.list_coupon_templates(after, n); },
               [](const CouponTemplate& t) { return t.id; }, visit);
}

RepairReport repair_coupon_counts(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    for_each_template(tx, [&](const CouponTemplate& t) {
      const std::int64_t issued = tx.count_coupons_of_template(t.id);
      if (issued == t.issued_count) return;
      if (issued > t.total_limit) {
        report.unrepaired.push_back(
            {"coupon.limits", t.id,
             fmt::format("{} coupons issued, above the limit {}: issued_count stays {}", issued,
                         t.total_limit, t.issued_count)});
        return;
      }
      if (!tx.try_set_coupon_issued_count(t.id, t.issued_count, issued)) {
        report.unrepaired.push_back(
            {"coupon.limits", t.id,
             fmt::format("issued_count {} could not be set to {}", t.issued_count, issued)});
        return;
      }
      report.repaired.push_back({"coupon.limits", t.id, t.issued_count, issued});
    });
    return report;
  });
}

// Each user's issue counter for each template := the coupons issued to them from it.
RepairReport repair_coupon_user_counts(Storage& storage) {
  return run_unit(storage, Storage::Access::kWrite, [](Transaction& tx) {
    RepairReport report;
    for_each_template(tx, [&](const CouponTemplate& t) {
      for_each_row(
          [&](const std::string& after, int n) {
            return tx.list_coupon_user_issues(t.id, after, n);
          },
          [](const CouponUserIssues& u) { return u.user_id; },
          [&](const CouponUserIssues& u) {
            if (u.coupons == u.issued) return;
            if (u.coupons > t.per_user_limit) {
              report.unrepaired.push_back(
                  {"coupon.per_user", u.user_id,
                   fmt::format("template {} ('{}'): {} coupons issued, above the per-user limit "
                               "{}: issued count stays {}",
                               t.id, t.code, u.coupons, t.per_user_limit, u.issued)});
              return;
            }
            if (!tx.try_set_coupon_user_issued(t.id, u.user_id, u.issued, u.coupons)) {
              report.unrepaired.push_back(
                  {"coupon.per_user", u.user_id,
                   fmt::format("template {} ('{}'): issued count {} could not be set to {}", t.id,
                               t.code, u.issued, u.coupons)});
              return;
            }
            report.repaired.push_back({"coupon.per_user", u.user_id, u.issued, u.coupons});
          });
    });
    return report;
  });
}

void append(RepairReport& into, RepairReport part) {
  for (auto& r : part.repaired) into.repaired.push_back(std::move(r));
  for (auto& v : part.unrepaired) into.unrepaired.push_back(std::move(v));
}

}  // namespace

RepairReport repair_invariants(Store& store) {
  Storage& storage = detail::storage_of(store);
  RepairReport report;
  append(report, repair_stock(storage));
  append(report, repair_points(storage));
  append(report, repair_coupon_counts(storage));
  append(report, repair_coupon_user_counts(storage));
  return report;
}

}  // namespace commerce
