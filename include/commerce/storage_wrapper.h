// commerce/storage_wrapper.h: a Storage and a Transaction that forward every call to another
// one, the natural place for fault injection (in the style of LevelDB's EnvWrapper).
//
//   class FailNthWrite : public commerce::TransactionWrapper {
//     using TransactionWrapper::TransactionWrapper;
//     void before_call(std::string_view method, bool writes) override {
//       if (writes && ++count == n) {
//         throw commerce::Error::unavailable(std::string(method), "injected");
//       }
//     }
//   };
//   class FaultyStorage : public commerce::StorageWrapper {
//     using StorageWrapper::StorageWrapper;
//     std::unique_ptr<commerce::Transaction> wrap(commerce::Transaction& tx) override {
//       return std::make_unique<FailNthWrite>(tx);
//     }
//   };
//
// Thread safety: as the wrapped object's. A subclass's hooks run on the threads that run units
// of work, concurrently if the storage is used from several threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "commerce/error.h"
#include "commerce/storage.h"

namespace commerce {

// Forwards every Transaction call to `target` after calling before_call() with the method's name
// and whether it writes (every method whose name does not start with find_, list_, read_, count_
// or sum_). Override before_call() to count, delay or fail calls.
class TransactionWrapper : public Transaction {
 public:
  explicit TransactionWrapper(Transaction& target) : target_(target) {}
  Transaction& target() { return target_; }

 protected:
  // Called before each forwarded call; may throw (the unit of work then rolls back).
  virtual void before_call(std::string_view method, bool writes) {
    (void)method;
    (void)writes;
  }

