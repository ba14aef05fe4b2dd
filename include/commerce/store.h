// commerce/store.h: the facade a host opens; it owns the storage and hands out the services.
//
//   auto store = commerce::Store::open("shop.db");          // SQLite file
//   store->catalog().create({.id = "sku-1", .name = "Mug", .price = 12000, .initial_stock = 5});
//   store->stock().reserve("order-1", {{"sku-1", 2}});
//   store->run_unit([](commerce::Unit& unit) { unit.points().credit("alice", 500, "welcome"); },
//                   commerce::UnitMode::kWrite);
//
// Thread safety: a Store and its services are safe to use from any number of threads at once;
// several processes may open the same SQLite file or PostgreSQL database.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "commerce/allocation.h"
#include "commerce/carts.h"
#include "commerce/catalog.h"
#include "commerce/clock.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/inbox.h"
#include "commerce/locations.h"
#include "commerce/metrics.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/points.h"
#include "commerce/pricing.h"
#include "commerce/returns.h"
#include "commerce/saga.h"
#include "commerce/shipments.h"
#include "commerce/stock.h"
#include "commerce/unit.h"

namespace commerce {

class Storage;  // the storage adapter interface (commerce/storage.h)

namespace detail {
struct StoreAccess;
}

// How long Store::compact() keeps what it may remove (issue 15). A window of 0 keeps those rows
// forever. What `check` and audit need is never removed: orders, their items and audit rows,
// payments, ledgers, coupons, stock and its adjustments, sagas' own rows, pending and dead
// events.
struct RetentionOptions {
  // Delivered outbox events older than this (default 7 days). Pending and dead events stay.
  std::int64_t delivered_events_ms = 7LL * 24 * 60 * 60 * 1000;
  // Log lines of sagas that ended (confirmed, failed, cancelled) longer ago than this (default
  // 7 days); the saga's own row stays.
  std::int64_t finished_saga_logs_ms = 7LL * 24 * 60 * 60 * 1000;
  // Idempotency keys: a request_id is remembered this long (default 24 hours, as Stripe does).
  // Within it a replay returns the first result; after it the same request_id is a new request.
  std::int64_t idempotency_keys_ms = 24LL * 60 * 60 * 1000;
  // Inbox records (message ids applied): a message redelivered within this window (default 7
  // days) is recognised and skipped; after it, it would be applied again.
  std::int64_t inbox_messages_ms = 7LL * 24 * 60 * 60 * 1000;
  // Personal data (PIPA, GDPR): the shipping addresses of finished orders (DELIVERED, CANCELLED,
  // FAILED) whose last state change is older than this are erased
  // (OrderBook::erase_personal_data_before, one OrderPersonalDataErased event each), and those
  // of closed carts (checked out, expired, merged) last changed longer ago. 0 (the default)
  // keeps them forever.
  std::int64_t personal_data_ms = 0;
  // Rows examined (and at most deleted) per unit of work, 1..10000 (default 500): each unit
  // holds the write lock only for that long.
  int batch_size = 500;
};

// What one Store::compact() removed.
struct CompactionReport {
  std::int64_t events = 0;          // delivered outbox events
  std::int64_t saga_log_lines = 0;  // log lines of finished sagas
  std::int64_t requests = 0;        // idempotency records
  std::int64_t inbox_messages = 0;  // inbox records
  std::int64_t orders_erased = 0;   // orders whose shipping address was erased
  std::int64_t carts_erased = 0;    // closed carts whose shipping address was erased
  std::int64_t units = 0;           // units of work it took
};

struct StoreOptions {
  // ISO 4217 code of the one currency of this store; fixed when the store is first opened.
  // Empty: the currency the store was created with (opening a new store then fails, changing
  // nothing, with FailedPrecondition naming "currency").
  std::string currency = "KRW";
  // Source of time; the system clock by default.
  std::shared_ptr<Clock> clock;
  // How event topics are named.
  TopicNaming topic_naming = TopicNaming::kPerDomain;
  // How long a stock reservation lives before the sweep releases it (default 15 minutes).
  std::int64_t reservation_ttl_ms = 15 * 60 * 1000;
  // How long a guest cart lives after its last change before Carts::sweep() expires it
  // (default 7 days; commerce/carts.h). Must be positive.
  std::int64_t guest_cart_ttl_ms = kDefaultGuestCartTtlMs;
  // How long Carts::hold() keeps a cart's stock reserved (default 10 minutes); after it, the
  // stock sweep (StockLedger::release_expired) frees the units. Must be positive.
  std::int64_t cart_hold_ms = 10 * 60 * 1000;
  // The payment provider orders are charged through. Null by default: then only orders whose
  // total is 0 (points and coupon cover them) can be placed.
  std::shared_ptr<PaymentGateway> gateway;
  // Host-defined saga steps, gateway timeout and retries (commerce/saga.h).
  SagaOptions saga;
  // How a reservation picks the stock locations each line takes units from
  // (commerce/allocation.h): priority_allocation(), fewest_shipments_allocation(),
  // region_first_allocation() or the host's own. Null: priority_allocation() (Store::open sets
  // it). Its plan() is called from any thread that reserves, concurrently; every plan is checked
  // (checked_plan) and a bad one fails the reservation with InvalidArgument naming
  // "allocation_strategy", writing nothing.
  std::shared_ptr<const AllocationStrategy> allocation_strategy;
  // The shipping options an order may choose (PlaceOrder::shipping_option; commerce/pricing.h):
  // flat_shipping(), free_shipping_above(), weight_shipping() or the host's own. Their ids must
  // be distinct (Store::open fails with InvalidArgument naming "shipping_options" otherwise, or
  // for a null entry).
  std::vector<std::shared_ptr<const ShippingOption>> shipping_options;
  // The carriers shipments may name (CreateShipment::carrier), by name: FakeCarrier or the
  // host's own (commerce/shipments.h). Names are ids (Store::open fails with InvalidArgument
  // naming "carriers" otherwise, or for a null carrier).
  std::map<std::string, std::shared_ptr<Carrier>> carriers;
  // How orders are taxed (commerce/pricing.h). Null: korean_vat() (10% on "standard", prices
  // including it; Store::open sets it). A product's tax class is its attribute "tax_class".
  std::shared_ptr<const TaxCalculator> tax_calculator;
  // Open for inspection only (issue 15): every call that writes fails with FailedPrecondition.
  // Store::open(location) opens SQLite read-only (SqliteOptions::read_only: nothing is created
  // or migrated, and it works on read-only media); over other storage the store refuses write
  // units itself (a PostgreSQL database behind the library is still migrated as it is opened).
  // The store must exist (FailedPrecondition otherwise).
  bool read_only = false;
  // Retention windows of compact().
  RetentionOptions retention;
  // The return window and the shipping fee's refund policy (commerce/returns.h).
  ReturnOptions returns;
};

class Store {
 public:
  // Opens a store by location: a file path or "sqlite:PATH" for SQLite. Other schemes are
  // opened by their optional components (see commerce/postgres_storage.h).
  // Opening reads the store first and takes the write lock only to initialize a new store (or,
  // SQLite, to migrate an older schema): an existing store opens while another process writes.
  // Errors: InvalidArgument (unknown scheme, options), FailedPrecondition (the store was
  // created with another currency; or the store is new and `currency` empty; read_only and
  // no store there; see the adapter's own errors), Unavailable.
  static std::unique_ptr<Store> open(const std::string& location, StoreOptions options = {});
  // Opens a store over any Storage adapter, including a third party's (commerce/storage.h).
  // Errors: InvalidArgument ("storage" null, options), FailedPrecondition (currency), and
  // whatever the adapter reports.
  static std::unique_ptr<Store> open(std::unique_ptr<Storage> storage, StoreOptions options = {});

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Catalog& catalog();
  StockLedger& stock();
  // Stock locations (commerce/locations.h).
  StockLocations& locations();
  PointsLedger& points();
  CouponBook& coupons();
  // Orders, their saga, payments, cancellation and recovery (commerce/orders.h).
  OrderBook& orders();
  // Carts of users and guests, sharing, wishlists (commerce/carts.h).
  Carts& carts();
  // Shipments of confirmed orders, carriers and tracking (commerce/shipments.h).
  Shipments& shipments();
  // Returns of delivered units (commerce/returns.h).
  Returns& returns();
  // Incoming events from other services, each applied once (commerce/inbox.h).
  Inbox& inbox();

