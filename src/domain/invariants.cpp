#include "commerce/invariants.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "commerce/error.h"
#include "paged_rows.h"
#include "returns/give_back.h"
#include "shipments/shipment_moves.h"
#include "retention.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {

namespace {

using detail::for_each_row;

// Every page of every pass is read in a read unit of its own: a short snapshot each, so a check
// of a large live store never holds one snapshot for its whole length (which would keep
// SQLite's WAL from being checkpointed, or PostgreSQL's vacuum from removing dead rows,
// meanwhile). A row's checks read its related rows in the same unit as the row.
class Checker {
 public:
  Checker(Storage& storage, bool expect_settled, int max, FileCheck file)
      : storage_(storage), settled_(expect_settled), max_(max), file_(file) {}

  InvariantReport run() {
    run_unit(storage_, Storage::Access::kRead, [&](Transaction& tx) {
      damage_.clear();
      if (file_ != FileCheck::kNone) damage_ = tx.check_storage(file_ == FileCheck::kFull);
      events_removed_before_ = detail::events_removed_before(tx);
    });
    for (const auto& problem : damage_) flag("storage.damage", "file", "{}", problem);
    if (!damage_.empty()) return std::move(report_);  // rows read from a damaged file mislead
    stock();
    points();
    coupons();
    orders();
    return std::move(report_);
  }

 private:
  // for_each_row() with each page read in its own read unit (tx_ is that unit's).
  template <class List, class Key, class Visit>
  void paged(List&& list, Key&& key, Visit&& visit) {
    std::string after;
    for (;;) {
      bool more = false;
      run_unit(storage_, Storage::Access::kRead, [&](Transaction& tx) {
        tx_ = &tx;
        std::string last = after;
        auto page = list(last, detail::kRowsPerPage);
        more = !page.empty();
        for (auto& row : page) {
          last = key(row);
          visit(row);
        }
        after = last;
        tx_ = nullptr;
      });
      if (!more) return;
    }
  }

  template <class... Args>
  void flag(const std::string& rule, const std::string& subject,
            fmt::format_string<Args...> format, Args&&... args) {
    if (static_cast<int>(report_.violations.size()) >= max_) {
      report_.truncated = true;
      return;
    }
    report_.violations.push_back(
        {rule, subject, fmt::format(format, std::forward<Args>(args)...)});
  }

  // Per (product, location) row.
  void stock() {
    paged(
        [&](const std::string& after, int n) {
          const auto [product, location] = detail::split_stock_key(after);
          return tx_->list_stock_rows(product, location, n);
        },
        detail::stock_key,
        [&](const LocationLevel& s) {
          ++report_.products;
          if (s.reserved < 0 || s.sold < 0 || s.backorder_room < 0 ||
              s.available < -s.backorder_room || (s.on_hand < 0 && s.backorder_room == 0)) {
            flag("stock.non_negative", s.product_id,
                 "at '{}': on_hand {} reserved {} available {} sold {} backorder room {}",
                 s.location_id, s.on_hand, s.reserved, s.available, s.sold, s.backorder_room);
          }
          const auto live = tx_->sum_live_reservations(s.product_id, s.location_id);
          if (live != s.reserved) {
            flag("stock.reserved", s.product_id,
                 "at '{}': reserved {} but live reservations sum to {}", s.location_id,
                 s.reserved, live);
          }
          const auto moved = tx_->sum_stock_movements(s.product_id, s.location_id);
          if (moved != s.on_hand + s.sold) {
            flag("stock.conserved", s.product_id,
                 "at '{}': initial + adjustments + transfers in - out = {} but on_hand {} + "
                 "sold {} = {}",
                 s.location_id, moved, s.on_hand, s.sold, s.on_hand + s.sold);
          }
        });
  }

