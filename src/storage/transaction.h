// The library's row operations over one open transaction, the only way the domain reads and
// writes storage. Every statement is written once, in src/storage/statements/ (one file per
// concept), over the adapter SPI (commerce/storage.h: SqlSession); an adapter implements none of
// this. Every method is one statement's worth of work; every method named try_* is a conditional
// update that reports whether it applied (never read-then-write).
//
// Internal: not installed. Hosts use the Store's domain services; tests may use it directly.
// A Transaction belongs to the unit of work it was made for and must not escape it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "commerce/carts.h"
#include "commerce/catalog.h"
#include "commerce/allocation.h"
#include "commerce/coupons.h"
#include "commerce/event.h"
#include "commerce/locations.h"
#include "commerce/orders.h"
#include "commerce/outbox.h"
#include "commerce/payments.h"
#include "commerce/points.h"
#include "commerce/returns.h"
#include "commerce/saga.h"
#include "commerce/shipments.h"
#include "commerce/stock.h"
#include "commerce/storage.h"

namespace commerce {

// A stored idempotency key: the command and arguments it was first used with, and the result.
struct RequestRecord {
  std::string fingerprint;  // canonical JSON of the command name and its arguments
  std::string result;       // JSON of the first result
};

// A place in a product ranking (ProductOrder::kRelevance): rows rank by score, highest
// first, then by id. Scores are integers, so a cursor holds one exactly.
struct RankPosition {
  std::int64_t score = 0;
  std::string id;
};

// A product of a ranking with its score.
struct RankedProduct {
  Product product;
  std::int64_t score = 0;
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

// Where the outbox's queue stands, read with index seeks only (read_outbox_positions): the
// counts cover at most `count_cap` seqs from the first pending row / first dead letter.
struct OutboxPositions {
  std::int64_t oldest_pending_seq = 0;   // 0 if nothing is pending
  Timestamp oldest_pending_at = 0;       // its occurred_at; 0 if nothing is pending
  std::int64_t last_seq = 0;             // the newest stored event's seq; 0 if none
  std::int64_t pending_in_window = 0;    // pending rows with seq in [oldest, oldest + cap)
  std::int64_t first_dead_seq = 0;       // 0 if there are no dead letters
  std::int64_t last_dead_seq = 0;
  std::int64_t dead_in_window = 0;       // dead letters with seq in [first, first + cap)
};

// What one retention batch over a log ordered by seq did (Transaction::delete_delivered_events
// and delete_finished_saga_logs).
struct RetentionBatch {
  std::int64_t through_seq = 0;  // the last seq looked at (the after_seq given if none)
  std::int64_t deleted = 0;      // rows deleted
  bool done = false;  // reached a row at or after the cutoff, or the end: nothing older follows
};

// A cart's row (its lines are read apart) with the columns a Cart does not show.
struct CartRow {
  Cart cart;                     // lines left empty
  std::string guest_token_hash;  // a guest cart's sha256_hex(token); empty for a user's cart
  std::string share_token;       // empty until the cart is shared
  std::string hold_id;           // the reservation (order id) holding its stock; empty for none
};

// How far one reservation row (order, product, location) has left: units in shipments (packed,
// any shipment not cancelled or returned), shipped (picked up or later), delivered.
struct FulfilmentRow {
  std::string product_id;
  std::string location_id;
  ReservationState state = ReservationState::kLive;
  std::int64_t qty = 0;
  std::int64_t backordered = 0;
  std::int64_t packed = 0;
  std::int64_t shipped = 0;
  std::int64_t delivered = 0;
  std::int64_t cancelled = 0;  // units cancelled before they shipped
  // The units the order still takes from this row: qty - cancelled.
  std::int64_t live() const { return qty - cancelled; }
};

class Transaction {
 public:
  explicit Transaction(SqlSession& session) : session_(session) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  SqlSession& session() { return session_; }

  // --- savepoints
  // Runs `work` inside a savepoint of this transaction. If `work` throws, what it changed is
  // undone, the rest of the transaction stays as it was, and the exception is rethrown (an
  // adapter's transient failure, such as a lost lock or connection, may instead abandon the
  // whole unit, which is then retried as Storage::run() describes). Calls may nest.
  // Events queued inside `work` (queue_event) are dropped with its changes.
  void savepoint(const std::function<void()>& work);

