#include "pg_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "commerce/error.h"
#include "storage/schema_version_error.h"

namespace commerce::postgres {

namespace {

// Migration N brings the schema from version N-1 to N. Append only; never edit a shipped one.
// Keep in step with the SQLite adapter's list (same numbers, same tables and constraints).
constexpr const char* kMigrations[] = {
    // 1: catalog, stock, points, coupons, idempotency keys, outbox.
    R"sql(
CREATE TABLE settings(key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
CREATE TABLE requests(
  request_id text COLLATE "C" PRIMARY KEY, fingerprint text NOT NULL, result text NOT NULL,
  created_at bigint NOT NULL);
CREATE TABLE categories(id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL);
CREATE TABLE products(
  id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL,
  description text COLLATE "C" NOT NULL, price bigint NOT NULL CHECK (price >= 0),
  category text COLLATE "C" NOT NULL, brand text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL, attributes text NOT NULL,
  created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX products_by_category ON products(category, id);
CREATE INDEX products_by_brand ON products(brand, id);
CREATE TABLE stock(
  product_id text COLLATE "C" PRIMARY KEY REFERENCES products(id),
  on_hand bigint NOT NULL CHECK (on_hand >= 0),
  reserved bigint NOT NULL CHECK (reserved >= 0 AND reserved <= on_hand),
  sold bigint NOT NULL CHECK (sold >= 0));
CREATE TABLE stock_adjustments(
  id text COLLATE "C" PRIMARY KEY, product_id text COLLATE "C" NOT NULL, delta bigint NOT NULL,
  reason text NOT NULL, created_at bigint NOT NULL);
CREATE INDEX stock_adjustments_by_product ON stock_adjustments(product_id);
CREATE TABLE reservations(
  order_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  qty bigint NOT NULL CHECK (qty > 0), expires_at bigint NOT NULL,
  state text COLLATE "C" NOT NULL,
  PRIMARY KEY (order_id, product_id));
CREATE INDEX reservations_live_by_expiry ON reservations(expires_at) WHERE state = 'live';
CREATE INDEX reservations_by_product ON reservations(product_id, state);
CREATE TABLE point_balances(
  user_id text COLLATE "C" PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE point_entries(
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL, amount bigint NOT NULL, balance_after bigint NOT NULL,
  order_id text COLLATE "C" NOT NULL, reason text NOT NULL, request_id text NOT NULL,
  created_at bigint NOT NULL);
CREATE INDEX point_entries_by_user ON point_entries(user_id, id);
CREATE UNIQUE INDEX point_entries_once_per_order ON point_entries(order_id, kind)
  WHERE order_id <> '';
CREATE TABLE coupon_templates(
  id text COLLATE "C" PRIMARY KEY, code text COLLATE "C" NOT NULL UNIQUE, name text NOT NULL,
  kind text COLLATE "C" NOT NULL, value bigint NOT NULL, max_discount bigint NOT NULL,
  min_order_amount bigint NOT NULL, valid_from bigint NOT NULL, valid_until bigint NOT NULL,
  total_limit bigint NOT NULL, per_user_limit bigint NOT NULL,
  issued_count bigint NOT NULL CHECK (issued_count >= 0 AND issued_count <= total_limit),
  created_at bigint NOT NULL);
CREATE TABLE coupon_user_issues(
  template_id text COLLATE "C" NOT NULL, user_id text COLLATE "C" NOT NULL,
  issued bigint NOT NULL, PRIMARY KEY (template_id, user_id));
CREATE TABLE coupons(
  id text COLLATE "C" PRIMARY KEY, template_id text COLLATE "C" NOT NULL,
  code text COLLATE "C" NOT NULL, user_id text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL, order_id text COLLATE "C" NOT NULL,
  valid_until bigint NOT NULL, issued_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX coupons_by_user ON coupons(user_id, id);
CREATE UNIQUE INDEX coupons_used_by_order ON coupons(order_id) WHERE status = 'used';
CREATE TABLE outbox(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE,
  type text COLLATE "C" NOT NULL, schema_version integer NOT NULL,
  topic text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, occurred_at bigint NOT NULL,
  request_id text NOT NULL, payload text NOT NULL);
)sql",
    // 2: outbox delivery state, dead letters, relay leases, inbox.
    R"sql(
ALTER TABLE outbox ADD COLUMN state text COLLATE "C" NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at bigint NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN delivered_at bigint NOT NULL DEFAULT 0;
CREATE INDEX outbox_pending ON outbox(seq) WHERE state = 'pending';
CREATE INDEX outbox_pending_by_key ON outbox(key, seq) WHERE state = 'pending';
CREATE INDEX outbox_by_state ON outbox(state);
CREATE TABLE outbox_dead_letters(
  seq bigint PRIMARY KEY REFERENCES outbox(seq), key text COLLATE "C" NOT NULL,
  attempts integer NOT NULL, last_error text NOT NULL, dead_at bigint NOT NULL,
  parked_behind bigint NOT NULL);
CREATE INDEX outbox_dead_letters_by_key ON outbox_dead_letters(key, seq);
CREATE TABLE leases(
  name text COLLATE "C" PRIMARY KEY, owner text COLLATE "C" NOT NULL, until bigint NOT NULL);
CREATE TABLE inbox(
  message_id text COLLATE "C" PRIMARY KEY, type text COLLATE "C" NOT NULL,
  fingerprint text NOT NULL, received_at bigint NOT NULL);
)sql",
    // 3: orders, order items and audit, sagas and their log, payments.
    R"sql(
CREATE TABLE orders(
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  subtotal bigint NOT NULL CHECK (subtotal >= 0), discount bigint NOT NULL CHECK (discount >= 0),
  points_used bigint NOT NULL CHECK (points_used >= 0), total bigint NOT NULL CHECK (total >= 0),
  coupon_id text COLLATE "C" NOT NULL, coupon_required bigint NOT NULL,
  coupon_applied bigint NOT NULL, coupon_note text NOT NULL, payment_method text NOT NULL,
  failure_reason text NOT NULL, request_id text NOT NULL, expires_at bigint NOT NULL,
  created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX orders_by_user ON orders(user_id, id);
CREATE INDEX orders_by_status_expiry ON orders(status, expires_at);
CREATE TABLE order_items(
  order_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL, name text NOT NULL,
  unit_price bigint NOT NULL, qty bigint NOT NULL CHECK (qty > 0), line_total bigint NOT NULL,
  PRIMARY KEY (order_id, product_id));
CREATE TABLE order_audit(
  id text COLLATE "C" PRIMARY KEY, order_id text COLLATE "C" NOT NULL,
  from_status text COLLATE "C" NOT NULL, to_status text COLLATE "C" NOT NULL,
  reason text NOT NULL, at bigint NOT NULL);
CREATE INDEX order_audit_by_order ON order_audit(order_id, at, id);
CREATE TABLE sagas(
  order_id text COLLATE "C" PRIMARY KEY, state text COLLATE "C" NOT NULL, step bigint NOT NULL,
  position bigint NOT NULL, steps text NOT NULL, reason text NOT NULL,
  updated_at bigint NOT NULL);
CREATE INDEX sagas_by_state ON sagas(state, order_id);
CREATE TABLE saga_log(
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id text COLLATE "C" NOT NULL,
  step text COLLATE "C" NOT NULL, action text COLLATE "C" NOT NULL, detail text NOT NULL,
  at bigint NOT NULL, UNIQUE (order_id, step, action));
CREATE TABLE payments(
  id text COLLATE "C" PRIMARY KEY, order_id text COLLATE "C" NOT NULL UNIQUE,
  amount bigint NOT NULL CHECK (amount > 0), method text NOT NULL,
  status text COLLATE "C" NOT NULL, reference text NOT NULL,
  created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX outbox_by_key_type ON outbox(key, type);
CREATE INDEX coupons_by_status ON coupons(status, id);
CREATE INDEX coupons_by_template ON coupons(template_id);
)sql",
    // 4: lighter outbox writes for the relay. outbox_by_state goes (the outbox counts do
    // without it); outbox_pending_by_key becomes outbox_waiting_by_key, holding only the rows
    // that wait for a retry (the only ones the due-events probe looks for), so a new or
    // delivered event no longer writes either index.
    R"sql(
DROP INDEX outbox_by_state;
DROP INDEX outbox_pending_by_key;
CREATE INDEX outbox_waiting_by_key ON outbox(key, seq)
  WHERE state = 'pending' AND next_attempt_at > 0;
)sql",
    // 5: retention (issue 15): idempotency and inbox records are removed oldest first. (The
    // SQLite adapter's 5, the narrow outbox_pending table, has no counterpart here yet; this is
    // its 6.)
    R"sql(
CREATE INDEX requests_by_created ON requests(created_at);
CREATE INDEX inbox_by_received ON inbox(received_at);
)sql",
    // 6: product search that does not scan: trigram indexes (pg_trgm, a trusted extension
    // since PostgreSQL 13: the database owner may create it) under the LIKE filter on
    // lower(name) and lower(description), and prices indexed for ranges. The extension lives
    // once per database, in the schema it was first created in (a store in another schema of
    // the same database finds it there), so its operator class is named with that schema.
    R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
DECLARE trgm text;
BEGIN
  SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX products_name_trigrams ON products '
                 'USING gin (lower(name) %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX products_description_trigrams ON products '
                 'USING gin (lower(description) %I.gin_trgm_ops)', trgm);
END $$;
CREATE INDEX products_by_price ON products(price, id);
)sql",
    // 7: the outbox's index by (key, type), read only by the check of each order's lifecycle
    // events, holds those events only (issue 16: an order's other events no longer write it).
    R"sql(
DROP INDEX outbox_by_key_type;
CREATE INDEX outbox_order_ends ON outbox(key, type)
  WHERE type IN ('OrderCreated', 'OrderConfirmed', 'OrderFailed', 'OrderCancelled');
)sql",
    // 8: variants (issue 17; the SQLite adapter's 9): a variant is a product row naming its
    // parent, its option values a canonical JSON object unique within the parent, a parent's
    // axes on its row; the option values as rows indexed for the listing's option filter.
    R"sql(
ALTER TABLE products ADD COLUMN parent_id text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN options text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN axes text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX products_variant_options ON products(parent_id, options)
  WHERE parent_id <> '';
CREATE TABLE product_option_values(
  product_id text COLLATE "C" NOT NULL, axis text COLLATE "C" NOT NULL,
  value text COLLATE "C" NOT NULL, PRIMARY KEY (product_id, axis));
CREATE INDEX product_option_values_by_value ON product_option_values(axis, value, product_id);
)sql",
    // 9: product ranking (ProductOrder::kRelevance) scores with pg_trgm's similarity(), which
    // lives in the schema the extension was first created in (migration 6), not necessarily on
    // this store's search_path: text_similarity() in the store's schema calls it by its
    // schema-qualified name, so the statements name it once for every store.
    R"sql(
