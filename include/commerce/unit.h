// commerce/unit.h: the domain operations a host runs inside one open unit of work.
//
// A Unit is what an inbox handler (InboxContext::unit()) and Store::run_unit() give the host's
// code: a view of one open transaction whose every call keeps the library's invariants and
// writes its outbox events inside that transaction, exactly as the Store's services do. What
// the calls write commits together with the rest of the unit (the inbox record, for a handler)
// or not at all: if the host's code throws, nothing it wrote through the unit stays.
//
//   store->inbox().register_handler("LoyaltyBonus", [](commerce::InboxContext& ctx,
//                                                      const commerce::IncomingMessage& m) {
//     ctx.unit().points().credit(m.string_field("user_id"), m.int_field("amount"),
//                                "loyalty bonus " + m.id);
//   });
//   auto level = store->run_unit([](commerce::Unit& unit) {
//     return unit.stock().adjust("sku-1", 5, "found in the back room");
//   }, commerce::UnitMode::kWrite);
//
// Every call validates its arguments first: bad input is InvalidArgument naming the argument
// ("user_id", "amount", "reason", ...) and changes nothing. A call that refuses (NotFound,
// FailedPrecondition) changes nothing either; the unit stays usable, and the host's code decides
// whether to throw (rolling the whole unit back) or carry on. Calls that write in a read unit
// (UnitMode::kRead) are FailedPrecondition naming "unit".
//
// The unit may be run more than once (storage retries it on contention), so the host's code
// must have no effect outside the unit; work that must happen once, after the commit, goes to
// after_commit().
//
// Thread safety: a Unit and its views belong to the callback they were given to, on its
// thread, and must not be used after it returns.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "commerce/catalog.h"
#include "commerce/clock.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/money.h"
#include "commerce/orders.h"
#include "commerce/outbox.h"
#include "commerce/payments.h"
#include "commerce/points.h"
#include "commerce/saga.h"
#include "commerce/stock.h"

namespace commerce {

namespace detail {
struct Command;
struct UnitAccess;
}  // namespace detail

class Unit;

// Whether a unit of work may write.
enum class UnitMode {
  kRead,   // lookups only; writing calls are FailedPrecondition naming "unit"
  kWrite,  // may write; units that write are serialized per row
};

// Points balances, kept as a ledger (commerce/points.h).
class UnitPoints {
 public:
  // Adds `amount` (1..1e15) to the user's balance with a ledger entry (kind kAdjust, `reason`,
  // balance_after) and a PointAdjusted event; returns the entry. Errors: InvalidArgument naming
  // "user_id", "amount" (also if the balance would overflow) or "reason" (1..512 bytes of
  // text); FailedPrecondition naming "unit" in a read unit.
  PointsEntry credit(const std::string& user_id, Money amount, const std::string& reason);
  // Takes `amount` (1..1e15) from the user's balance, never below zero, with a ledger entry
  // (kind kAdjust, amount negative, `reason`, balance_after) and a PointAdjusted event; returns
  // the entry. Errors: as credit(), and FailedPrecondition kInsufficientPoints naming the user
  // (nothing changed).
  PointsEntry debit(const std::string& user_id, Money amount, const std::string& reason);
  // The user's balance (0 for a user with no entries). Errors: InvalidArgument naming "user_id".
  Money balance(const std::string& user_id) const;

 private:
  friend class Unit;
  explicit UnitPoints(Unit& unit) : unit_(unit) {}
  Unit& unit_;
};

// Stock levels and reservations (commerce/stock.h).
class UnitStock {
 public:
  // Restock (delta > 0) or shrink (delta < 0, never below what is reserved) at the location
  // "default" with an audit row and a StockAdjusted event; returns the level after it. Errors: InvalidArgument naming
  // "product_id", "delta" (0, beyond +-1e9, or on_hand would overflow) or "reason";
  // NotFound (product); FailedPrecondition kOutOfStock naming the product; FailedPrecondition
  // naming "unit" in a read unit.
  StockLevel adjust(const std::string& product_id, std::int64_t delta, const std::string& reason);
  // The product's stock, or nothing if there is no such product. Errors: InvalidArgument naming
  // "product_id".
  std::optional<StockLevel> level(const std::string& product_id) const;
  // The order's reservation rows in every state, by product id. Errors: InvalidArgument naming
  // "order_id".
  std::vector<Reservation> reservations(const std::string& order_id) const;