 public:
  void savepoint(const std::function<void()>& work) override {
    before_call("savepoint", true);
    target_.savepoint(work);
  }
  std::optional<RequestRecord> find_request(const std::string& request_id) override {
    before_call("find_request", false);
    return target_.find_request(request_id);
  }
  void insert_request(
      const std::string& request_id, const RequestRecord& record, Timestamp now) override {
    before_call("insert_request", true);
    target_.insert_request(request_id, record, now);
  }
  std::optional<std::string> find_setting(const std::string& key) override {
    before_call("find_setting", false);
    return target_.find_setting(key);
  }
  void put_setting(const std::string& key, const std::string& value) override {
    before_call("put_setting", true);
    target_.put_setting(key, value);
  }
  bool insert_product(const Product& product) override {
    before_call("insert_product", true);
    return target_.insert_product(product);
  }
  void update_product(const Product& product) override {
    before_call("update_product", true);
    target_.update_product(product);
  }
  std::optional<Product> find_product(const std::string& id) override {
    before_call("find_product", false);
    return target_.find_product(id);
  }
  std::vector<Product> list_products(
      const ProductFilter& filter, const std::string& after_id, int limit) override {
    before_call("list_products", false);
    return target_.list_products(filter, after_id, limit);
  }
  bool insert_category(const Category& category) override {
    before_call("insert_category", true);
    return target_.insert_category(category);
  }
  std::optional<Category> find_category(const std::string& id) override {
    before_call("find_category", false);
    return target_.find_category(id);
  }
  std::vector<Category> list_categories() override {
    before_call("list_categories", false);
    return target_.list_categories();
  }
  void insert_stock(const std::string& product_id) override {
    before_call("insert_stock", true);
    target_.insert_stock(product_id);
  }
  std::optional<StockLevel> find_stock(const std::string& product_id) override {
    before_call("find_stock", false);
    return target_.find_stock(product_id);
  }
  bool try_reserve_stock(const std::string& product_id, std::int64_t qty) override {
    before_call("try_reserve_stock", true);
    return target_.try_reserve_stock(product_id, qty);
  }
  bool try_unreserve_stock(const std::string& product_id, std::int64_t qty) override {
    before_call("try_unreserve_stock", true);
    return target_.try_unreserve_stock(product_id, qty);
  }
  bool try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) override {
    before_call("try_sell_reserved_stock", true);
    return target_.try_sell_reserved_stock(product_id, qty);
  }
  bool try_adjust_stock(const std::string& product_id, std::int64_t delta) override {
    before_call("try_adjust_stock", true);
    return target_.try_adjust_stock(product_id, delta);
  }
  void insert_stock_adjustment(const StockAdjustment& adjustment) override {
    before_call("insert_stock_adjustment", true);
    target_.insert_stock_adjustment(adjustment);
  }
  void insert_reservation(const Reservation& reservation) override {
    before_call("insert_reservation", true);
    target_.insert_reservation(reservation);
  }
  std::vector<Reservation> find_reservations(const std::string& order_id) override {
    before_call("find_reservations", false);
    return target_.find_reservations(order_id);
  }
  bool try_set_reservation_state(const std::string& order_id,
                                 const std::string& product_id,
                                 ReservationState from,
                                 ReservationState to) override {
    before_call("try_set_reservation_state", true);
    return target_.try_set_reservation_state(order_id, product_id, from, to);
  }
  std::vector<std::string> find_expired_reservation_orders(Timestamp now, int limit) override {
    before_call("find_expired_reservation_orders", false);
    return target_.find_expired_reservation_orders(now, limit);
  }
  Money find_points_balance(const std::string& user_id) override {
    before_call("find_points_balance", false);
    return target_.find_points_balance(user_id);
  }
  bool try_debit_points(const std::string& user_id, Money amount) override {
    before_call("try_debit_points", true);
    return target_.try_debit_points(user_id, amount);
  }
  bool try_credit_points(const std::string& user_id, Money amount) override {
    before_call("try_credit_points", true);
    return target_.try_credit_points(user_id, amount);
  }
  void insert_points_entry(const PointsEntry& entry) override {
    before_call("insert_points_entry", true);
    target_.insert_points_entry(entry);
  }
  std::vector<PointsEntry> find_points_entries_for_order(const std::string& order_id) override {
    before_call("find_points_entries_for_order", false);
    return target_.find_points_entries_for_order(order_id);
  }
  std::vector<PointsEntry> list_points_entries(
      const std::string& user_id, const std::string& before_id, int limit) override {
    before_call("list_points_entries", false);
    return target_.list_points_entries(user_id, before_id, limit);
  }
  bool insert_coupon_template(const CouponTemplate& tmpl) override {
    before_call("insert_coupon_template", true);
    return target_.insert_coupon_template(tmpl);
  }
  std::optional<CouponTemplate> find_coupon_template(const std::string& id) override {
    before_call("find_coupon_template", false);
    return target_.find_coupon_template(id);
  }
  std::optional<CouponTemplate> find_coupon_template_by_code(const std::string& code) override {
    before_call("find_coupon_template_by_code", false);
    return target_.find_coupon_template_by_code(code);
  }
  bool try_count_template_issue(const std::string& template_id) override {
    before_call("try_count_template_issue", true);
    return target_.try_count_template_issue(template_id);
  }
  bool try_count_user_issue(const std::string& template_id,
                            const std::string& user_id,
                            std::int64_t per_user_limit) override {
    before_call("try_count_user_issue", true);
    return target_.try_count_user_issue(template_id, user_id, per_user_limit);
  }
  void insert_coupon(const Coupon& coupon) override {
    before_call("insert_coupon", true);
    target_.insert_coupon(coupon);
  }
  std::optional<Coupon> find_coupon(const std::string& id) override {
    before_call("find_coupon", false);
    return target_.find_coupon(id);
  }
  std::optional<Coupon> find_coupon_used_by(const std::string& order_id) override {
    before_call("find_coupon_used_by", false);
    return target_.find_coupon_used_by(order_id);
  }
  bool try_set_coupon_status(const std::string& coupon_id,
                             CouponStatus from,
                             CouponStatus to,
                             const std::string& order_id,
                             Timestamp now) override {
    before_call("try_set_coupon_status", true);
    return target_.try_set_coupon_status(coupon_id, from, to, order_id, now);
  }
  std::vector<Coupon> list_coupons(
      const std::string& user_id, const std::string& after_id, int limit) override {
    before_call("list_coupons", false);
    return target_.list_coupons(user_id, after_id, limit);
  }
  std::int64_t append_event(const Event& event) override {
    before_call("append_event", true);
    return target_.append_event(event);
  }
  std::vector<Event> read_outbox(std::int64_t after_seq, int limit) override {
    before_call("read_outbox", false);
    return target_.read_outbox(after_seq, limit);
  }
  std::vector<PendingEvent> read_due_events(Timestamp now, std::int64_t after_seq,
                                            int limit) override {
    before_call("read_due_events", false);
    return target_.read_due_events(now, after_seq, limit);
  }
  std::int64_t count_pending_events(std::int64_t after_seq, std::int64_t through_seq) override {
    before_call("count_pending_events", false);
    return target_.count_pending_events(after_seq, through_seq);
  }
  std::int64_t mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                     Timestamp now) override {
    before_call("mark_events_delivered", true);
    return target_.mark_events_delivered(seqs, now);
  }
  bool try_record_event_failure(std::int64_t seq,
                                int attempts,
                                Timestamp next_attempt_at,
                                const std::string& error) override {
    before_call("try_record_event_failure", true);
    return target_.try_record_event_failure(seq, attempts, next_attempt_at, error);
  }
  bool try_dead_letter_event(std::int64_t seq,
                             int attempts,
                             const std::string& error,
                             Timestamp now,
                             std::int64_t parked_behind) override {
    before_call("try_dead_letter_event", true);
    return target_.try_dead_letter_event(seq, attempts, error, now, parked_behind);
  }
  std::vector<std::pair<std::string, std::int64_t>> find_first_dead_letters(
      const std::vector<std::string>& keys) override {
    before_call("find_first_dead_letters", false);
    return target_.find_first_dead_letters(keys);
  }
  std::vector<DeadLetter> list_dead_letters(std::int64_t after_seq, int limit) override {
    before_call("list_dead_letters", false);
    return target_.list_dead_letters(after_seq, limit);
  }
  std::int64_t requeue_dead_letters(const std::string& key) override {
    before_call("requeue_dead_letters", true);
    return target_.requeue_dead_letters(key);
  }
  OutboxCounts count_outbox() override {
    before_call("count_outbox", false);
    return target_.count_outbox();
  }
  bool try_acquire_lease(
      const std::string& name, const std::string& owner, Timestamp now, Timestamp until) override {
    before_call("try_acquire_lease", true);
    return target_.try_acquire_lease(name, owner, now, until);
  }
  void release_lease(const std::string& name, const std::string& owner) override {
    before_call("release_lease", true);
    target_.release_lease(name, owner);
  }
  bool insert_inbox_message(const InboxRecord& record) override {
    before_call("insert_inbox_message", true);
    return target_.insert_inbox_message(record);
  }
  std::optional<InboxRecord> find_inbox_message(const std::string& message_id) override {
    before_call("find_inbox_message", false);
    return target_.find_inbox_message(message_id);
  }
  std::int64_t count_inbox_messages() override {
    before_call("count_inbox_messages", false);
    return target_.count_inbox_messages();
  }
  bool insert_order(const Order& order) override {
    before_call("insert_order", true);
    return target_.insert_order(order);
  }
  void insert_order_item(const std::string& order_id, const OrderItem& item) override {
    before_call("insert_order_item", true);
    target_.insert_order_item(order_id, item);
  }
  std::optional<Order> find_order(const std::string& order_id) override {
    before_call("find_order", false);
    return target_.find_order(order_id);
  }
  std::vector<OrderItem> find_order_items(const std::string& order_id) override {
    before_call("find_order_items", false);
    return target_.find_order_items(order_id);
  }
  std::vector<Order> list_orders_for_user(
      const std::string& user_id, const std::string& before_id, int limit) override {
    before_call("list_orders_for_user", false);
    return target_.list_orders_for_user(user_id, before_id, limit);
  }
  std::vector<Order> list_orders(const std::string& after_id, int limit) override {
    before_call("list_orders", false);
    return target_.list_orders(after_id, limit);
  }
  std::vector<std::string> find_expired_orders(
      OrderStatus status, Timestamp now, int limit) override {
    before_call("find_expired_orders", false);
    return target_.find_expired_orders(status, now, limit);
  }
  bool try_set_order_status(const std::string& order_id,
                            OrderStatus from,
                            OrderStatus to,
                            const std::string& reason,
                            Timestamp now) override {
    before_call("try_set_order_status", true);
    return target_.try_set_order_status(order_id, from, to, reason, now);
  }
  bool try_set_order_pricing(const std::string& order_id,
                             Money discount,
                             Money total,
                             bool coupon_applied,
                             const std::string& coupon_note,
                             Timestamp now) override {
    before_call("try_set_order_pricing", true);
    return target_.try_set_order_pricing(order_id,
                                         discount,
                                         total,
                                         coupon_applied,
                                         coupon_note,
                                         now);
  }
  void insert_order_audit(const OrderAudit& audit) override {
    before_call("insert_order_audit", true);
    target_.insert_order_audit(audit);
  }
  std::vector<OrderAudit> find_order_audit(const std::string& order_id) override {
    before_call("find_order_audit", false);
    return target_.find_order_audit(order_id);
  }
  bool insert_saga(const SagaRecord& saga) override {
    before_call("insert_saga", true);
    return target_.insert_saga(saga);
  }
  std::optional<SagaRecord> find_saga(const std::string& order_id) override {
    before_call("find_saga", false);
    return target_.find_saga(order_id);
  }
  bool try_update_saga(const SagaRecord& saga, std::int64_t expected_position) override {
    before_call("try_update_saga", true);
    return target_.try_update_saga(saga, expected_position);
  }
  std::vector<SagaRecord> list_sagas(
      SagaState state, const std::string& after_order_id, int limit) override {
    before_call("list_sagas", false);
    return target_.list_sagas(state, after_order_id, limit);
  }
  bool try_insert_saga_log(const SagaLogEntry& entry) override {
    before_call("try_insert_saga_log", true);
    return target_.try_insert_saga_log(entry);
  }
  std::vector<SagaLogEntry> find_saga_log(const std::string& order_id) override {
    before_call("find_saga_log", false);
    return target_.find_saga_log(order_id);
  }
  bool insert_payment(const Payment& payment) override {
    before_call("insert_payment", true);
    return target_.insert_payment(payment);
  }
  std::optional<Payment> find_payment(const std::string& order_id) override {
    before_call("find_payment", false);
    return target_.find_payment(order_id);
  }
  bool try_set_payment_status(const std::string& payment_id,
                              PaymentStatus from,
                              PaymentStatus to,
                              const std::string& reference,
                              Timestamp now) override {
    before_call("try_set_payment_status", true);
    return target_.try_set_payment_status(payment_id, from, to, reference, now);
  }
  std::vector<StockLevel> list_stock_levels(const std::string& after_id, int limit) override {
    before_call("list_stock_levels", false);
    return target_.list_stock_levels(after_id, limit);
  }
  std::int64_t sum_live_reservations(const std::string& product_id) override {
    before_call("sum_live_reservations", false);
    return target_.sum_live_reservations(product_id);
  }
  std::int64_t sum_stock_adjustments(const std::string& product_id) override {
    before_call("sum_stock_adjustments", false);
    return target_.sum_stock_adjustments(product_id);
  }
  std::vector<PointsBalance> list_points_balances(const std::string& after_id, int limit) override {
    before_call("list_points_balances", false);
    return target_.list_points_balances(after_id, limit);
  }
  Money sum_points_entries(const std::string& user_id) override {
    before_call("sum_points_entries", false);
    return target_.sum_points_entries(user_id);
  }
  std::vector<Coupon> list_coupons_by_status(
      CouponStatus status, const std::string& after_id, int limit) override {
    before_call("list_coupons_by_status", false);
    return target_.list_coupons_by_status(status, after_id, limit);
  }
  std::vector<CouponTemplate> list_coupon_templates(
      const std::string& after_id, int limit) override {
    before_call("list_coupon_templates", false);
    return target_.list_coupon_templates(after_id, limit);
  }
  std::int64_t count_coupons_of_template(const std::string& template_id) override {
    before_call("count_coupons_of_template", false);
    return target_.count_coupons_of_template(template_id);
  }
  std::vector<CouponUserIssues> list_coupon_user_issues(
      const std::string& template_id, const std::string& after_user_id, int limit) override {
    before_call("list_coupon_user_issues", false);
    return target_.list_coupon_user_issues(template_id, after_user_id, limit);
  }
  std::int64_t count_events(const std::string& type, const std::string& key) override {
    before_call("count_events", false);
    return target_.count_events(type, key);
  }
  bool try_set_coupon_issued_count(
      const std::string& template_id, std::int64_t from, std::int64_t to) override {
    before_call("try_set_coupon_issued_count", true);
    return target_.try_set_coupon_issued_count(template_id, from, to);
  }
  bool try_set_coupon_user_issued(const std::string& template_id, const std::string& user_id,
                                  std::int64_t from, std::int64_t to) override {
    before_call("try_set_coupon_user_issued", true);
    return target_.try_set_coupon_user_issued(template_id, user_id, from, to);
  }

  // --- retention (issue 15)
  RetentionBatch delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                         int limit) override {
    before_call("delete_delivered_events", true);
    return target_.delete_delivered_events(after_seq, before, limit);
  }
  RetentionBatch delete_finished_saga_logs(std::int64_t after_seq, Timestamp before,
                                           int limit) override {
    before_call("delete_finished_saga_logs", true);
    return target_.delete_finished_saga_logs(after_seq, before, limit);
  }
  std::int64_t delete_requests_before(Timestamp before, int limit) override {
    before_call("delete_requests_before", true);
    return target_.delete_requests_before(before, limit);
  }
  std::int64_t delete_inbox_messages_before(Timestamp before, int limit) override {
    before_call("delete_inbox_messages_before", true);
    return target_.delete_inbox_messages_before(before, limit);
  }
  std::vector<std::string> check_storage(bool full) override {
    before_call("check_storage", false);
    return target_.check_storage(full);
  }

 private:
  Transaction& target_;
};

// Forwards run() and url() to `target`, handing each unit of work the Transaction made by
// wrap() (a plain TransactionWrapper unless overridden). Owns the target.
class StorageWrapper : public Storage {
 public:
  explicit StorageWrapper(std::unique_ptr<Storage> target) : target_(std::move(target)) {
    if (!target_) throw Error::invalid_argument("storage", "must not be null");
  }
  Storage& target() { return *target_; }

  void run(Access access, const std::function<void(Transaction&)>& work) override {
    target_->run(access, [&](Transaction& tx) {
      auto wrapped = wrap(tx);
      work(*wrapped);
    });
  }
  std::string url() const override { return target_->url(); }

 protected:
  // The Transaction each unit of work sees; called once per attempt of a unit.
  virtual std::unique_ptr<Transaction> wrap(Transaction& tx) {
    return std::make_unique<TransactionWrapper>(tx);
  }

 private:
  std::unique_ptr<Storage> target_;
};

}  // namespace commerce