DO $$
DECLARE trgm text;
BEGIN
  SELECT n.nspname INTO trgm FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE FUNCTION text_similarity(a text, b text) RETURNS double precision '
                 'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE '
                 'AS ''SELECT %I.similarity(a, b)::double precision''', trgm);
END $$;
)sql",
    // 10: stock locations (issue 17; the SQLite adapter's 10). Stock per (product, location) with
    // its backorder room and low-stock threshold, reservations naming their location and
    // backordered units, adjustments naming their location, transfers, an order's region.
    // Existing rows move to the location 'default'. stock and reservations are rebuilt (their
    // keys change); the old stock's foreign key to products goes with it.
    R"sql(
CREATE TABLE stock_locations(
  id text COLLATE "C" PRIMARY KEY, name text NOT NULL,
  active bigint NOT NULL CHECK (active IN (0, 1)), priority bigint NOT NULL,
  region text COLLATE "C" NOT NULL DEFAULT '', created_at bigint NOT NULL,
  updated_at bigint NOT NULL);
INSERT INTO stock_locations VALUES('default', 'Default', 1, 0, '', 0, 0);
CREATE TABLE stock_v8(
  product_id text COLLATE "C" NOT NULL, location_id text COLLATE "C" NOT NULL,
  on_hand bigint NOT NULL, reserved bigint NOT NULL CHECK (reserved >= 0),
  sold bigint NOT NULL CHECK (sold >= 0),
  backorder_room bigint NOT NULL DEFAULT 0 CHECK (backorder_room >= 0),
  low_threshold bigint NOT NULL DEFAULT 0 CHECK (low_threshold >= 0),
  CHECK (reserved <= on_hand + backorder_room), CHECK (on_hand + backorder_room >= 0),
  PRIMARY KEY (product_id, location_id));
