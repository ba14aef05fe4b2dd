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
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "commerce/catalog.h"
#include "commerce/clock.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/inbox.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/points.h"
#include "commerce/saga.h"
#include "commerce/stock.h"
#include "commerce/unit.h"

namespace commerce {

class Storage;  // the storage adapter interface (commerce/storage.h)

namespace detail {
struct StoreAccess;
}

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
  // The payment provider orders are charged through. Null by default: then only orders whose
  // total is 0 (points and coupon cover them) can be placed.
  std::shared_ptr<PaymentGateway> gateway;
  // Host-defined saga steps, gateway timeout and retries (commerce/saga.h).
  SagaOptions saga;
};

class Store {
 public:
  // Opens a store by location: a file path or "sqlite:PATH" for SQLite. Other schemes are
  // opened by their optional components (see commerce/postgres_storage.h).
  // Errors: InvalidArgument (unknown scheme, options), FailedPrecondition (the store was
  // created with another currency; or the store is new and `currency` empty), Unavailable.
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
  PointsLedger& points();
  CouponBook& coupons();
  // Orders, their saga, payments, cancellation and recovery (commerce/orders.h).
  OrderBook& orders();
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