  void points() {
    paged(
        [&](const std::string& after, int n) { return tx_->list_points_balances(after, n); },
        [](const PointsBalance& b) { return b.user_id; },
        [&](const PointsBalance& b) {
          ++report_.users;
          if (b.balance < 0) flag("points.non_negative", b.user_id, "balance {}", b.balance);
          const Money sum = tx_->sum_points_entries(b.user_id);
          if (sum != b.balance) {
            flag("points.ledger", b.user_id, "balance {} but the ledger sums to {}", b.balance,
                 sum);
          }
        });
  }

  void coupons() {
    paged(
        [&](const std::string& after, int n) {
          // The cursor is '#' + the last order id: '' (no page yet) differs from a coupon used
          // with no order.
          return tx_->list_used_coupons(
              after.empty() ? std::nullopt : std::optional<std::string>(after.substr(1)), n);
        },
        [](const Coupon& c) { return "#" + c.order_id; },
        [&](const Coupon& c) {
          ++report_.coupons;
          auto order = c.order_id.empty() ? std::nullopt : tx_->find_order(c.order_id);
          if (!order) {
            flag("coupon.order", c.id, "used by order '{}', which does not exist", c.order_id);
          } else if (order->status == OrderStatus::kFailed ||
                     order->status == OrderStatus::kCancelled) {
            if (settled_) {
              flag("coupon.order", c.id, "still used by order '{}', which is {}", c.order_id,
                   to_string(order->status));
            }
          } else if (order->coupon_id != c.id) {
            flag("coupon.order", c.id, "used by order '{}', which names coupon '{}'",
                 c.order_id, order->coupon_id);
          }
        });
    paged(
        [&](const std::string& after, int n) { return tx_->list_coupon_templates(after, n); },
        [](const CouponTemplate& t) { return t.id; },
        [&](const CouponTemplate& t) {
          ++report_.templates;
          const auto issued = tx_->count_coupons_of_template(t.id);
          if (t.issued_count > t.total_limit || issued != t.issued_count) {
            flag("coupon.limits", t.id, "issued_count {}, limit {}, coupons issued {}",
                 t.issued_count, t.total_limit, issued);
          }
          per_user(t);
        });
  }

  // Each user's issue counter for the template equals the coupons issued to them from it and
  // stays within per_user_limit.
  void per_user(const CouponTemplate& t) {
    for_each_row(
        [&](const std::string& after, int n) {
          return tx_->list_coupon_user_issues(t.id, after, n);
        },
        [](const CouponUserIssues& u) { return u.user_id; },
        [&](const CouponUserIssues& u) {
          if (u.issued > t.per_user_limit || u.issued != u.coupons) {
            flag("coupon.per_user", u.user_id,
                 "template {} ('{}'): issued count {}, per-user limit {}, coupons issued {}",
                 t.id, t.code, u.issued, t.per_user_limit, u.coupons);
          }
        });
  }

  void orders() {
    paged([&](const std::string& after, int n) { return tx_->list_orders(after, n); },
                 [](const Order& o) { return o.id; },
                 [&](Order& o) {
                   ++report_.orders;
                   o.items = tx_->find_order_items(o.id);
                   totals(o);
                   effects(o);
                   fulfilment(o);
                   events(o);
                   personal_data(o);
                   refunds(o);
                   give_backs(o);
                 });
  }

  // Partial refunds (OrderBook::refund): what the order has refunded or is refunding never
  // exceeds its captured payment and is the sum of its approved and started refunds; a settled
  // store (recover() has run) has no started refund.
  void refunds(const Order& o) {
    const Money refunded = tx_->find_refunded(o.id);
    const Money open = tx_->sum_open_refunds(o.id);
    const auto payment = tx_->find_payment(o.id);
    const Money captured = payment ? payment->amount : 0;
    if (refunded > captured || refunded != open) {
      flag("order.refunded", o.id, "refunded {}, approved and started refunds {}, payment {}",
           refunded, open, captured);
    }
    if (!settled_ || open == 0) return;
    for (const auto& r : tx_->find_refunds(o.id)) {
      if (r.status == RefundStatus::kStarted) {
        flag("refund.started", r.id, "refund of {} of order {} is still started", r.amount,
             o.id);
      }
    }
  }