INSERT INTO stock_v8(product_id, location_id, on_hand, reserved, sold)
  SELECT product_id, 'default', on_hand, reserved, sold FROM stock;
DROP TABLE stock;
ALTER TABLE stock_v8 RENAME TO stock;
CREATE INDEX stock_by_location ON stock(location_id, product_id);
CREATE TABLE reservations_v8(
  order_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  location_id text COLLATE "C" NOT NULL, qty bigint NOT NULL CHECK (qty > 0),
  backordered bigint NOT NULL DEFAULT 0 CHECK (backordered >= 0 AND backordered <= qty),
  expires_at bigint NOT NULL, state text COLLATE "C" NOT NULL,
  PRIMARY KEY (order_id, product_id, location_id));
INSERT INTO reservations_v8(order_id, product_id, location_id, qty, expires_at, state)
  SELECT order_id, product_id, 'default', qty, expires_at, state FROM reservations;
DROP TABLE reservations;
ALTER TABLE reservations_v8 RENAME TO reservations;
CREATE INDEX reservations_live_by_expiry ON reservations(expires_at) WHERE state = 'live';
CREATE INDEX reservations_by_stock ON reservations(product_id, location_id, state);
ALTER TABLE stock_adjustments ADD COLUMN location_id text COLLATE "C" NOT NULL DEFAULT 'default';
DROP INDEX stock_adjustments_by_product;
CREATE INDEX stock_adjustments_by_stock ON stock_adjustments(product_id, location_id);
CREATE TABLE stock_transfers(
  id text COLLATE "C" PRIMARY KEY, product_id text COLLATE "C" NOT NULL,
  from_location_id text COLLATE "C" NOT NULL, to_location_id text COLLATE "C" NOT NULL,
  qty bigint NOT NULL CHECK (qty > 0), reason text NOT NULL, created_at bigint NOT NULL,
  CHECK (from_location_id <> to_location_id));