  // --- idempotency keys and store settings
  std::optional<RequestRecord> find_request(const std::string& request_id);
  void insert_request(const std::string& request_id, const RequestRecord& record,
                              Timestamp now);
  std::optional<std::string> find_setting(const std::string& key);
  void put_setting(const std::string& key, const std::string& value);

  // --- catalog
  // Returns false (and changes nothing) if a product with this id exists, or (a variant) another
  // variant of its parent has its options.
  bool insert_product(const Product& product);
  void update_product(const Product& product);
  std::optional<Product> find_product(const std::string& id);
  // The products of `ids` (sorted, distinct) that exist, by id: on PostgreSQL in one statement
  // per 16 ids, on SQLite by key one after the other. With `lock`, a write unit holds them
  // locked to its end (PostgreSQL: FOR NO KEY UPDATE), as find_product() does.
  std::vector<Product> find_products(const std::vector<std::string>& ids, bool lock);
  // The variant's option values as rows (what the listing's option filter reads).
  void insert_option_values(const std::string& product_id, const OptionValues& options);
  // The variants of `parent_id` in every status, by id, locked (write units).
  std::vector<Product> find_variants(const std::string& parent_id);
  // The variants of `parent_id` but the deleted ones, by id, each with its units available
  // (on_hand - reserved) summed over the active locations: one statement.
  std::vector<VariantAvailability> find_variants_available(const std::string& parent_id);
  // Products matching `filter` with id > after_id, by id, at most `limit`.
  std::vector<Product> list_products(const ProductFilter& filter,
                                             const std::string& after_id, int limit);
  // Products matching `filter` (whose text has 3+ characters) that rank after `after`, best
  // first, at most `limit`: every match of the text is scored (product_listing.cpp).
  std::vector<RankedProduct> rank_products(const ProductFilter& filter,
                                           const RankPosition& after, int limit);
  // Returns false if the id exists.
  bool insert_category(const Category& category);
  std::optional<Category> find_category(const std::string& id);
  std::vector<Category> list_categories();

  // --- stock locations (statements/locations.cpp)
  // Returns false (and changes nothing) if a location with this id exists.
  bool insert_location(const StockLocation& location);
  void update_location(const StockLocation& location);
  // With `lock`, the row stays locked to the end of a write unit (an update of the location);
  // a read that only checks the location exists takes no lock (transfers name two locations,
  // in either order).
  std::optional<StockLocation> find_location(const std::string& id, bool lock = false);
  // Every location, by priority then id.
  std::vector<StockLocation> list_locations();

  // --- carts and wishlists (statements/carts.cpp, commerce/carts.h)
  // Returns false (and changes nothing) if a cart with this id or guest token hash exists, or
  // the row is a user's open cart and the user has one (carts_one_open_per_user).
  bool insert_cart(const CartRow& row);
  // With `lock`, the cart's row stays locked to the end of a write unit: every change of a cart
  // locks it first, so changes of one cart are serialised.
  std::optional<CartRow> find_cart(const std::string& id, bool lock);
  std::optional<CartRow> find_open_user_cart(const std::string& user_id, bool lock);
  std::optional<CartRow> find_cart_by_guest_token_hash(const std::string& hash, bool lock);
  std::optional<CartRow> find_cart_by_share_token(const std::string& share_token);
  // The cart's lines, by product id.
  std::vector<CartLine> find_cart_lines(const std::string& cart_id);
  // Sets the line's qty, adding the line (with its added_at) if missing; an existing line keeps
  // its added_at.
  void put_cart_line(const std::string& cart_id, const CartLine& line);
  void delete_cart_line(const std::string& cart_id, const std::string& product_id);
  void delete_cart_lines(const std::string& cart_id);
  // updated_at := now, expires_at := expires_at (0: none).
  void touch_cart(const std::string& cart_id, Timestamp now, Timestamp expires_at);
  // share_token := token where the cart has none; false otherwise.
  bool try_set_share_token(const std::string& cart_id, const std::string& token);
  // status: open -> `to` (merged, or checked_out with order_id := order_id), updated_at := now,
  // where the cart is open; false otherwise. The hook checkout closes a cart with
  // (kCheckedOut, the order's id) in the unit that places the order.
  bool try_close_cart(const std::string& cart_id, CartStatus to, const std::string& order_id,
                      Timestamp now);
  // status: checked_out -> open, updated_at := now, where the cart was checked out with
  // order_id (a FAILED order) and its user has no other open cart; false otherwise.
  bool try_reopen_cart(const std::string& cart_id, const std::string& order_id, Timestamp now);
  // order_id := order_id (a checkout that FAILED), updated_at := now, where the cart is open.
  bool try_set_cart_attempt(const std::string& cart_id, const std::string& order_id,
                            Timestamp now);
  // hold_id := hold_id, hold_until := until ('' and 0: none).
  void set_cart_hold(const std::string& cart_id, const std::string& hold_id, Timestamp until);
  // shipping_address := the address's text ('' for none).
  void set_cart_address(const std::string& cart_id, const std::optional<Address>& address);
  // Erases the address of at most `limit` closed carts (not open) last changed before `before`
  // that hold one, oldest first (an index seek: carts_erasable_by_age); returns how many.
  std::int64_t erase_old_cart_addresses(Timestamp before, int limit);
  // status: open -> expired where the cart is an open guest cart with expires_at <= now.
  bool try_expire_guest_cart(const std::string& cart_id, Timestamp now);
  // Open guest carts with expires_at <= now, oldest expiry first, at most `limit` (an index
  // seek: carts_open_guest_by_expiry).
  std::vector<std::string> find_expired_guest_carts(Timestamp now, int limit);
  // Returns false if the user's wishlist holds the product.
  bool insert_wishlist_item(const std::string& user_id, const WishlistItem& item);
  // Returns false if it did not hold it.
  bool delete_wishlist_item(const std::string& user_id, const std::string& product_id);
  // The user's items after (before_added_at, before_product_id) in newest-first order (added_at
  // descending, then product id descending), at most `limit`.
  std::vector<WishlistItem> list_wishlist(const std::string& user_id, Timestamp before_added_at,
                                          const std::string& before_product_id, int limit);

