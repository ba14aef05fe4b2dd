// The SQLite adapter's Transaction: every method is one or two statements on the connection
// that holds the open transaction.
#pragma once

#include "commerce/storage.h"
#include "sqlite_connection.h"

namespace commerce::sqlite {

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn) : conn_(conn) {}

  void savepoint(const std::function<void()>& work) override;

  std::optional<RequestRecord> find_request(const std::string& request_id) override;
  void insert_request(const std::string& request_id, const RequestRecord& record,
                      Timestamp now) override;
  std::optional<std::string> find_setting(const std::string& key) override;
  void put_setting(const std::string& key, const std::string& value) override;

  bool insert_product(const Product& product) override;
  void update_product(const Product& product) override;
  std::optional<Product> find_product(const std::string& id) override;
  std::vector<Product> list_products(const ProductFilter& filter, const std::string& after_id,
                                     int limit) override;
  bool insert_category(const Category& category) override;
  std::optional<Category> find_category(const std::string& id) override;
  std::vector<Category> list_categories() override;

  void insert_stock(const std::string& product_id) override;
  std::optional<StockLevel> find_stock(const std::string& product_id) override;
  bool try_reserve_stock(const std::string& product_id, std::int64_t qty) override;
  bool try_unreserve_stock(const std::string& product_id, std::int64_t qty) override;
  bool try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) override;
  bool try_adjust_stock(const std::string& product_id, std::int64_t delta) override;
  void insert_stock_adjustment(const StockAdjustment& adjustment) override;
  void insert_reservation(const Reservation& reservation) override;
  std::vector<Reservation> find_reservations(const std::string& order_id) override;
  bool try_set_reservation_state(const std::string& order_id, const std::string& product_id,
                                 ReservationState from, ReservationState to) override;
  std::vector<std::string> find_expired_reservation_orders(Timestamp now, int limit) override;

  Money find_points_balance(const std::string& user_id) override;
  bool try_debit_points(const std::string& user_id, Money amount) override;
  bool try_credit_points(const std::string& user_id, Money amount) override;
  void insert_points_entry(const PointsEntry& entry) override;
  std::vector<PointsEntry> find_points_entries_for_order(const std::string& order_id) override;
  std::vector<PointsEntry> list_points_entries(const std::string& user_id,
                                               const std::string& before_id, int limit) override;

  bool insert_coupon_template(const CouponTemplate& tmpl) override;
  std::optional<CouponTemplate> find_coupon_template(const std::string& id) override;
  std::optional<CouponTemplate> find_coupon_template_by_code(const std::string& code) override;
  bool try_count_template_issue(const std::string& template_id) override;
  bool try_count_user_issue(const std::string& template_id, const std::string& user_id,
                            std::int64_t per_user_limit) override;
  std::vector<CouponUserIssues> list_coupon_user_issues(const std::string& template_id,
                                                       const std::string& after_user_id,
                                                       int limit) override;
  bool try_set_coupon_user_issued(const std::string& template_id, const std::string& user_id,
                                  std::int64_t from, std::int64_t to) override;
  void insert_coupon(const Coupon& coupon) override;
  std::optional<Coupon> find_coupon(const std::string& id) override;
  std::optional<Coupon> find_coupon_used_by(const std::string& order_id) override;
  bool try_set_coupon_status(const std::string& coupon_id, CouponStatus from, CouponStatus to,
                             const std::string& order_id, Timestamp now) override;
  std::vector<Coupon> list_coupons(const std::string& user_id, const std::string& after_id,
                                   int limit) override;

  std::int64_t append_event(const Event& event) override;
  std::vector<Event> read_outbox(std::int64_t after_seq, int limit) override;

  // Outbox delivery and inbox: sqlite_event_transaction.cpp.
  std::vector<PendingEvent> read_due_events(Timestamp now, std::int64_t after_seq,
                                            int limit) override;
  std::int64_t count_pending_events(std::int64_t after_seq, std::int64_t through_seq) override;
  std::int64_t mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                     Timestamp now) override;
  bool try_record_event_failure(std::int64_t seq, int attempts, Timestamp next_attempt_at,
                                const std::string& error) override;
  bool try_dead_letter_event(std::int64_t seq, int attempts, const std::string& error,
                             Timestamp now, std::int64_t parked_behind) override;
  std::vector<std::pair<std::string, std::int64_t>> find_first_dead_letters(
      const std::vector<std::string>& keys) override;
  std::vector<DeadLetter> list_dead_letters(std::int64_t after_seq, int limit) override;
  std::int64_t requeue_dead_letters(const std::string& key) override;
  OutboxCounts count_outbox() override;
  bool try_acquire_lease(const std::string& name, const std::string& owner, Timestamp now,
                         Timestamp until) override;
  void release_lease(const std::string& name, const std::string& owner) override;
  bool insert_inbox_message(const InboxRecord& record) override;
  std::optional<InboxRecord> find_inbox_message(const std::string& message_id) override;
  std::int64_t count_inbox_messages() override;

  // Orders, sagas, payments and invariant reads: sqlite_order_transaction.cpp.
  bool insert_order(const Order& order) override;
  void insert_order_item(const std::string& order_id, const OrderItem& item) override;
  std::optional<Order> find_order(const std::string& order_id) override;
  std::vector<OrderItem> find_order_items(const std::string& order_id) override;
  std::vector<Order> list_orders_for_user(const std::string& user_id, const std::string& before_id,
                                          int limit) override;
  std::vector<Order> list_orders(const std::string& after_id, int limit) override;
  std::vector<std::string> find_expired_orders(OrderStatus status, Timestamp now,
                                               int limit) override;
  bool try_set_order_status(const std::string& order_id, OrderStatus from, OrderStatus to,
                            const std::string& reason, Timestamp now) override;
  bool try_set_order_pricing(const std::string& order_id, Money discount, Money total,
                             bool coupon_applied, const std::string& coupon_note,
                             Timestamp now) override;
  void insert_order_audit(const OrderAudit& audit) override;
  std::vector<OrderAudit> find_order_audit(const std::string& order_id) override;
  bool insert_saga(const SagaRecord& saga) override;
  std::optional<SagaRecord> find_saga(const std::string& order_id) override;
  bool try_update_saga(const SagaRecord& saga, std::int64_t expected_position) override;
  std::vector<SagaRecord> list_sagas(SagaState state, const std::string& after_order_id,
                                     int limit) override;
  bool try_insert_saga_log(const SagaLogEntry& entry) override;
  std::vector<SagaLogEntry> find_saga_log(const std::string& order_id) override;
  bool insert_payment(const Payment& payment) override;
  std::optional<Payment> find_payment(const std::string& order_id) override;
  bool try_set_payment_status(const std::string& payment_id, PaymentStatus from, PaymentStatus to,
                              const std::string& reference, Timestamp now) override;
  std::vector<StockLevel> list_stock_levels(const std::string& after_id, int limit) override;
  std::int64_t sum_live_reservations(const std::string& product_id) override;
  std::int64_t sum_stock_adjustments(const std::string& product_id) override;
  std::vector<PointsBalance> list_points_balances(const std::string& after_id, int limit) override;
  Money sum_points_entries(const std::string& user_id) override;
  std::vector<Coupon> list_coupons_by_status(CouponStatus status, const std::string& after_id,
                                             int limit) override;
  std::vector<CouponTemplate> list_coupon_templates(const std::string& after_id,
                                                    int limit) override;
  std::int64_t count_coupons_of_template(const std::string& template_id) override;
  std::int64_t count_events(const std::string& type, const std::string& key) override;
  bool try_set_coupon_issued_count(const std::string& template_id, std::int64_t from,
                                   std::int64_t to) override;

  // --- retention (issue 15): implemented in sqlite_retention.cpp
  RetentionBatch delete_delivered_events(std::int64_t after_seq, Timestamp before,
                                         int limit) override;
  RetentionBatch delete_finished_saga_logs(std::int64_t after_seq, Timestamp before,
                                           int limit) override;
  std::int64_t delete_requests_before(Timestamp before, int limit) override;
  std::int64_t delete_inbox_messages_before(Timestamp before, int limit) override;
  std::vector<std::string> check_storage(bool full) override;

 private:
  Connection& conn_;
};

}  // namespace commerce::sqlite