CREATE INDEX stock_transfers_out ON stock_transfers(product_id, from_location_id);
CREATE INDEX stock_transfers_in ON stock_transfers(product_id, to_location_id);
ALTER TABLE orders ADD COLUMN region text COLLATE "C" NOT NULL DEFAULT '';
)sql",
    // 11: an order's price breakdown (issue 18; the SQLite adapter's 11, which says how existing
    // orders are filled in).
    R"sql(
ALTER TABLE orders ADD COLUMN shipping_option text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN shipping_fee bigint NOT NULL DEFAULT 0 CHECK (shipping_fee >= 0),
  ADD COLUMN shipping_tax bigint NOT NULL DEFAULT 0 CHECK (shipping_tax >= 0),
  ADD COLUMN tax bigint NOT NULL DEFAULT 0 CHECK (tax >= 0),
  ADD COLUMN tax_included bigint NOT NULL DEFAULT 1;
ALTER TABLE order_items ADD COLUMN discount bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
  ADD COLUMN tax_class text COLLATE "C" NOT NULL DEFAULT 'standard',
  ADD COLUMN tax bigint NOT NULL DEFAULT 0 CHECK (tax >= 0),
  ADD COLUMN total bigint NOT NULL DEFAULT 0;
UPDATE order_items i SET discount = floor(o.discount::numeric * i.line_total / o.subtotal)::bigint
  FROM orders o WHERE o.id = i.order_id AND o.discount > 0 AND o.subtotal > 0;