  // --- stock, per (product, location)
  // A zero row of the product at the location, unless it has one.
  void insert_stock(const std::string& product_id, const std::string& location_id);
  // The product's counters summed over the active locations; none if it has no stock row.
  std::optional<StockLevel> find_stock(const std::string& product_id);
  // The product's row at the location (locked in a write unit).
  std::optional<LocationLevel> find_stock_at(const std::string& product_id,
                                             const std::string& location_id);
  // The product's rows at every location, by priority then location id.
  std::vector<LocationLevel> list_stock_at_locations(const std::string& product_id);
  // For each product of `product_ids` (sorted, distinct), its rows in active locations as the
  // allocation strategy sees them, by product id then location id, in one statement; with
  // `lock` (PostgreSQL) the stock rows stay locked to the end of the unit.
  std::vector<std::pair<std::string, StockOption>> find_stock_options(
      const std::vector<std::string>& product_ids, bool lock);

  // What a conditional stock update left at its row: available after it and the row's
  // low-stock threshold (for StockLow / StockReplenished).
  struct StockMove {
    std::int64_t available_after = 0;
    std::int64_t low_threshold = 0;
  };
  // reserved += qty where on_hand + backorder_room - reserved >= qty.
  std::optional<StockMove> try_reserve_stock_at(const std::string& product_id,
                                                const std::string& location_id, std::int64_t qty);
  // The same at the store's only active location, where the store has exactly one (none
  // otherwise, or where the units are not there); returns that location too.
  std::optional<std::pair<std::string, StockMove>> try_reserve_stock_at_only_location(
      const std::string& product_id, std::int64_t qty);
  // The same at `location_id`, known to be the store's only active location, where that is
  // still so and the reservation backorders nothing (available stays >= 0) and takes available
  // across no low-stock threshold; false (nothing changed) otherwise. Its outcome is thus known
  // before its answer: PostgreSQL sends it without waiting and as late as it can
  // (Query::run_expecting_late), and a miss runs the unit again with every statement answered.
  bool try_reserve_stock_plainly_at(const std::string& product_id, const std::string& location_id,
                                    std::int64_t qty);
  // reserved -= qty where reserved >= qty.
  std::optional<StockMove> try_unreserve_stock_at(const std::string& product_id,
                                                  const std::string& location_id,
                                                  std::int64_t qty);
  // on_hand -= qty, reserved -= qty, sold += qty where reserved >= qty (available unchanged).
  // Sent as late as it can be (Query::run_expecting_late).
  bool try_sell_reserved_stock_at(const std::string& product_id, const std::string& location_id,
                                  std::int64_t qty);
  // on_hand += delta where delta > 0 or on_hand + delta >= reserved.
  std::optional<StockMove> try_adjust_stock_at(const std::string& product_id,
                                               const std::string& location_id,
                                               std::int64_t delta);
  // on_hand -= qty where on_hand - reserved >= qty (a transfer's source).
  std::optional<StockMove> try_transfer_out(const std::string& product_id,
                                            const std::string& location_id, std::int64_t qty);
  // on_hand += qty, creating the row (a transfer's destination).
  StockMove transfer_in(const std::string& product_id, const std::string& location_id,
                        std::int64_t qty);
  void set_low_threshold(const std::string& product_id, const std::string& location_id,
                         std::int64_t low_threshold);
  // backorder_room := room where on_hand + room >= reserved and on_hand + room >= 0.
  bool try_set_backorder_room(const std::string& product_id, const std::string& location_id,
                              std::int64_t room);
  void insert_stock_adjustment(const StockAdjustment& adjustment);
  void insert_stock_transfer(const StockTransfer& transfer);
  void insert_reservations(const std::vector<Reservation>& rows);
  // The order's rows in every state, by product id then location id.
  std::vector<Reservation> find_reservations(const std::string& order_id);
  // Deletes the order's live rows (their units stay reserved: a cart's hold taken over by the
  // order placed from it, whose rows replace them in the same unit).
  void delete_live_reservations(const std::string& order_id);
  // state: from -> to for one row; false if the row was not in `from`.
  bool try_set_reservation_state(const Reservation& row, ReservationState from,
                                 ReservationState to);
  // Distinct orders holding a live reservation with expires_at <= now, oldest expiry first.
  std::vector<std::string> find_expired_reservation_orders(Timestamp now, int limit);

