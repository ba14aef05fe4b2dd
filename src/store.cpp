#include "commerce/store.h"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "commerce/error.h"
#include "commerce/sqlite_storage.h"
#include "commerce/storage.h"
#include "domain/context.h"
#include "domain/metrics_recorder.h"
#include "domain/pricing/price_pipeline.h"
#include "domain/retention.h"
#include "domain/unit_access.h"
#include "domain/validate.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {

namespace {

struct SchemeRegistry {
  std::mutex mu;
  std::map<std::string, StorageOpener> openers;
};

SchemeRegistry& schemes() {
  static SchemeRegistry registry;
  return registry;
}

// Empty: the currency the store was created with (see StoreOptions::currency).
void check_currency(const std::string& currency) {
  if (currency.empty()) return;
  if (currency.size() != 3 ||
      !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    throw Error::invalid_argument("currency", "must be a three-letter ISO 4217 code, e.g. KRW");
  }
}

}  // namespace

void register_storage_scheme(const std::string& scheme, StorageOpener opener) {
  std::lock_guard lock(schemes().mu);
  schemes().openers[scheme] = std::move(opener);
}

namespace {

// open_storage(), with SQLite opened read-only when `read_only`.
std::unique_ptr<Storage> open_location(const std::string& location, bool read_only) {
  if (location.empty()) throw Error::invalid_argument("location", "must not be empty");
  SqliteOptions sqlite_options;
  sqlite_options.read_only = read_only;
  const auto sep = location.find("://");
  if (sep == std::string::npos) {
    constexpr std::string_view kPrefix = "sqlite:";
    if (location.starts_with(kPrefix)) {
      return open_sqlite_storage(location.substr(kPrefix.size()), sqlite_options);
    }
    return open_sqlite_storage(location, sqlite_options);
  }
  const std::string scheme = location.substr(0, sep);
  if (scheme == "sqlite") return open_sqlite_storage(location.substr(sep + 3), sqlite_options);
  StorageOpener opener;
  {
    std::lock_guard lock(schemes().mu);
    auto it = schemes().openers.find(scheme);
    if (it == schemes().openers.end() && scheme == "postgres") {
      it = schemes().openers.find("postgresql");
    }
    if (it != schemes().openers.end()) opener = it->second;
  }
  if (!opener) {
    throw Error::invalid_argument(
        "location", fmt::format("no storage adapter for scheme '{}' in this build", scheme));
  }
  return opener(location);
}

// Refuses write units: a store opened with StoreOptions::read_only over any adapter.
class ReadOnlyStorage final : public Storage {
 public:
  explicit ReadOnlyStorage(std::unique_ptr<Storage> inner) : inner_(std::move(inner)) {}
  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    if (access == Access::kWrite) {
      throw Error::failed_precondition(Reason::kNone, url(),
                                       fmt::format("{} is opened read-only", url()));
    }
    inner_->run(access, work);
  }
  std::string url() const override { return inner_->url(); }

 private:
  std::unique_ptr<Storage> inner_;
};

}  // namespace

std::unique_ptr<Storage> open_storage(const std::string& location) {
  return open_location(location, false);
}

struct Store::Impl {
  Impl(std::unique_ptr<Storage> s, StoreOptions o)
      : storage(std::make_unique<detail::MeteredStorage>(std::move(s), metrics)),
        clock(o.clock ? o.clock : system_clock()),
        ctx{*storage, *clock, std::move(o), metrics},
        catalog(ctx),
        stock(ctx),
        locations(ctx),
        points(ctx),
        coupons(ctx),
        orders(ctx),
        carts(ctx, orders),
        shipments(ctx),
        returns(ctx, orders),
        inbox(ctx, &orders) {}

  detail::MetricsRecorder metrics;  // before storage, which counts into it
  std::unique_ptr<Storage> storage;
  std::shared_ptr<Clock> clock;
  detail::Context ctx;
  Catalog catalog;
  StockLedger stock;
  StockLocations locations;
  PointsLedger points;
  CouponBook coupons;
  OrderBook orders;
  Carts carts;
  Shipments shipments;
  Returns returns;
  Inbox inbox;  // after orders: its built-in handlers drive the order saga
};

std::unique_ptr<Store> Store::open(const std::string& location, StoreOptions options) {
  check_currency(options.currency);
  return open(open_location(location, options.read_only), std::move(options));
}

