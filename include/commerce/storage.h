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
#include <utility>
#include <vector>

#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/orders.h"
#include "commerce/outbox.h"
#include "commerce/payments.h"
#include "commerce/points.h"
#include "commerce/saga.h"
#include "commerce/stock.h"

namespace commerce {

// A stored idempotency key: the command and arguments it was first used with, and the result.
struct RequestRecord {
  std::string fingerprint;  // canonical JSON of the command name and its arguments
  std::string result;       // JSON of the first result
};

// One user's stored points balance (for invariant checks).
struct PointsBalance {
  std::string user_id;
  Money balance = 0;
};

// One user's stored issue counter for a coupon template beside the coupons actually issued to
// them from it (for invariant checks and repair).
struct CouponUserIssues {
  std::string user_id;
  std::int64_t issued = 0;   // the stored counter; 0 if the user has no counter row
  std::int64_t coupons = 0;  // coupons issued from the template to the user (every status)
};

// What one retention batch over a log ordered by seq did (Transaction::delete_delivered_events
// and delete_finished_saga_logs).
struct RetentionBatch {
  std::int64_t through_seq = 0;  // the last seq looked at (the after_seq given if none)
  std::int64_t deleted = 0;      // rows deleted
  bool done = false;  // reached a row at or after the cutoff, or the end: nothing older follows
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // --- savepoints
  // Runs `work` inside a savepoint of this transaction. If `work` throws, what it changed is
  // undone, the rest of the transaction stays as it was, and the exception is rethrown (an
  // adapter's transient failure, such as a lost lock or connection, may instead abandon the
  // whole unit, which is then retried as Storage::run() describes). Calls may nest.
  virtual void savepoint(const std::function<void()>& work) = 0;

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
  // The entries recorded for the order (`order_id` is never empty), by id.
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

  // --- outbox delivery (the relay, commerce/outbox_relay.h) and the inbox (commerce/inbox.h)
  // Pending rows with seq > after_seq due for delivery, by seq, at most `limit`:
  // next_attempt_at <= now and no earlier pending row of the same key (after_seq or not) waits
  // for a later time (so a key in backoff is skipped whole and per-key order holds).
  virtual std::vector<PendingEvent> read_due_events(Timestamp now, std::int64_t after_seq,
                                                    int limit) = 0;
  // How many rows with after_seq < seq <= through_seq are pending.
  virtual std::int64_t count_pending_events(std::int64_t after_seq, std::int64_t through_seq) = 0;
  // pending -> delivered for each row of `seqs` (adapters may keep `now` as the delivery time;
  // the PostgreSQL one does), in one statement's worth of work; rows that are not pending are left alone. Returns how many rows it changed.
  virtual std::int64_t mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                             Timestamp now) = 0;
  // Records a failed attempt of a pending row: attempts, next_attempt_at, last_error := the
  // arguments; false if the row was not pending.
  virtual bool try_record_event_failure(std::int64_t seq, int attempts, Timestamp next_attempt_at,
                                        const std::string& error) = 0;
  // pending -> dead for one row, adding its dead-letter row (attempts, error, now,
  // parked_behind); false if the row was not pending.
  virtual bool try_dead_letter_event(std::int64_t seq, int attempts, const std::string& error,
                                     Timestamp now, std::int64_t parked_behind) = 0;
  // For each of `keys` that has dead letters, the key and the seq of its first (lowest seq)
  // dead letter, by key; keys without dead letters are left out. Adapters answer without a
  // round trip per key (the relay asks once per batch).
  virtual std::vector<std::pair<std::string, std::int64_t>> find_first_dead_letters(
      const std::vector<std::string>& keys) = 0;
  // Dead letters with seq > after_seq, by seq, at most `limit`.
  virtual std::vector<DeadLetter> list_dead_letters(std::int64_t after_seq, int limit) = 0;
  // dead -> pending (attempts 0, due now) for every dead letter of `key` (of every key if
  // empty), deleting their dead-letter rows; returns how many rows it moved.
  virtual std::int64_t requeue_dead_letters(const std::string& key) = 0;
  virtual OutboxCounts count_outbox() = 0;
  // Takes or renews the named lease for `owner` until `until`, where it is free, expired
  // (its until <= now) or already held by `owner`; false if another owner holds it.
  virtual bool try_acquire_lease(const std::string& name, const std::string& owner, Timestamp now,
                                 Timestamp until) = 0;
  // Frees the named lease if `owner` holds it.
  virtual void release_lease(const std::string& name, const std::string& owner) = 0;
  // Returns false (and changes nothing) if a message with this id was recorded.
  virtual bool insert_inbox_message(const InboxRecord& record) = 0;
  virtual std::optional<InboxRecord> find_inbox_message(const std::string& message_id) = 0;
  virtual std::int64_t count_inbox_messages() = 0;