 private:
  friend class Unit;
  explicit UnitStock(Unit& unit) : unit_(unit) {}
  Unit& unit_;
};

// The transactional outbox (commerce/event.h, docs/events.md).
class UnitEvents {
 public:
  // Appends a host event to the outbox; the relay publishes it only if the unit commits.
  // `type`: 2..8 PascalCase words (each an uppercase letter then lowercase letters or digits,
  // at most 64 characters, e.g. "LoyaltyBonusApplied"), not one of the library's own types.
  // `key`: the aggregate id (1..128 id characters; the Kafka partition key). `payload`: JSON
  // object text, at most 64 KiB. The topic follows StoreOptions::topic_naming: "host-events",
  // or "host.{first word}.{the other words in kebab case}" ("host.loyalty.bonus-applied").
  // Returns the event as appended (id, seq, topic, occurred_at = now()). Errors:
  // InvalidArgument naming "type", "key" or "payload"; FailedPrecondition naming "unit" in a
  // read unit.
  Event emit(const std::string& type, const std::string& key, const std::string& payload);
  // Outbox events with seq > after_seq, by seq, at most `limit` (1..1000). Errors:
  // InvalidArgument naming "after_seq" (negative) or "limit".
  std::vector<Event> outbox(std::int64_t after_seq = 0, int limit = 100) const;
  // Pending, delivered and dead-lettered counts and the oldest pending time, exact: reads every
  // outbox row (O(n); OutboxRelay::stats() gives the lag with index seeks).
  OutboxCounts counts() const;

 private:
  friend class Unit;
  explicit UnitEvents(Unit& unit) : unit_(unit) {}
  Unit& unit_;
};

// Lookups of the catalog, coupons and orders; they never write.
class UnitLookups {
 public:
  // The product (any status), or nothing. Errors: InvalidArgument naming "product_id".
  std::optional<Product> product(const std::string& product_id) const;
  // The issued coupon, or nothing. Errors: InvalidArgument naming "coupon_id".
  std::optional<Coupon> coupon(const std::string& coupon_id) const;
  // The order with its items, or nothing. Errors: InvalidArgument naming "order_id".
  std::optional<Order> order(const std::string& order_id) const;
  // The order's payment (at most one), or nothing. Errors: InvalidArgument naming "order_id".
  std::optional<Payment> payment(const std::string& order_id) const;
  // The order's saga as stored, or nothing. Errors: InvalidArgument naming "order_id".
  std::optional<SagaRecord> saga(const std::string& order_id) const;
  // The order's saga log in the order it was written (empty if none). Errors: InvalidArgument
  // naming "order_id".
  std::vector<SagaLogEntry> saga_log(const std::string& order_id) const;

 private:
  friend class Unit;
  explicit UnitLookups(Unit& unit) : unit_(unit) {}
  Unit& unit_;
};

class Unit {
 public:
  Unit(const Unit&) = delete;
  Unit& operator=(const Unit&) = delete;

  UnitPoints& points() { return points_; }
  UnitStock& stock() { return stock_; }
  UnitEvents& events() { return events_; }
  UnitLookups& lookups() { return lookups_; }

  // The store clock's time for this unit (ms since the epoch): every row and event it writes
  // carries it.
  Timestamp now() const;
  bool writable() const { return mode_ == UnitMode::kWrite; }
  // Runs `action` after the unit committed (for work that must not run inside it, such as a
  // call to another service); it is not run if the unit rolls back. Its errors are not
  // reported, and it must be safe to skip: a crash may lose it.
  void after_commit(std::function<void()> action) { after_commit_.push_back(std::move(action)); }

 private:
  friend struct detail::UnitAccess;
  friend class UnitPoints;
  friend class UnitStock;
  friend class UnitEvents;
  friend class UnitLookups;
  Unit(detail::Command& command, UnitMode mode) : command_(command), mode_(mode) {}

  // The command to write through; FailedPrecondition naming "unit" in a read unit.
  detail::Command& writing(const char* call);

  detail::Command& command_;
  UnitMode mode_;
  std::vector<std::function<void()>> after_commit_;
  UnitPoints points_{*this};
  UnitStock stock_{*this};
  UnitEvents events_{*this};
  UnitLookups lookups_{*this};
};

}  // namespace commerce