UPDATE order_items i SET discount = i.discount + o.discount - s.given
  FROM orders o,
       (SELECT order_id, sum(discount)::bigint AS given FROM order_items GROUP BY order_id) s,
       (SELECT order_id, product_id, row_number() OVER (
          PARTITION BY order_id ORDER BY line_total DESC, product_id) AS n FROM order_items) f
  WHERE o.id = i.order_id AND o.discount > 0 AND s.order_id = i.order_id
    AND f.order_id = i.order_id AND f.product_id = i.product_id AND f.n = 1;
UPDATE order_items SET total = line_total - discount;
)sql",
    // 12: carts (issue 18; the SQLite adapter's 12). A cart is owned by a user (user_id) or a
    // guest (user_id NULL, guest_token_hash: the SHA-256 of the library-issued token, never the
    // token); at most one open cart per user (carts_one_open_per_user); the sweep seeks open
    // guest carts by expiry; order_id is set by checkout. Lines keyed by (cart, product); the
    // wishlist by (user, product), listed newest first.
    R"sql(
CREATE TABLE carts(
  id text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C",
  guest_token_hash text COLLATE "C" UNIQUE,
  status text COLLATE "C" NOT NULL CHECK (status IN ('open', 'checked_out', 'expired', 'merged')),
  share_token text COLLATE "C" UNIQUE, order_id text COLLATE "C", created_at bigint NOT NULL,
  updated_at bigint NOT NULL, expires_at bigint, hold_id text COLLATE "C", hold_until bigint,
  CHECK ((user_id IS NULL) <> (guest_token_hash IS NULL)));
CREATE UNIQUE INDEX carts_one_open_per_user ON carts(user_id)
  WHERE status = 'open' AND user_id IS NOT NULL;
CREATE INDEX carts_open_guest_by_expiry ON carts(expires_at)
  WHERE status = 'open' AND user_id IS NULL;
CREATE TABLE cart_lines(
  cart_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  qty bigint NOT NULL CHECK (qty > 0), added_at bigint NOT NULL,
  PRIMARY KEY (cart_id, product_id));
CREATE TABLE wishlist_items(
  user_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  added_at bigint NOT NULL, PRIMARY KEY (user_id, product_id));
CREATE INDEX wishlist_items_newest_first ON wishlist_items(user_id, added_at, product_id);
)sql",
    // 13: shipments (issue 19, commerce/shipments.h). A shipment leaves one location with some
    // units of some lines; each reservation row counts its units in shipments (packed), picked
    // up (shipped) and delivered. Orders shipped or delivered before are given one shipment per
    // location of what they reserved, without a carrier, so the counters add up for them too.
    R"sql(
