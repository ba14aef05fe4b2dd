// commerce/storage.h: the storage interface that every adapter implements.
//
// The domain logic (validation, pricing, state machines, events) lives above this interface,
// once. An adapter holds SQL and nothing else: each Transaction method is one statement's worth
// of work, and every method named try_* is a conditional update that reports whether it applied
// (never read-then-write).
//
// Unit of work: Storage::run() gives a callback a Transaction and commits it when the callback
// returns. The callback shape lets an adapter retry the whole unit on transient contention and
// lets an adapter coalesce concurrent callers' units into one transaction (a savepoint each).
// Therefore a callback must have no effect outside the Transaction and may run more than once.
//
// Thread safety: a Storage is shared by all threads of a process; run() may be called from any
// number of threads at once. A Transaction belongs to the callback it was given to and must not
// escape it.
//
// Errors: adapters turn driver errors into commerce::Error at this boundary; no driver exception
// or status ever escapes. Anything the callback throws rolls the unit back and is rethrown as is.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/points.h"
#include "commerce/stock.h"

namespace commerce {

// A stored idempotency key: the command and arguments it was first used with, and the result.
struct RequestRecord {
  std::string fingerprint;  // canonical JSON of the command name and its arguments
  std::string result;       // JSON of the first result
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- idempotency keys and store settings
  virtual std::optional<RequestRecord> find_request(const std::string& request_id) = 0;
  virtual void insert_request(const std::string& request_id, const RequestRecord& record,
                              Timestamp now) = 0;
  virtual std::optional<std::string> find_setting(const std::string& key) = 0;
  virtual void put_setting(const std::string& key, const std::string& value) = 0;

  // --- catalog
  // Returns false (and changes nothing) if a product with this id exists.
  virtual bool insert_product(const Product& product) = 0;
  virtual void update_product(const Product& product) = 0;
  virtual std::optional<Product> find_product(const std::string& id) = 0;
  // Products matching `filter` with id > after_id, by id, at most `limit`.
  virtual std::vector<Product> list_products(const ProductFilter& filter,
                                             const std::string& after_id, int limit) = 0;
  // Returns false if the id exists.
  virtual bool insert_category(const Category& category) = 0;
  virtual std::optional<Category> find_category(const std::string& id) = 0;
  virtual std::vector<Category> list_categories() = 0;

  // --- stock
  virtual void insert_stock(const std::string& product_id) = 0;  // all counters 0
  virtual std::optional<StockLevel> find_stock(const std::string& product_id) = 0;
  // reserved += qty where on_hand - reserved >= qty.
  virtual bool try_reserve_stock(const std::string& product_id, std::int64_t qty) = 0;
  // reserved -= qty where reserved >= qty.
  virtual bool try_unreserve_stock(const std::string& product_id, std::int64_t qty) = 0;
  // on_hand -= qty, reserved -= qty, sold += qty where reserved >= qty and on_hand >= qty.
  virtual bool try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) = 0;
  // on_hand += delta where on_hand + delta >= reserved.
  virtual bool try_adjust_stock(const std::string& product_id, std::int64_t delta) = 0;
  virtual void insert_stock_adjustment(const StockAdjustment& adjustment) = 0;
  virtual void insert_reservation(const Reservation& reservation) = 0;
  // The order's rows in every state, by product id.
  virtual std::vector<Reservation> find_reservations(const std::string& order_id) = 0;
  // state: from -> to for one row; false if the row was not in `from`.
  virtual bool try_set_reservation_state(const std::string& order_id,
                                         const std::string& product_id, ReservationState from,
                                         ReservationState to) = 0;
  // Distinct orders holding a live reservation with expires_at <= now, oldest expiry first.
  virtual std::vector<std::string> find_expired_reservation_orders(Timestamp now, int limit) = 0;