  // --- shipments (commerce/shipments.h)
  void insert_shipment(const Shipment& shipment);  // with its items
  std::optional<Shipment> find_shipment(const std::string& shipment_id);  // locks it
  // The shipment's order id, without locking (units lock the order before its shipments).
  std::optional<std::string> find_shipment_order(const std::string& shipment_id);
  std::optional<std::string> find_shipment_id(const std::string& carrier,
                                              const std::string& tracking_number);
  std::vector<Shipment> find_shipments_for_order(const std::string& order_id);  // oldest first
  // Ids of shipments in `status` after `after_id`, by id, at most `limit`.
  std::vector<std::string> find_shipment_ids_in(ShipmentStatus status, const std::string& after_id,
                                                int limit);
  // Ids of shipments on the way (shipped, in_transit, delivery_failed), least recently tracked
  // first, at most `limit`.
  std::vector<std::string> find_shipments_on_the_way(int limit);
  // status: from -> to with the note (kept if empty), tracked_at (kept if 0), tracking number
  // and label (kept if empty); false if the shipment was not in `from`.
  bool try_move_shipment(const Shipment& next, ShipmentStatus from);
  // The order's reservation rows with their shipment counters, by product then location.
  std::vector<FulfilmentRow> find_fulfilment(const std::string& order_id);
  // packed, shipped, delivered += the deltas on the committed row, only while
  // 0 <= delivered <= shipped <= packed <= qty holds after, and, when packing more, only units
  // in stock: backordered units only once the location's on_hand is not negative.
  bool try_move_units(const std::string& order_id, const std::string& product_id,
                      const std::string& location_id, std::int64_t packed, std::int64_t shipped,
                      std::int64_t delivered);

  // --- points
  Money find_points_balance(const std::string& user_id);  // 0 if none
  // balance -= amount where balance >= amount: the new balance, or nullopt (nothing changed)
  // if the balance was short or there is none.
  std::optional<Money> try_debit_points(const std::string& user_id, Money amount);
  // balance += amount (creating the balance row): the new balance, or nullopt (nothing
  // changed) if the result would overflow.
  std::optional<Money> try_credit_points(const std::string& user_id, Money amount);
  void insert_points_entry(const PointsEntry& entry);
  // The entries recorded for the order (`order_id` is never empty), by id.
  std::vector<PointsEntry> find_points_entries_for_order(const std::string& order_id);
  // The user's entries with id < before_id (all if empty), newest first, at most `limit`.
  std::vector<PointsEntry> list_points_entries(const std::string& user_id,
                                                       const std::string& before_id,
                                                       int limit);