std::unique_ptr<Store> Store::open(std::unique_ptr<Storage> storage, StoreOptions options) {
  if (!storage) throw Error::invalid_argument("storage", "must not be null");
  check_currency(options.currency);
  if (options.reservation_ttl_ms <= 0) {
    throw Error::invalid_argument("reservation_ttl_ms", "must be positive");
  }
  if (options.cart_hold_ms <= 0) throw Error::invalid_argument("cart_hold_ms", "must be positive");
  if (options.guest_cart_ttl_ms <= 0) {
    throw Error::invalid_argument("guest_cart_ttl_ms", "must be positive");
  }
  detail::check_retention(options.retention);
  if (options.returns.window_ms <= 0) {
    throw Error::invalid_argument("returns.window_ms", "must be positive");
  }
  if (!options.allocation_strategy) options.allocation_strategy = priority_allocation();
  detail::check_shipping_options(options.shipping_options);
  for (const auto& [name, carrier] : options.carriers) {
    detail::check_id("carriers", name);
    if (!carrier) throw Error::invalid_argument("carriers", "carrier '" + name + "' is null");
  }
  if (!options.tax_calculator) options.tax_calculator = korean_vat();
  if (options.read_only) storage = std::make_unique<ReadOnlyStorage>(std::move(storage));
  // An empty currency adopts the store's own (a new store needs one).
  const bool own_currency = options.currency.empty();
  auto check_stored = [&](const std::optional<std::string>& currency) {
    if (currency && own_currency) {
      options.currency = *currency;
    } else if (currency && *currency != options.currency) {
      throw Error::failed_precondition(
          Reason::kNone, "currency",
          fmt::format("the store at {} uses {}, not {}", storage->url(), *currency,
                      options.currency));
    }
  };
  // Read first: an existing store is opened without the write lock (a reader never waits for
  // a writer), and a read-only one can be opened at all.
  std::optional<std::string> stored;
  commerce::run_unit(*storage, Storage::Access::kRead,
                     [&](Transaction& tx) { stored = tx.find_setting("currency"); });
  check_stored(stored);
  if (!stored && options.read_only) {
    throw Error::failed_precondition(
        Reason::kNone, storage->url(),
        fmt::format("{} is not a commerce store yet, and is opened read-only", storage->url()));
  }
  if (!stored && own_currency) {
    throw Error::failed_precondition(
        Reason::kNone, "currency",
        fmt::format("the store at {} is new: open it with a currency to create it",
                    storage->url()));
  }
  if (!stored) {
    commerce::run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
      auto currency = tx.find_setting("currency");
      check_stored(currency);
      if (!currency) tx.put_setting("currency", options.currency);
    });
  }
  return std::unique_ptr<Store>(
      new Store(std::make_unique<Impl>(std::move(storage), std::move(options))));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Catalog& Store::catalog() { return impl_->catalog; }
StockLedger& Store::stock() { return impl_->stock; }
StockLocations& Store::locations() { return impl_->locations; }
PointsLedger& Store::points() { return impl_->points; }
CouponBook& Store::coupons() { return impl_->coupons; }
Inbox& Store::inbox() { return impl_->inbox; }
OrderBook& Store::orders() { return impl_->orders; }
Carts& Store::carts() { return impl_->carts; }
Shipments& Store::shipments() { return impl_->shipments; }
Returns& Store::returns() { return impl_->returns; }
std::string Store::url() const { return impl_->storage->url(); }

void Store::run_in_unit(const std::function<void(Unit&)>& work, UnitMode mode) {
  std::vector<std::function<void()>> after_commit;
  commerce::run_unit(
      *impl_->storage, mode == UnitMode::kWrite ? Storage::Access::kWrite : Storage::Access::kRead,
      [&](Transaction& tx) {
        detail::Command cmd{tx, impl_->ctx, impl_->clock->now(), {}};
        after_commit = detail::UnitAccess::run(cmd, mode, work);
      });
  detail::run_after_commit(after_commit);
}

CompactionReport Store::compact() {
  return detail::compact(impl_->ctx);
}

namespace detail {

Storage& StoreAccess::storage(Store& store) { return *store.impl_->storage; }

}  // namespace detail
MetricsSnapshot Store::metrics() const { return impl_->metrics.snapshot(); }
const Clock& Store::clock() const { return *impl_->clock; }
const StoreOptions& Store::options() const { return impl_->ctx.options; }

}  // namespace commerce
