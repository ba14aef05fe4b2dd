// The SQLite adapter's Transaction: every method is one or two statements on the connection
// that holds the open transaction.
#pragma once

#include "commerce/storage.h"
#include "sqlite_connection.h"

namespace commerce::sqlite {

class SqliteTransaction final : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn) : conn_(conn) {}

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
  void insert_coupon(const Coupon& coupon) override;
  std::optional<Coupon> find_coupon(const std::string& id) override;
  std::optional<Coupon> find_coupon_used_by(const std::string& order_id) override;
  bool try_set_coupon_status(const std::string& coupon_id, CouponStatus from, CouponStatus to,
                             const std::string& order_id, Timestamp now) override;
  std::vector<Coupon> list_coupons(const std::string& user_id, const std::string& after_id,
                                   int limit) override;

  std::int64_t append_event(const Event& event) override;
  std::vector<Event> read_outbox(std::int64_t after_seq, int limit) override;

 private:
  Connection& conn_;
};

}  // namespace commerce::sqlite