  // --- coupons
  // Returns false if the code exists.
  bool insert_coupon_template(const CouponTemplate& tmpl);
  std::optional<CouponTemplate> find_coupon_template(const std::string& id);
  std::optional<CouponTemplate> find_coupon_template_by_code(const std::string& code);
  // issued_count += 1 where issued_count < total_limit.
  bool try_count_template_issue(const std::string& template_id);
  // The user's issued count for the template += 1 where it is < per_user_limit.
  bool try_count_user_issue(const std::string& template_id, const std::string& user_id,
                                    std::int64_t per_user_limit);
  void insert_coupon(const Coupon& coupon);
  std::optional<Coupon> find_coupon(const std::string& id);
  // The coupon currently used by the order, if any.
  std::optional<Coupon> find_coupon_used_by(const std::string& order_id);
  // status: from -> to and order_id := order_id, where status = from; false otherwise. Guessed
  // (Query::run_expecting): PostgreSQL sends it without waiting.
  bool try_set_coupon_status(const std::string& coupon_id, CouponStatus from,
                                     CouponStatus to, const std::string& order_id,
                                     Timestamp now);
  // The user's coupons with id > after_id, by id, at most `limit`.
  std::vector<Coupon> list_coupons(const std::string& user_id,
                                           const std::string& after_id, int limit);

  // --- outbox
  // Appends the event; returns its outbox position (seq), increasing in commit order per key.
  // Appends the queued events first.
  std::int64_t append_event(const Event& event);
  // Queues the event: it is appended with the unit's other queued events, in the order they
  // were queued and with append_event()'s guarantees, by flush_events(), which run_unit() calls
  // when the unit's work returns (and the outbox reads of this class call first). Its seq is
  // not known before. A unit's events written together cost one multi-row insert.
  void queue_event(Event event) { queued_events_.push_back(std::move(event)); }
  // How many events are queued, and the events queued after the first `from` (taken out of
  // the queue, to be queued again in another order).
  std::size_t queued_event_count() const { return queued_events_.size(); }
  std::vector<Event> take_queued_events(std::size_t from) {
    from = std::min(from, queued_events_.size());
    std::vector<Event> taken(std::make_move_iterator(queued_events_.begin() +
                                                     static_cast<std::ptrdiff_t>(from)),
                             std::make_move_iterator(queued_events_.end()));
    queued_events_.resize(from);
    return taken;
  }
  // Appends the queued events.
  void flush_events();
  // Events with seq > after_seq, by seq, at most `limit`.
  std::vector<Event> read_outbox(std::int64_t after_seq, int limit);

  // --- outbox delivery (the relay, commerce/outbox_relay.h) and the inbox (commerce/inbox.h)
  // Pending rows with seq > after_seq due for delivery, by seq, at most `limit`:
  // next_attempt_at <= now and no earlier pending row of the same key (after_seq or not) waits
  // for a later time (so a key in backoff is skipped whole and per-key order holds).
  std::vector<PendingEvent> read_due_events(Timestamp now, std::int64_t after_seq,
                                                    int limit);
  // How many rows with after_seq < seq <= through_seq are pending.
  std::int64_t count_pending_events(std::int64_t after_seq, std::int64_t through_seq);
  // pending -> delivered for each row of `seqs` (adapters may keep `now` as the delivery time;
  // the PostgreSQL one does), in one statement's worth of work; rows that are not pending are left alone. Returns how many rows it changed.
  std::int64_t mark_events_delivered(const std::vector<std::int64_t>& seqs,
                                             Timestamp now);
  // Records a failed attempt of a pending row: attempts, next_attempt_at, last_error := the
  // arguments; false if the row was not pending.
  bool try_record_event_failure(std::int64_t seq, int attempts, Timestamp next_attempt_at,
                                        const std::string& error);
  // pending -> dead for one row, adding its dead-letter row (attempts, error, now,
  // parked_behind); false if the row was not pending.
  bool try_dead_letter_event(std::int64_t seq, int attempts, const std::string& error,
                                     Timestamp now, std::int64_t parked_behind);
  // For each of `keys` that has dead letters, the key and the seq of its first (lowest seq)
  // dead letter, by key; keys without dead letters are left out. Adapters answer without a
  // round trip per key (the relay asks once per batch).
  std::vector<std::pair<std::string, std::int64_t>> find_first_dead_letters(
      const std::vector<std::string>& keys);
  // Dead letters with seq > after_seq, by seq, at most `limit`.
  std::vector<DeadLetter> list_dead_letters(std::int64_t after_seq, int limit);
  // dead -> pending (attempts 0, due now) for every dead letter of `key` (of every key if
  // empty), deleting their dead-letter rows; returns how many rows it moved.
  std::int64_t requeue_dead_letters(const std::string& key);
  // Exact counts: reads every outbox row (O(n); the relay's stats() uses the next instead).
  OutboxCounts count_outbox();
  // The queue's positions and the counts within `count_cap` seqs of them (count_cap >= 1), in one
  // statement of index seeks and bounded index ranges: its cost does not grow with the backlog.
  OutboxPositions read_outbox_positions(std::int64_t count_cap);
  // Takes or renews the named lease for `owner` until `until`, where it is free, expired
  // (its until <= now) or already held by `owner`; false if another owner holds it.
  bool try_acquire_lease(const std::string& name, const std::string& owner, Timestamp now,
                                 Timestamp until);
  // Frees the named lease if `owner` holds it.
  void release_lease(const std::string& name, const std::string& owner);
  // Returns false (and changes nothing) if a message with this id was recorded.
  bool insert_inbox_message(const InboxRecord& record);
  std::optional<InboxRecord> find_inbox_message(const std::string& message_id);
  std::int64_t count_inbox_messages();