  // --- points
  virtual Money find_points_balance(const std::string& user_id) = 0;  // 0 if none
  // balance -= amount where balance >= amount.
  virtual bool try_debit_points(const std::string& user_id, Money amount) = 0;
  // balance += amount (creating the balance row); false if the result would overflow.
  virtual bool try_credit_points(const std::string& user_id, Money amount) = 0;
  virtual void insert_points_entry(const PointsEntry& entry) = 0;
  virtual std::vector<PointsEntry> find_points_entries_for_order(const std::string& order_id) = 0;
  // The user's entries with id < before_id (all if empty), newest first, at most `limit`.
  virtual std::vector<PointsEntry> list_points_entries(const std::string& user_id,
                                                       const std::string& before_id,
                                                       int limit) = 0;

  // --- coupons
  // Returns false if the code exists.
  virtual bool insert_coupon_template(const CouponTemplate& tmpl) = 0;
  virtual std::optional<CouponTemplate> find_coupon_template(const std::string& id) = 0;
  virtual std::optional<CouponTemplate> find_coupon_template_by_code(const std::string& code) = 0;
  // issued_count += 1 where issued_count < total_limit.
  virtual bool try_count_template_issue(const std::string& template_id) = 0;
  // The user's issued count for the template += 1 where it is < per_user_limit.
  virtual bool try_count_user_issue(const std::string& template_id, const std::string& user_id,
                                    std::int64_t per_user_limit) = 0;
  virtual void insert_coupon(const Coupon& coupon) = 0;
  virtual std::optional<Coupon> find_coupon(const std::string& id) = 0;
  // The coupon currently used by the order, if any.
  virtual std::optional<Coupon> find_coupon_used_by(const std::string& order_id) = 0;
  // status: from -> to and order_id := order_id, where status = from; false otherwise.
  virtual bool try_set_coupon_status(const std::string& coupon_id, CouponStatus from,
                                     CouponStatus to, const std::string& order_id,
                                     Timestamp now) = 0;
  // The user's coupons with id > after_id, by id, at most `limit`.
  virtual std::vector<Coupon> list_coupons(const std::string& user_id,
                                           const std::string& after_id, int limit) = 0;

  // --- outbox
  // Appends the event; returns its outbox position (seq), increasing in commit order per key.
  virtual std::int64_t append_event(const Event& event) = 0;
  // Events with seq > after_seq, by seq, at most `limit`.
  virtual std::vector<Event> read_outbox(std::int64_t after_seq, int limit) = 0;
};

class Storage {
 public:
  enum class Access {
    kRead,   // the callback only reads
    kWrite,  // the callback may write; units of work that write are serialized per row
  };

  virtual ~Storage() = default;

  // Runs `work` in one transaction and commits it. If `work` throws, the unit is rolled back
  // and the exception rethrown unchanged. Transient contention (lock busy, serialization
  // failure, deadlock, a connection lost before commit) rolls back and runs `work` again;
  // callers never see it, unless it lasts past the adapter's retry budget: then Unavailable.
  virtual void run(Access access, const std::function<void(Transaction&)>& work) = 0;

  // Where the data lives, e.g. "sqlite:/var/lib/shop.db" (no credentials).
  virtual std::string url() const = 0;
};

// Opens storage by location: "sqlite:PATH" or a plain path opens SQLite; any other
// "SCHEME://..." goes to the opener registered for SCHEME (the optional components register
// theirs, e.g. "postgresql"). Errors: InvalidArgument naming "location" for an unknown scheme,
// and whatever the adapter reports.
std::unique_ptr<Storage> open_storage(const std::string& location);

using StorageOpener = std::function<std::unique_ptr<Storage>(const std::string& location)>;
// Makes open_storage() send "SCHEME://..." locations to `opener`. Thread-safe.
void register_storage_scheme(const std::string& scheme, StorageOpener opener);

// Convenience: runs `work` as a unit and returns what it returns.
template <class F>
auto run_unit(Storage& storage, Storage::Access access, F&& work)
    -> std::invoke_result_t<F, Transaction&> {
  using R = std::invoke_result_t<F, Transaction&>;
  if constexpr (std::is_void_v<R>) {
    storage.run(access, [&](Transaction& tx) { work(tx); });
  } else {
    std::optional<R> result;
    storage.run(access, [&](Transaction& tx) { result = work(tx); });
    return std::move(*result);
  }
}

}  // namespace commerce