CREATE TABLE shipments(
  id text COLLATE "C" PRIMARY KEY, order_id text COLLATE "C" NOT NULL,
  location_id text COLLATE "C" NOT NULL, carrier text COLLATE "C" NOT NULL, status text NOT NULL,
  tracking_number text COLLATE "C" NOT NULL, label_url text NOT NULL, note text NOT NULL,
  tracked_at bigint NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX shipments_by_order ON shipments(order_id, id);
CREATE UNIQUE INDEX shipments_by_tracking ON shipments(carrier, tracking_number)
  WHERE tracking_number <> '';
CREATE INDEX shipments_by_status ON shipments(status, id);
CREATE INDEX shipments_on_the_way ON shipments(tracked_at, id)
  WHERE status IN ('shipped', 'in_transit', 'delivery_failed');
CREATE TABLE shipment_items(
  shipment_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  qty bigint NOT NULL CHECK (qty > 0), PRIMARY KEY (shipment_id, product_id));
ALTER TABLE reservations ADD COLUMN packed bigint NOT NULL DEFAULT 0,
  ADD COLUMN shipped bigint NOT NULL DEFAULT 0, ADD COLUMN delivered bigint NOT NULL DEFAULT 0;
INSERT INTO shipments
  SELECT DISTINCT r.order_id || '.' || r.location_id, r.order_id, r.location_id, '',
    CASE o.status WHEN 'delivered' THEN 'delivered' ELSE 'shipped' END, '', '',
    'shipped before shipments were recorded', 0, o.updated_at, o.updated_at
  FROM reservations r JOIN orders o ON o.id = r.order_id
  WHERE o.status IN ('shipped', 'delivered') AND r.state = 'committed';
INSERT INTO shipment_items
  SELECT r.order_id || '.' || r.location_id, r.product_id, r.qty
  FROM reservations r JOIN orders o ON o.id = r.order_id
  WHERE o.status IN ('shipped', 'delivered') AND r.state = 'committed';
UPDATE reservations r SET packed = r.qty, shipped = r.qty,
  delivered = CASE o.status WHEN 'delivered' THEN r.qty ELSE 0 END
  FROM orders o WHERE o.id = r.order_id AND r.state = 'committed'
    AND o.status IN ('shipped', 'delivered');
)sql",
    // 14: shipping addresses and their erasure (issue 19): an address's JSON snapshot on orders
    // and carts ('' for none), orders.personal_data_erased_at (0: never); old rows have none / 0. The erasure seeks finished orders and closed carts that still hold
    // an address by age (orders_erasable_by_age, carts_erasable_by_age).
    R"sql(
ALTER TABLE orders ADD COLUMN shipping_address text NOT NULL DEFAULT '',
  ADD COLUMN personal_data_erased_at bigint NOT NULL DEFAULT 0;
ALTER TABLE carts ADD COLUMN shipping_address text NOT NULL DEFAULT '';
CREATE INDEX orders_erasable_by_age ON orders(updated_at, id)
  WHERE shipping_address <> '' AND status IN ('delivered', 'cancelled', 'failed');
CREATE INDEX carts_erasable_by_age ON carts(updated_at, id)
  WHERE shipping_address <> '' AND status <> 'open';
)sql",
    // 15: partial refunds (issue 20): a row per refund (id: its idempotency key at the
    // gateway), by order, the started ones indexed for recover(); orders.refunded, the money
    // refunded or being refunded so far (old rows: 0).
    R"sql(
CREATE TABLE refunds(
  id text COLLATE "C" PRIMARY KEY, order_id text COLLATE "C" NOT NULL,
  payment_id text COLLATE "C" NOT NULL, amount bigint NOT NULL CHECK (amount > 0),
  status text COLLATE "C" NOT NULL CHECK (status IN ('started', 'approved', 'declined')),
  reason text NOT NULL, reference text NOT NULL, message text NOT NULL,
  request_id text NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX refunds_by_order ON refunds(order_id, created_at, id);
CREATE INDEX refunds_started ON refunds(id) WHERE status = 'started';
ALTER TABLE orders ADD COLUMN refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0);
)sql",
    // 16: partial cancellation and returns (issue 20): reservations.cancelled (units cancelled
    // before they shipped), order_items.returned (units in returns not rejected) and
    // given_back (units whose value was given back); returns and their lines; points entries
    // of kind 'refund' may be many per order ('use' and 'restore' stay once per order).
    R"sql(
ALTER TABLE reservations ADD COLUMN cancelled bigint NOT NULL DEFAULT 0;
ALTER TABLE order_items ADD COLUMN returned bigint NOT NULL DEFAULT 0,
  ADD COLUMN given_back bigint NOT NULL DEFAULT 0;
CREATE TABLE returns(
  id text COLLATE "C" PRIMARY KEY, order_id text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL, reason text NOT NULL, note text NOT NULL,
  refund_id text COLLATE "C" NOT NULL, value bigint NOT NULL, money bigint NOT NULL,
  points bigint NOT NULL, coupon_restored bigint NOT NULL, shipping_refunded bigint NOT NULL,
  request_id text NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL);