  // --- orders, sagas and payments (commerce/orders.h, commerce/saga.h, commerce/payments.h)
  // Inserts the order row (not its items); false (and nothing changed) if the id exists.
  bool insert_order(const Order& order);
  void insert_order_items(const std::string& order_id, const std::vector<OrderItem>& items);
  // The order row with items left empty.
  std::optional<Order> find_order(const std::string& order_id);
  // The order's items, by product id.
  std::vector<OrderItem> find_order_items(const std::string& order_id);
  // The user's orders (items left empty) with id < before_id (all if empty), newest first, at
  // most `limit`.
  std::vector<Order> list_orders_for_user(const std::string& user_id,
                                                  const std::string& before_id, int limit);
  // Every order (items left empty) with id > after_id, by id, at most `limit`.
  std::vector<Order> list_orders(const std::string& after_id, int limit);
  // Orders awaiting payment with expires_at <= now, oldest expiry first, at most `limit` (one
  // range of the partial index orders_awaiting_payment_by_expiry).
  std::vector<std::string> find_expired_awaiting_payment(Timestamp now, int limit);
  // status: from -> to, failure_reason := reason if not empty, updated_at := now, where
  // status = from; false otherwise.
  bool try_set_order_status(const std::string& order_id, OrderStatus from, OrderStatus to,
                                    const std::string& reason, Timestamp now);
  // Sets the order row's discount, tax, shipping_tax, total, coupon_applied, coupon_note and
  // updated_at from `order` where status = PENDING; false otherwise.
  bool try_set_order_pricing(const Order& order);
  // Sets each item's discount, tax and total.
  void set_order_item_pricing(const std::string& order_id, const std::vector<OrderItem>& items);
  void insert_order_audits(const std::vector<OrderAudit>& rows);
  // Erases the shipping address (personal_data_erased_at := now) of at most `limit` finished
  // orders (delivered, cancelled, failed) last updated before `before` that hold one, oldest
  // first (an index seek: orders_erasable_by_age); returns their ids.
  std::vector<std::string> erase_old_order_addresses(Timestamp before, int limit, Timestamp now);
  // The same for one order; false (nothing changed) if it is not finished or holds no address.
  bool try_erase_order_address(const std::string& order_id, Timestamp now);
  // The order's audit rows, oldest first.
  std::vector<OrderAudit> find_order_audit(const std::string& order_id);

  // Returns false if the order already has a saga.
  bool insert_saga(const SagaRecord& saga);
  std::optional<SagaRecord> find_saga(const std::string& order_id);
  // Replaces state, step, reason and updated_at and sets position := expected_position + 1,
  // where position = expected_position; false otherwise (someone else moved the saga).
  bool try_update_saga(const SagaRecord& saga, std::int64_t expected_position);
  // Unfinished sagas in `state` with order_id > after_order_id, by order id, at most `limit`
  // (one range of the partial index sagas_unfinished). Internal error for a finished state
  // (confirmed, failed, cancelled): the index does not hold those.
  std::vector<SagaRecord> list_unfinished_sagas(SagaState state,
                                                const std::string& after_order_id, int limit);
  // Appends the log lines, in their order, skipping any whose (order_id, step, action) is
  // recorded; returns how many it appended.
  std::int64_t insert_saga_logs(const std::vector<SagaLogEntry>& lines);
  // The order's log lines in the order they were written.
  std::vector<SagaLogEntry> find_saga_log(const std::string& order_id);