  // --- orders, sagas and payments (commerce/orders.h, commerce/saga.h, commerce/payments.h)
  // Inserts the order row (not its items); false (and nothing changed) if the id exists.
  virtual bool insert_order(const Order& order) = 0;
  virtual void insert_order_item(const std::string& order_id, const OrderItem& item) = 0;
  // The order row with items left empty.
  virtual std::optional<Order> find_order(const std::string& order_id) = 0;
  // The order's items, by product id.
  virtual std::vector<OrderItem> find_order_items(const std::string& order_id) = 0;
  // The user's orders (items left empty) with id < before_id (all if empty), newest first, at
  // most `limit`.
  virtual std::vector<Order> list_orders_for_user(const std::string& user_id,
                                                  const std::string& before_id, int limit) = 0;
  // Every order (items left empty) with id > after_id, by id, at most `limit`.
  virtual std::vector<Order> list_orders(const std::string& after_id, int limit) = 0;
  // Orders in `status` with expires_at <= now, oldest expiry first, at most `limit`.
  virtual std::vector<std::string> find_expired_orders(OrderStatus status, Timestamp now,
                                                       int limit) = 0;
  // status: from -> to, failure_reason := reason if not empty, updated_at := now, where
  // status = from; false otherwise.
  virtual bool try_set_order_status(const std::string& order_id, OrderStatus from, OrderStatus to,
                                    const std::string& reason, Timestamp now) = 0;
  // Sets discount, total, coupon_applied and coupon_note where status = PENDING; false otherwise.
  virtual bool try_set_order_pricing(const std::string& order_id, Money discount, Money total,
                                     bool coupon_applied, const std::string& coupon_note,
                                     Timestamp now) = 0;
  virtual void insert_order_audit(const OrderAudit& audit) = 0;
  // The order's audit rows, oldest first.
  virtual std::vector<OrderAudit> find_order_audit(const std::string& order_id) = 0;

  // Returns false if the order already has a saga.
  virtual bool insert_saga(const SagaRecord& saga) = 0;
  virtual std::optional<SagaRecord> find_saga(const std::string& order_id) = 0;
  // Replaces state, step, reason and updated_at and sets position := expected_position + 1,
  // where position = expected_position; false otherwise (someone else moved the saga).
  virtual bool try_update_saga(const SagaRecord& saga, std::int64_t expected_position) = 0;
  // Sagas in `state` with order_id > after_order_id, by order id, at most `limit`.
  virtual std::vector<SagaRecord> list_sagas(SagaState state, const std::string& after_order_id,
                                             int limit) = 0;
  // Appends a log line; false (and nothing changed) if (order_id, step, action) is recorded.
  virtual bool try_insert_saga_log(const SagaLogEntry& entry) = 0;
  // The order's log lines in the order they were written.
  virtual std::vector<SagaLogEntry> find_saga_log(const std::string& order_id) = 0;

  // Returns false if a payment with this id exists.
  virtual bool insert_payment(const Payment& payment) = 0;
  // The order's payment (at most one).
  virtual std::optional<Payment> find_payment(const std::string& order_id) = 0;
  // status: from -> to, reference := reference if not empty, updated_at := now, where
  // status = from; false otherwise.
  virtual bool try_set_payment_status(const std::string& payment_id, PaymentStatus from,
                                      PaymentStatus to, const std::string& reference,
                                      Timestamp now) = 0;