  // Units given back (commerce/returns.h) add up: per line, returned <= delivered, given back
  // = cancelled + the units of received returns <= qty, returned = the units of returns not
  // rejected; a received return's units are each restocked or written off (none before);
  // the money given back for units never exceeds the rule's share of the value given back.
  void give_backs(const Order& o) {
    const auto returns = tx_->find_returns_for_order(o.id);
    std::map<std::string, std::int64_t> claimed, received;
    Money money = 0;
    for (const auto& r : returns) {
      const bool in = r.status == ReturnStatus::kReceived ||
                      r.status == ReturnStatus::kRefunded ||
                      r.status == ReturnStatus::kRefundDeclined;
      money += r.given_back.money;
      if (in) given_back_refund(r);
      if (in) exchange(o, r);
      for (const auto& item : r.items) {
        if (r.status != ReturnStatus::kRejected) claimed[item.product_id] += item.qty;
        if (in) received[item.product_id] += item.qty;
        if ((in && item.restocked + item.written_off != item.qty) ||
            (!in && item.restocked + item.written_off != 0) || item.restocked < 0 ||
            item.written_off < 0) {
          flag("return.inspected", r.id, "{}: '{}' x {}, restocked {}, written off {}",
               to_string(r.status), item.product_id, item.qty, item.restocked,
               item.written_off);
        }
      }
    }
    for (const auto& item : o.items) {
      const std::int64_t back = item.cancelled + received[item.product_id];
      if (item.returned > item.delivered || item.returned != claimed[item.product_id] ||
          item.given_back != back || item.given_back > item.qty) {
        flag("order.given_back", o.id,
             "'{}': {} ordered, {} delivered, {} cancelled, {} in returns ({} by the returns), "
             "{} given back ({} by cancellations and received returns)",
             item.product_id, item.qty, item.delivered, item.cancelled, item.returned,
             claimed[item.product_id], item.given_back, back);
      }
    }
    // With the shipping fee counted (the larger value, whatever the store's policy).
    const Money value = detail::value_given_back(o, {}, true);
    if (money > detail::money_share(o, value)) {
      flag("order.given_back", o.id, "returns refunded {} in money, above the rule's {} for a "
           "value of {} given back", money, detail::money_share(o, value), value);
    }
  }

  // A received exchange paid its replacement order: the order exists, is the customer's, was
  // placed for this return and spent exactly the credit as points, which the units given back
  // covered; a received exchange without one says why, and a plain return has no credit.
  void exchange(const Order& o, const Return& r) {
    const GiveBack& g = r.given_back;
    if (r.replacement_order_id.empty()) {
      if (r.exchange_credit != 0 || (!r.replacement.empty() && r.exchange_note.empty())) {
        flag("return.exchange", r.id, "no replacement order, credit {}, note '{}'",
             r.exchange_credit, r.exchange_note);
      }
      return;
    }
    const auto replacement = tx_->find_order(r.replacement_order_id);
    if (!replacement || replacement->user_id != o.user_id ||
        replacement->request_id != r.id + ":exchange" ||
        replacement->points_used != r.exchange_credit || r.exchange_credit < 0 ||
        r.exchange_credit > g.money + g.points) {
      flag("return.exchange", r.id,
           "replacement '{}' ({}), credit {}, given back {} in money and {} in points",
           r.replacement_order_id,
           replacement ? fmt::format("of '{}', {} points used", replacement->user_id,
                                     replacement->points_used)
                       : std::string("missing"),
           r.exchange_credit, g.money, g.points);
    }
  }