  // Returns false if a payment with this id exists.
  bool insert_payment(const Payment& payment);
  // The order's payment (at most one).
  std::optional<Payment> find_payment(const std::string& order_id);
  // status: from -> to, reference := reference if not empty, updated_at := now, where
  // status = from; false otherwise.
  bool try_set_payment_status(const std::string& payment_id, PaymentStatus from,
                                      PaymentStatus to, const std::string& reference,
                                      Timestamp now);

  // --- partial refunds (commerce/payments.h Refund; statements/refunds.cpp)
  // orders.refunded += amount where the order is CONFIRMED, SHIPPED or DELIVERED with an
  // approved payment and refunded + amount <= that payment's amount (one conditional update:
  // concurrent reservations can never pass the payment); false otherwise.
  bool try_reserve_refund(const std::string& order_id, Money amount);
  // orders.refunded -= amount (a declined refund's reservation given back), where refunded >=
  // amount; false otherwise.
  bool try_release_refund(const std::string& order_id, Money amount);
  // The order's orders.refunded (0 for no such order).
  Money find_refunded(const std::string& order_id);
  // Returns false if a refund with this id exists.
  bool insert_refund(const Refund& refund);
  std::optional<Refund> find_refund(const std::string& refund_id);
  // The order's refunds, oldest first (by created_at, then id).
  std::vector<Refund> find_refunds(const std::string& order_id);
  // Started refunds with id > after_id, by id, at most `limit`.
  std::vector<Refund> list_started_refunds(const std::string& after_id, int limit);
  // status: started -> to, reference and message set, updated_at := now, where the refund is
  // started; false otherwise.
  bool try_finish_refund(const std::string& refund_id, RefundStatus to,
                         const std::string& reference, const std::string& message, Timestamp now);
  // The sum of the order's approved and started refunds (for invariant checks).
  Money sum_open_refunds(const std::string& order_id);

  // --- giving units back (commerce/returns.h; statements/returns.cpp)
  // reservations.cancelled += qty on the committed row, where packed + cancelled + qty <= qty
  // of the row (units in no shipment only).
  bool try_cancel_units(const std::string& order_id, const std::string& product_id,
                        const std::string& location_id, std::int64_t qty);
  // order_items.returned += qty where returned + qty <= the line's delivered units.
  bool try_claim_return_units(const std::string& order_id, const std::string& product_id,
                              std::int64_t qty);
  // order_items.returned -= qty where returned >= qty (a rejected return's claim).
  bool try_release_return_units(const std::string& order_id, const std::string& product_id,
                                std::int64_t qty);
  // order_items.given_back += qty where given_back + qty <= qty of the line.
  bool try_give_back_units(const std::string& order_id, const std::string& product_id,
                           std::int64_t qty);
  // The return and its items.
  void insert_return(const Return& r);
  // Locks the return's row (PostgreSQL write units).
  std::optional<Return> find_return(const std::string& return_id);
  std::optional<Return> find_return_by_refund(const std::string& refund_id);
  // The order's returns, oldest first.
  std::vector<Return> find_returns_for_order(const std::string& order_id);
  // status, note, given_back, updated_at and the exchange's outcome (replacement_order_id,
  // exchange_credit, exchange_note) := next's where the return is in `from`; false
  // otherwise.
  bool try_move_return(const Return& next, ReturnStatus from);
  void set_return_item_inspection(const std::string& return_id, const ReturnItem& item);
  // When the order's latest delivered shipment was delivered (its updated_at); 0 if none.
  Timestamp find_last_delivery(const std::string& order_id);