  // --- invariant checks (commerce/invariants.h); read only
  // Stock rows with product_id > after_id, by product id, at most `limit`.
  virtual std::vector<StockLevel> list_stock_levels(const std::string& after_id, int limit) = 0;
  // Sum of qty of the product's live reservations (0 if none).
  virtual std::int64_t sum_live_reservations(const std::string& product_id) = 0;
  // Sum of the product's stock adjustment deltas, initial stock included (0 if none).
  virtual std::int64_t sum_stock_adjustments(const std::string& product_id) = 0;
  // Balances with user_id > after_id, by user id, at most `limit`.
  virtual std::vector<PointsBalance> list_points_balances(const std::string& after_id,
                                                          int limit) = 0;
  // Sum of the user's ledger entry amounts (0 if none).
  virtual Money sum_points_entries(const std::string& user_id) = 0;
  // Coupons in `status` with id > after_id, by id, at most `limit`.
  virtual std::vector<Coupon> list_coupons_by_status(CouponStatus status,
                                                     const std::string& after_id, int limit) = 0;
  // Templates with id > after_id, by id, at most `limit`.
  virtual std::vector<CouponTemplate> list_coupon_templates(const std::string& after_id,
                                                            int limit) = 0;
  // Coupons issued from the template (every status).
  virtual std::int64_t count_coupons_of_template(const std::string& template_id) = 0;
  // The template's per-user issue counters with user_id > after_user_id, by user id, at most
  // `limit`: one row for every user with a counter row or a coupon of the template.
  virtual std::vector<CouponUserIssues> list_coupon_user_issues(const std::string& template_id,
                                                               const std::string& after_user_id,
                                                               int limit) = 0;
  // Outbox events of `type` with key `key`.
  virtual std::int64_t count_events(const std::string& type, const std::string& key) = 0;

  // --- invariant repair (commerce/invariants.h: repair_invariants)
  // issued_count := to where issued_count = from and to <= total_limit; false otherwise.
  virtual bool try_set_coupon_issued_count(const std::string& template_id, std::int64_t from,
                                           std::int64_t to) = 0;
  // The user's issued count for the template (0 if it has no row) := to, where it = from and
  // 0 <= to <= the template's per_user_limit; false otherwise (a missing row is created only
  // when from = 0).
  virtual bool try_set_coupon_user_issued(const std::string& template_id,
                                          const std::string& user_id, std::int64_t from,
                                          std::int64_t to) = 0;

  // --- retention (issue 15): Store::compact() (commerce/store.h) and the file check of
  // check_invariants(). Each call does a bounded amount of work, so a unit holding it stays
  // short whatever the size of the store.
  // Looks at the outbox rows with seq > after_seq in seq order, at most `limit` and up to (not
  // including) the first one that occurred at or after `before`; deletes those among them that
  // were delivered (no pending row, no dead letter): pending and dead events always stay.
  virtual RetentionBatch delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                                 int limit) = 0;
  // The same over saga log lines (their `at`): deletes the lines of sagas that ended
  // (confirmed, failed or cancelled) with the saga's updated_at < before.
  virtual RetentionBatch delete_finished_saga_logs(std::int64_t after_seq, Timestamp before,
                                                   int limit) = 0;
  // Deletes at most `limit` idempotency records created before `before`, oldest first;
  // returns how many.
  virtual std::int64_t delete_requests_before(Timestamp before, int limit) = 0;
  // Deletes at most `limit` inbox records received before `before`, oldest first; returns how
  // many.
  virtual std::int64_t delete_inbox_messages_before(Timestamp before, int limit) = 0;
  // The adapter's check of its own files or database (SQLite: PRAGMA quick_check, or
  // integrity_check when `full`; PostgreSQL: invalid indexes, and when `full` a read of every
  // table): one line per problem found, empty if none. Damage that stops the check itself is
  // reported as a line too.
  virtual std::vector<std::string> check_storage(bool full) = 0;
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