  // A received return's money is its refund's: received while the refund is started (never on
  // a settled store), refunded when approved, refund_declined when declined; none without money.
  void given_back_refund(const Return& r) {
    const GiveBack& g = r.given_back;
    const auto refund = g.refund_id.empty() ? std::nullopt : tx_->find_refund(g.refund_id);
    const auto want = !refund                                   ? ReturnStatus::kRefunded
                      : refund->status == RefundStatus::kStarted ? ReturnStatus::kReceived
                      : refund->status == RefundStatus::kApproved ? ReturnStatus::kRefunded
                                                                  : ReturnStatus::kRefundDeclined;
    if ((g.money > 0) != refund.has_value() || (refund && refund->amount != g.money) ||
        r.status != want || (settled_ && r.status == ReturnStatus::kReceived)) {
      flag("return.refund", r.id, "{} with money {} and refund '{}' ({})", to_string(r.status),
           g.money, g.refund_id,
           refund ? fmt::format("{} of {}", to_string(refund->status), refund->amount)
                  : std::string("none"));
    }
  }

  // The order's shipments add up on the reservation rows they leave from (commerce/
  // shipments.h): per row, delivered <= shipped <= packed <= qty - cancelled, each the sum of the units of
  // the shipments at that level; shipped + unshipped = ordered; the order's status follows
  // its units; a finished order that never confirmed has no units in shipments.
  void fulfilment(const Order& o) {
    const auto rows = tx_->find_fulfilment(o.id);
    if (rows.empty()) return;  // a host step keeps its stock
    struct Count {
      std::int64_t packed = 0, shipped = 0, delivered = 0;
    };
    std::map<std::pair<std::string, std::string>, Count> counted;  // (product, location)
    for (const auto& s : tx_->find_shipments_for_order(o.id)) {
      const detail::ShipmentLevels at = detail::shipment_levels(s.status);
      for (const auto& item : s.items) {
        Count& c = counted[{item.product_id, s.location_id}];
        c.packed += at.packed * item.qty;
        c.shipped += at.shipped * item.qty;
        c.delivered += at.delivered * item.qty;
      }
    }
    std::int64_t total = 0, shipped = 0, delivered = 0;
    for (const auto& row : rows) {
      const Count c = counted[{row.product_id, row.location_id}];
      const bool committed = row.state == ReservationState::kCommitted;
      if (c.packed != row.packed || c.shipped != row.shipped || c.delivered != row.delivered ||
          row.delivered > row.shipped || row.shipped > row.packed || row.packed > row.live() ||
          row.delivered < 0 || row.cancelled < 0 || (!committed && row.packed != 0) ||
          (!committed && row.cancelled != 0)) {
        flag("order.shipments", o.id,
             "'{}' at '{}' ({}): {} ordered, {} cancelled, {} in shipments, {} shipped, {} "
             "delivered; the shipments say {}, {}, {}",
             row.product_id, row.location_id, to_string(row.state), row.qty, row.cancelled,
             row.packed, row.shipped, row.delivered, c.packed, c.shipped, c.delivered);
      }
      if (!committed) continue;
      total += row.live();
      shipped += row.shipped;
      delivered += row.delivered;
    }
    const bool agrees =
        total == 0 ||
        (o.status == OrderStatus::kConfirmed && shipped < total) ||
        (o.status == OrderStatus::kShipped && shipped == total && delivered < total) ||
        (o.status == OrderStatus::kDelivered && delivered == total) ||
        (o.status != OrderStatus::kConfirmed && o.status != OrderStatus::kShipped &&
         o.status != OrderStatus::kDelivered && shipped == 0);
    if (!agrees) {
      flag("order.shipments", o.id, "{} with {} of {} units shipped and {} delivered",
           to_string(o.status), shipped, total, delivered);
    }
  }