  // --- invariant checks (commerce/invariants.h); read only
  // Stock rows after (after_product_id, after_location_id), by product id then location id,
  // at most `limit`.
  std::vector<LocationLevel> list_stock_rows(const std::string& after_product_id,
                                             const std::string& after_location_id, int limit);
  // Sum of qty of the live reservations of the product at the location (0 if none).
  std::int64_t sum_live_reservations(const std::string& product_id,
                                     const std::string& location_id);
  // The product's stock adjustment deltas at the location (initial stock included) plus the
  // transfers into it minus the transfers out of it.
  std::int64_t sum_stock_movements(const std::string& product_id, const std::string& location_id);
  // Balances with user_id > after_id, by user id, at most `limit`.
  std::vector<PointsBalance> list_points_balances(const std::string& after_id,
                                                          int limit);
  // Sum of the user's ledger entry amounts (0 if none).
  Money sum_points_entries(const std::string& user_id);
  // Used coupons by order id, at most `limit` (one range of coupons_used_by_order): from the
  // first (a coupon used with no order, '', included) without after_order_id, else those with
  // order_id > *after_order_id.
  std::vector<Coupon> list_used_coupons(const std::optional<std::string>& after_order_id,
                                        int limit);
  // Templates with id > after_id, by id, at most `limit`.
  std::vector<CouponTemplate> list_coupon_templates(const std::string& after_id,
                                                            int limit);
  // Coupons issued from the template (every status).
  std::int64_t count_coupons_of_template(const std::string& template_id);
  // The template's per-user issue counters with user_id > after_user_id, by user id, at most
  // `limit`: one row for every user with a counter row or a coupon of the template.
  std::vector<CouponUserIssues> list_coupon_user_issues(const std::string& template_id,
                                                               const std::string& after_user_id,
                                                               int limit);
  // Outbox events of `type`, one of an order's lifecycle events (OrderCreated, OrderConfirmed,
  // OrderFailed, OrderCancelled; 0 for any other type), with key `key`.
  std::int64_t count_order_events(const std::string& type, const std::string& key);

  // --- invariant repair (commerce/invariants.h: repair_invariants)
  // issued_count := to where issued_count = from and to <= total_limit; false otherwise.
  bool try_set_coupon_issued_count(const std::string& template_id, std::int64_t from,
                                           std::int64_t to);
  // The user's issued count for the template (0 if it has no row) := to, where it = from and
  // 0 <= to <= the template's per_user_limit; false otherwise (a missing row is created only
  // when from = 0).
  bool try_set_coupon_user_issued(const std::string& template_id,
                                          const std::string& user_id, std::int64_t from,
                                          std::int64_t to);
  // --- retention (statements/retention.cpp): Store::compact() (commerce/store.h) and the file
  // check of check_invariants(). Each call does a bounded amount of work, so a unit holding it
  // stays short whatever the size of the store.
  // Looks at the outbox rows with seq > after_seq in seq order, at most `limit` and up to (not
  // including) the first one that occurred at or after `before`; deletes those among them that
  // were delivered (no pending row, no dead letter): pending and dead events always stay.
  RetentionBatch delete_delivered_events(std::int64_t after_seq, Timestamp before, int limit);
  // The same over saga log lines (their `at`): deletes the lines of sagas that ended
  // (confirmed, failed or cancelled) with the saga's updated_at < before.
  RetentionBatch delete_finished_saga_logs(std::int64_t after_seq, Timestamp before, int limit);
  // Deletes at most `limit` idempotency records created before `before`, oldest first;
  // returns how many.
  std::int64_t delete_requests_before(Timestamp before, int limit);
  // Deletes at most `limit` inbox records received before `before`, oldest first; returns how
  // many.
  std::int64_t delete_inbox_messages_before(Timestamp before, int limit);
  // The store's check of its own files or database (SQLite: PRAGMA quick_check, or
  // integrity_check when `full`; PostgreSQL: invalid indexes, and when `full` a read of every
  // table): one line per problem found, empty if none. Damage that stops the check itself is
  // reported as a line too.
  std::vector<std::string> check_storage(bool full);

 private:
  SqlSession& session_;
  std::vector<Event> queued_events_;
};


// Runs `work(Transaction&)` as one unit of work of `storage` and returns what it returns.
template <class F>
auto run_unit(Storage& storage, Storage::Access access, F&& work)
    -> std::invoke_result_t<F, Transaction&> {
  using R = std::invoke_result_t<F, Transaction&>;
  if constexpr (std::is_void_v<R>) {
    storage.run(access, [&](SqlSession& session) {
      Transaction tx(session);
      work(tx);
      tx.flush_events();
    });
  } else {
    std::optional<R> result;
    storage.run(access, [&](SqlSession& session) {
      Transaction tx(session);
      result = work(tx);
      tx.flush_events();
    });
    return std::move(*result);
  }
}

}  // namespace commerce
