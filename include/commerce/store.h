// commerce/store.h: the facade a host opens; it owns the storage and hands out the services.
//
//   auto store = commerce::Store::open("shop.db");          // SQLite file
//   store->catalog().create({.id = "sku-1", .name = "Mug", .price = 12000, .initial_stock = 5});
//   store->stock().reserve("order-1", {{"sku-1", 2}});
//
// Thread safety: a Store and its services are safe to use from any number of threads at once;
// several processes may open the same SQLite file or PostgreSQL database.
#pragma once

#include <memory>
#include <string>

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
#include "commerce/storage.h"

namespace commerce {

struct StoreOptions {
  // ISO 4217 code of the one currency of this store; fixed when the store is first opened.
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
  // Open for inspection only (issue 15): every call that writes fails with FailedPrecondition
  // and nothing is created or migrated. Store::open(location) opens SQLite read-only
  // (SqliteOptions::read_only: works on read-only media); over other storage the store refuses
  // write units itself. The store must exist (FailedPrecondition otherwise).
  bool read_only = false;
};

class Store {
 public:
  // Opens a store by location: a file path or "sqlite:PATH" for SQLite. Other schemes are
  // opened by their optional components (see commerce/postgres_storage.h).
  // Opening reads the store first and takes the write lock only to initialize a new store (or,
  // SQLite, to migrate an older schema): an existing store opens while another process writes.
  // Errors: InvalidArgument (unknown scheme, options), FailedPrecondition (the store was
  // created with another currency; read_only and no store there; see the adapter's own
  // errors), Unavailable.
  static std::unique_ptr<Store> open(const std::string& location, StoreOptions options = {});
  // Opens a store over any Storage adapter, including a third party's.
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

  Storage& storage();
  const Clock& clock() const;
  const StoreOptions& options() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace commerce