  // An order whose personal data was erased holds no address, and is finished (only a finished
  // order is erased). The address itself is never quoted.
  void personal_data(const Order& o) {
    if (o.personal_data_erased_at == 0) return;
    const bool finished = o.status == OrderStatus::kDelivered ||
                          o.status == OrderStatus::kCancelled || o.status == OrderStatus::kFailed;
    if (o.shipping_address || !finished) {
      flag("order.personal_data", o.id, "{}, erased at {} but {}", to_string(o.status),
           o.personal_data_erased_at,
           o.shipping_address ? "it still holds a shipping address" : "it is not finished");
    }
  }

  // The order's price breakdown adds up (commerce/pricing.h).
  void totals(const Order& o) {
    Money sum = 0, discounts = 0, taxes = o.shipping_tax, paid = o.shipping_fee;
    if (!o.tax_included) paid += o.shipping_tax;
    for (const auto& item : o.items) {
      const Money item_total = item.line_total - item.discount + (o.tax_included ? 0 : item.tax);
      if (item.line_total != item.unit_price * item.qty || item.discount < 0 ||
          item.discount > item.line_total || item.tax < 0 || item.total != item_total) {
        flag("order.totals", o.id,
             "item '{}': {} x {} = {}, discount {}, tax {}, total {} (expected {})",
             item.product_id, item.unit_price, item.qty, item.line_total, item.discount, item.tax,
             item.total, item_total);
      }
      sum += item.line_total;
      discounts += item.discount;
      taxes += item.tax;
      paid += item.total;
    }
    if (sum != o.subtotal || discounts != o.discount || taxes != o.tax ||
        o.total != paid - o.points_used || o.total < 0 || o.discount < 0 ||
        o.points_used < 0 || o.discount > o.subtotal || o.shipping_fee < 0) {
      flag("order.totals", o.id,
           "items sum {} (discounts {}, tax {}), subtotal {}, discount {}, shipping {}, tax {}, "
           "points {}, total {}",
           sum, discounts, taxes, o.subtotal, o.discount, o.shipping_fee, o.tax, o.points_used,
           o.total);
    }
  }