  // Runs `work` with a Unit (commerce/unit.h) over one unit of work and returns what it returns.
  // With UnitMode::kWrite what it writes through the unit commits together when it returns, or
  // not at all if it throws (the exception propagates unchanged); then the unit's after_commit
  // actions run. The unit may be run again on storage contention, so `work` must have no other
  // effect. Errors: what `work` throws; Unavailable (storage busy past its retry budget).
  template <class Work>
  auto run_unit(Work&& work, UnitMode mode = UnitMode::kRead)
      -> std::invoke_result_t<Work&, Unit&> {
    using Result = std::invoke_result_t<Work&, Unit&>;
    if constexpr (std::is_void_v<Result>) {
      run_in_unit([&](Unit& unit) { work(unit); }, mode);
    } else {
      std::optional<Result> result;
      run_in_unit([&](Unit& unit) { result.emplace(work(unit)); }, mode);
      return std::move(*result);
    }
  }

  // Where the data lives, e.g. "sqlite:/var/lib/shop.db" (no credentials).
  std::string url() const;

  // Removes what the retention windows of StoreOptions::retention let go, oldest first, in
  // units of work of at most retention.batch_size rows each (writers wait for one unit at most,
  // never for the whole pass); the space is reused by later writes (SQLite keeps freed pages
  // for new rows, so the file stops growing under a steady load; PostgreSQL's autovacuum does
  // the same). Safe while other threads and processes use the store, and to run from several
  // at once; run it periodically (e.g. hourly; `commerce compact`). Its cost is that of the rows
  // it removes plus one window per log, not the size of the store. With
  // retention.personal_data_ms it also erases old shipping addresses (orders and carts), in
  // units of batch_size orders or carts.
  // Errors: InvalidArgument naming the retention field that is out of range, FailedPrecondition
  // (a read-only store), Unavailable.
  CompactionReport compact();
  // What this Store object has done since it was opened: orders by outcome, saga steps,
  // gateway and carrier calls with their latency, storage retries, the relay's deliveries,
  // failures, dead letters and lag (commerce/metrics.h says what each counts and when). Cheap
  // (reads atomics, no storage access); thread-safe.
  MetricsSnapshot metrics() const;
  const Clock& clock() const;
  const StoreOptions& options() const;

 private:
  friend struct detail::StoreAccess;
  struct Impl;
  void run_in_unit(const std::function<void(Unit&)>& work, UnitMode mode);
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commerce