CREATE INDEX returns_by_order ON returns(order_id, id);
CREATE INDEX returns_by_refund ON returns(refund_id) WHERE refund_id <> '';
CREATE TABLE return_items(
  return_id text COLLATE "C" NOT NULL, product_id text COLLATE "C" NOT NULL,
  qty bigint NOT NULL CHECK (qty > 0), restocked bigint NOT NULL DEFAULT 0,
  written_off bigint NOT NULL DEFAULT 0, location_id text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (return_id, product_id));
DROP INDEX point_entries_once_per_order;
CREATE UNIQUE INDEX point_entries_once_per_order ON point_entries(order_id, kind)
  WHERE order_id <> '' AND kind <> 'refund';
CREATE INDEX point_entries_by_order ON point_entries(order_id, id) WHERE order_id <> '';
)sql",
    // 17: exchanges (issue 20): returns.replacement (the replacement's lines asked for, JSON;
    // '' for a plain return), replacement_order_id and exchange_credit (the order placed and
    // what of the return's value paid for it), exchange_note (why the exchange fell back to a
    // refund).
    R"sql(
ALTER TABLE returns ADD COLUMN replacement text NOT NULL DEFAULT '',
  ADD COLUMN replacement_order_id text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN exchange_credit bigint NOT NULL DEFAULT 0,
  ADD COLUMN exchange_note text NOT NULL DEFAULT '';
)sql",
    // 18: fewer index entries written per order (issue 16): the indexes that served one query
    // of one state hold only the rows in that state (see the SQLite migration 18).
    R"sql(
DROP INDEX reservations_by_stock;
CREATE INDEX reservations_live_by_stock ON reservations(product_id, location_id)
  WHERE state = 'live';
DROP INDEX orders_by_status_expiry;
CREATE INDEX orders_awaiting_payment_by_expiry ON orders(expires_at, id)
  WHERE status = 'awaiting_payment';
DROP INDEX sagas_by_state;
CREATE INDEX sagas_unfinished ON sagas(state, order_id)
  WHERE state IN ('running', 'awaiting_payment', 'compensating', 'cancelling');
DROP INDEX coupons_by_status;
)sql",
    // 19: an event's id is no longer a unique index (issue 16; see the SQLite migration 19).
    R"sql(
ALTER TABLE outbox DROP CONSTRAINT outbox_id_key;
)sql",
};

constexpr int kVersion = static_cast<int>(std::size(kMigrations));

// pg_advisory_xact_lock key of migrations: "commerce" in ASCII.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(7165065848790606693)";

// The applied version, or -1 if the database has no schema_migrations table.
int current_version(Connection& conn) {
  if (conn.exec("SELECT to_regclass('schema_migrations') IS NULL").text(0, 0) == "t") return -1;
  return static_cast<int>(
      conn.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
}

void check_not_newer(int current) {
  if (current > kVersion) {
    throw detail::newer_schema_error(current, kVersion);
  }
}

}  // namespace

void migrate(Connection& conn, int target) {
  target = std::clamp(target, 0, kVersion);
  int current = current_version(conn);
  check_not_newer(current);
  if (current >= target) return;
  conn.exec("BEGIN ISOLATION LEVEL READ COMMITTED");
  try {
    conn.exec(kMigrationLock);
    // Another process may have migrated while this one waited for the lock: read again.
    conn.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations("
        "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    current = current_version(conn);
    check_not_newer(current);
    for (int v = current + 1; v <= target; ++v) {
      conn.exec(kMigrations[v - 1]);
      conn.exec(fmt::format("INSERT INTO schema_migrations(version) VALUES({})", v));
    }
    conn.exec("COMMIT");
  } catch (...) {
    conn.rollback();
    throw;
  }
}

int schema_version() { return kVersion; }

}  // namespace commerce::postgres