  void effects(const Order& o) {
    const auto saga = tx_->find_saga(o.id);
    if (!saga) {
      flag("saga.missing", o.id, "order {} has no saga", to_string(o.status));
      return;
    }
    if (settled_ && in_flight(saga->state)) {
      flag("saga.in_flight", o.id, "saga is {} at step {} ({})", to_string(saga->state),
           saga->step, saga->reason);
    }
    const bool local_stock =
        std::find(saga->steps.begin(), saga->steps.end(), "stock") != saga->steps.end();
    const auto reservations = tx_->find_reservations(o.id);
    bool used_points = false, restored_points = false;
    Money points_net = 0;  // what the order's entries took from the user, net (<= 0)
    for (const auto& e : tx_->find_points_entries_for_order(o.id)) {
      used_points |= e.kind == PointsEntryKind::kUse;
      restored_points |= e.kind == PointsEntryKind::kRestore;
      points_net += e.amount;
    }
    const auto coupon = tx_->find_coupon_used_by(o.id);
    const auto payment = tx_->find_payment(o.id);
    const auto count = [&](ReservationState state) {
      return std::count_if(reservations.begin(), reservations.end(),
                           [&](const Reservation& r) { return r.state == state; });
    };
    const std::string pay = payment ? std::string(to_string(payment->status)) : "none";
    switch (o.status) {
      case OrderStatus::kConfirmed:
      case OrderStatus::kShipped:
      case OrderStatus::kDelivered: {
        const bool stock_ok = !local_stock || (!reservations.empty() &&
                                               count(ReservationState::kCommitted) ==
                                                   static_cast<long>(reservations.size()));
        const bool points_ok = (o.points_used > 0) == used_points && !restored_points;
        // The coupon comes back with the order's last unit given back (commerce/returns.h).
        const bool all_back = std::all_of(o.items.begin(), o.items.end(), [](const OrderItem& i) {
          return i.given_back == i.qty;
        });
        const bool coupon_ok = all_back ? !coupon : o.coupon_applied == coupon.has_value();
        const bool paid_ok =
            o.total == 0 ? !payment : (payment && payment->status == PaymentStatus::kApproved);
        if (!stock_ok || !points_ok || !coupon_ok || !paid_ok ||
            saga->state != SagaState::kConfirmed) {
          flag("order.effects", o.id,
               "{}: {} reservations ({} committed), points used {} restored {}, coupon held {}, "
               "payment {}, saga {}",
               to_string(o.status), reservations.size(), count(ReservationState::kCommitted),
               used_points, restored_points, coupon.has_value(), pay, to_string(saga->state));
        }
        break;
      }
      case OrderStatus::kFailed:
      case OrderStatus::kCancelled: {
        const bool holds_money =
            payment && (payment->status == PaymentStatus::kApproved ||
                        payment->status == PaymentStatus::kStarted ||
                        payment->status == PaymentStatus::kPending);
        const auto want = o.status == OrderStatus::kFailed ? SagaState::kFailed
                                                           : SagaState::kCancelled;
        if (count(ReservationState::kLive) > 0 || points_net != 0 ||
            coupon.has_value() || holds_money || saga->state != want) {
          flag("order.effects", o.id,
               "{}: {} live reservations, points used {} restored {}, coupon held {}, payment "
               "{}, saga {}",
               to_string(o.status), count(ReservationState::kLive), used_points, restored_points,
               coupon.has_value(), pay, to_string(saga->state));
        }
        break;
      }
      case OrderStatus::kPending:
      case OrderStatus::kAwaitingPayment:
        if (settled_ && o.status == OrderStatus::kPending) {
          flag("order.stuck", o.id, "PENDING with saga {}", to_string(saga->state));
        }
        if (o.status == OrderStatus::kAwaitingPayment && !in_flight(saga->state) &&
            saga->state != SagaState::kAwaitingPayment) {
          flag("order.effects", o.id, "AWAITING_PAYMENT with saga {}", to_string(saga->state));
        }
        break;
    }
  }

  void events(const Order& o) {
    // Compaction removed delivered events older than events_removed_before_: an order created
    // before it may have lost its events (0 of them is then no violation; 2 still is).
    const bool may_be_removed = o.created_at < events_removed_before_;
    auto wrong = [&](std::int64_t n) { return n != 1 && !(n == 0 && may_be_removed); };
    if (wrong(tx_->count_order_events("OrderCreated", o.id))) {
      flag("outbox.events", o.id, "{} OrderCreated events", tx_->count_order_events("OrderCreated", o.id));
    }
    const char* end = nullptr;
    switch (o.status) {
      case OrderStatus::kConfirmed:
      case OrderStatus::kShipped:
      case OrderStatus::kDelivered:
        end = "OrderConfirmed";
        break;
      case OrderStatus::kFailed:
        end = "OrderFailed";
        break;
      case OrderStatus::kCancelled:
        end = "OrderCancelled";
        break;
      default:
        break;
    }
    if (end && wrong(tx_->count_order_events(end, o.id))) {
      flag("outbox.events", o.id, "{} but {} {} events", to_string(o.status),
           tx_->count_order_events(end, o.id), end);
    }
  }

  Storage& storage_;
  Transaction* tx_ = nullptr;  // the unit of the page being checked
  const bool settled_;
  const int max_;
  const FileCheck file_;
  std::vector<std::string> damage_;
  Timestamp events_removed_before_ = 0;
  InvariantReport report_;
};

}  // namespace

InvariantReport check_invariants(Store& store, bool expect_settled, int max_violations,
                                 FileCheck file) {
  if (max_violations < 1) throw Error::invalid_argument("max_violations", "must be at least 1");
  return Checker(detail::storage_of(store), expect_settled, max_violations, file).run();
}

}  // namespace commerce
