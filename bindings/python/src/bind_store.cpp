// bind_store.cpp: clocks, the Store facade and the services it hands out (catalog, stock,
// points, coupons). Every call that touches storage releases the GIL (call_guard) after its
// arguments are converted, so other Python threads run while it waits on the database.
#include <optional>

#include "bindings.h"
#include "commerce/clock.h"
#include "commerce/ids.h"
#include "commerce/invariants.h"
#include "commerce/postgres_storage.h"
#include "commerce/sqlite_storage.h"
#include "commerce/store.h"
#include "plugins.h"
#include "units.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// str or os.PathLike -> str.
std::string location_string(const py::object& location) {
  return py::str(py::module_::import("os").attr("fspath")(location)).cast<std::string>();
}

// JSON object text from a str (as is) or any JSON-serializable mapping (json.dumps).
std::string json_text(const py::object& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  return py::module_::import("json")
      .attr("dumps")(value, py::arg("sort_keys") = true)
      .cast<std::string>();
}

}  // namespace

void declare_store(py::module_& m) {
  py::class_<Store>(m, "Store",
                    "The facade a host opens: it owns the storage and hands out the services.\n"
                    "Safe to use from any number of threads; several processes may share one\n"
                    "SQLite file or PostgreSQL database.");
}

void bind_store(py::module_& m) {
  // ---- clocks
  py::class_<Clock, std::shared_ptr<Clock>>(
      m, "Clock", "A source of time in milliseconds since the Unix epoch (UTC).")
      .def("now", &Clock::now, "The current time, in milliseconds since the Unix epoch.");
  py::class_<SystemClock, Clock, std::shared_ptr<SystemClock>>(m, "SystemClock", "Wall-clock time.",
                                                               py::is_final())
      .def(py::init<>(), "Creates a wall clock.");
  py::class_<ManualClock, Clock, std::shared_ptr<ManualClock>>(
      m, "ManualClock", "A clock that moves only when told to; for tests and simulations.",
      py::is_final())
      .def(py::init<Timestamp>(), py::arg("start"), "Creates a clock showing `start` (ms).")
      .def("set", &ManualClock::set, py::arg("now"), "Sets the time to `now` (ms).")
      .def("advance", &ManualClock::advance, py::arg("ms"), "Moves the time forward by `ms`.")
      .def(
          "__repr__",
          [](const ManualClock& c) { return "ManualClock(" + std::to_string(c.now()) + ")"; },
          "ManualClock(now).");

  m.def("new_id", &new_id, py::arg("now"),
        "A new UUIDv7 (time-ordered id) whose time part is `now` (ms since epoch).");
  m.def("sqlite_schema_version", &sqlite_schema_version,
        "The SQLite schema version this library writes.");
  m.attr("DEFAULT_PAGE_SIZE") = kDefaultPageSize;
  m.attr("MAX_PAGE_SIZE") = kMaxPageSize;

  ValueClass<PostgresOptions>(m, "PostgresOptions",
                              "Options of a PostgreSQL store (Store.open(url, postgres=...)).")
      .field("pool_size", &PostgresOptions::pool_size,
             "Most connections kept open at once (default 8).")
      .field("retry_budget_ms", &PostgresOptions::retry_budget_ms,
             "How long one unit of work retries transient failures (server down, lost\n"
             "connection, serialization failure, pool exhausted) before UnavailableError\n"
             "(default 30000).")
      .field("connect_timeout_s", &PostgresOptions::connect_timeout_s,
             "libpq connect_timeout per connection attempt unless the URL sets one (default 5).")
      .field("application_name", &PostgresOptions::application_name,
             "Shown in pg_stat_activity (default \"commerce-core\").")
      .finish();

  ValueClass<RetentionOptions>(
      m, "RetentionOptions",
      "Retention windows of Store.compact() (Store.open(..., retention=...)); a window of 0\n"
      "keeps those rows forever. Orders, their audit rows, payments, ledgers and pending or\n"
      "dead events are never removed.")
      .field("delivered_events_ms", &RetentionOptions::delivered_events_ms,
             "Delivered outbox events older than this are removed (default 7 days).")
      .field("finished_saga_logs_ms", &RetentionOptions::finished_saga_logs_ms,
             "Log lines of sagas that ended longer ago than this are removed (default 7 days).")
      .field("idempotency_keys_ms", &RetentionOptions::idempotency_keys_ms,
             "How long a request_id is remembered (default 24 hours); after it the same\n"
             "request_id is a new request.")
      .field("inbox_messages_ms", &RetentionOptions::inbox_messages_ms,
             "How long an applied inbox message id is remembered (default 7 days).")
      .field("personal_data_ms", &RetentionOptions::personal_data_ms,
             "Erase the shipping addresses of orders finished (and carts closed) longer ago\n"
             "than this; 0 (the default) keeps them.")
      .field("batch_size", &RetentionOptions::batch_size,
             "Rows per unit of work, 1..10000 (default 500).")
      .finish();
  ValueClass<CompactionReport>(m, "CompactionReport", "What one Store.compact() removed.")
      .field("events", &CompactionReport::events, "Delivered outbox events removed.")
      .field("saga_log_lines", &CompactionReport::saga_log_lines,
             "Log lines of finished sagas removed.")
      .field("requests", &CompactionReport::requests, "Idempotency records removed.")
      .field("inbox_messages", &CompactionReport::inbox_messages, "Inbox records removed.")
      .field("orders_erased", &CompactionReport::orders_erased,
             "Orders whose shipping address was erased.")
      .field("carts_erased", &CompactionReport::carts_erased,
             "Closed carts whose shipping address was erased.")
      .field("units", &CompactionReport::units, "Units of work it took.")
      .finish();

  // ---- services
  py::class_<Catalog>(m, "Catalog",
                      "Products and categories. Thread-safe; every call is one transaction.")
      .def(
          "create",
          [](Catalog& self, std::string id, std::string name, Money price, std::string description,
             std::string category, std::string brand, ProductStatus status,
             const py::object& attributes, std::int64_t initial_stock,
             std::vector<OptionAxis> axes, const std::string& request_id) {
            NewProduct spec;
            spec.id = std::move(id);
            spec.name = std::move(name);
            spec.price = price;
            spec.description = std::move(description);
            spec.category = std::move(category);
            spec.brand = std::move(brand);
            spec.status = status;
            spec.attributes = json_text(attributes);
            spec.initial_stock = initial_stock;
            spec.axes = std::move(axes);
            py::gil_scoped_release release;
            return self.create(spec, request_id);
          },
          py::kw_only(), py::arg("id"), py::arg("name"), py::arg("price"),
          py::arg("description") = "", py::arg("category") = "", py::arg("brand") = "",
          py::arg("status") = ProductStatus::kActive, py::arg("attributes") = "{}",
          py::arg("initial_stock") = 0, py::arg("axes") = std::vector<OptionAxis>{},
          py::arg("request_id") = "",
          "Creates a product with `initial_stock` units on hand and returns it.\n\n"
          "`attributes` is JSON object text or a JSON-serializable dict. `axes` (OptionAxis\n"
          "list, at most 8): the product is sold through its variants (add_variant) and is\n"
          "not itself orderable.\n"
          "Raises InvalidArgumentError (naming the field), FailedPreconditionError if the id\n"
          "exists, NotFoundError if the category does not exist, ConflictError (request_id\n"
          "reused with other arguments).")
      .def(
          "update",
          [](Catalog& self, const std::string& id, std::optional<std::string> name,
             std::optional<std::string> description, std::optional<Money> price,
             std::optional<std::string> category, std::optional<std::string> brand,
             std::optional<ProductStatus> status, const py::object& attributes,
             const std::string& request_id) {
            ProductChanges changes;
            changes.name = std::move(name);
            changes.description = std::move(description);
            changes.price = price;
            changes.category = std::move(category);
            changes.brand = std::move(brand);
            changes.status = status;
            if (!attributes.is_none()) changes.attributes = json_text(attributes);
            py::gil_scoped_release release;
            return self.update(id, changes, request_id);
          },
          py::arg("id"), py::kw_only(), py::arg("name") = py::none(),
          py::arg("description") = py::none(), py::arg("price") = py::none(),
          py::arg("category") = py::none(), py::arg("brand") = py::none(),
          py::arg("status") = py::none(), py::arg("attributes") = py::none(),
          py::arg("request_id") = "",
          "Changes the given fields (None: unchanged) and returns the product. Placed orders\n"
          "keep their price snapshot. Raises NotFoundError, InvalidArgumentError,\n"
          "FailedPreconditionError (deleted products cannot change), ConflictError.")
      .def(
          "add_variant",
          [](Catalog& self, const std::string& parent_id, std::string id, OptionValues options,
             Money price, ProductStatus status, std::int64_t initial_stock, std::string name,
             const std::string& request_id) {
            NewVariant spec{.id = std::move(id),
                            .options = std::move(options),
                            .price = price,
                            .status = status,
                            .initial_stock = initial_stock,
                            .name = std::move(name)};
            py::gil_scoped_release release;
            return self.add_variant(parent_id, spec, request_id);
          },
          py::arg("parent_id"), py::kw_only(), py::arg("id"), py::arg("options"),
          py::arg("price"), py::arg("status") = ProductStatus::kActive,
          py::arg("initial_stock") = 0, py::arg("name") = "", py::arg("request_id") = "",
          "Adds a variant of `parent_id` (a product with axes): a product of its own (id,\n"
          "price, status, stock) with one allowed value per axis in `options` (axis -> value).\n"
          "`name` empty: the parent's name and the values. Raises InvalidArgumentError naming\n"
          "\"options\" (or another field), NotFoundError (parent), FailedPreconditionError\n"
          "naming the parent (no axes, deleted), \"options\" (another variant has them) or the\n"
          "id (exists), ConflictError. Nothing is written on an error.")
      .def("variants", &Catalog::variants, py::arg("product_id"), Release(),
           "The product's page: its variants (not deleted, by id) with the units available\n"
           "now, as VariantAvailability; a product without axes is its own one variant.\n"
           "Raises NotFoundError, InvalidArgumentError.")
      .def("remove", &Catalog::remove, py::arg("id"), py::kw_only(), py::arg("request_id") = "",
           Release(),
           "Soft-deletes the product (status DELETED; no longer orderable), and its variants\n"
           "with it. Idempotent. Raises NotFoundError, ConflictError.")
      .def("get", &Catalog::get, py::arg("id"), Release(),
           "The product. Raises NotFoundError, InvalidArgumentError.")
      .def(
          "list",
          [](const Catalog& self, std::optional<std::string> category,
             std::optional<std::string> brand, std::optional<Money> min_price,
             std::optional<Money> max_price, std::optional<ProductStatus> status, std::string text,
             OptionValues options, std::optional<std::string> parent_id, ProductOrder order,
             const std::string& cursor, int limit) {
            ProductFilter filter;
            filter.category = std::move(category);
            filter.brand = std::move(brand);
            filter.min_price = min_price;
            filter.max_price = max_price;
            filter.status = status;
            filter.text = std::move(text);
            filter.options = std::move(options);
            filter.parent_id = std::move(parent_id);
            filter.order = order;
            return self.list(filter, cursor, limit);
          },
          py::kw_only(), py::arg("category") = py::none(), py::arg("brand") = py::none(),
          py::arg("min_price") = py::none(), py::arg("max_price") = py::none(),
          py::arg("status") = py::none(), py::arg("text") = "",
          py::arg("options") = OptionValues{}, py::arg("parent_id") = py::none(),
          py::arg("order") = ProductOrder::kId, py::arg("cursor") = "",
          py::arg("limit") = kDefaultPageSize, Release(),
          "One page of products matching every given filter, by id, or best match of `text`\n"
          "first with order=ProductOrder.RELEVANCE (exact names, then names holding the text,\n"
          "then descriptions; ties by id). `text` matches name or description\n"
          "case-insensitively; deleted products are listed only when `status` asks.\n"
          "`options` (axis -> value, at most 8): variants having every value. `parent_id`: \"\"\n"
          "lists top-level products only, a product id that product's variants.\n"
          "Raises InvalidArgumentError (bad, tampered or mismatched cursor; bad limit;\n"
          "RELEVANCE without a text of 3+ characters, field 'order').")
      .def("add_category", &Catalog::add_category, py::arg("id"), py::arg("name"), Release(),
           "Adds a category; idempotent for the same id and name. Raises InvalidArgumentError,\n"
           "FailedPreconditionError if the id exists with another name.")
      .def("categories", &Catalog::categories, Release(), "Every category.");

  py::class_<StockLedger>(m, "StockLedger",
                          "Stock per (product, location), reservations, adjustments and transfers.\n"
                          "Thread-safe; no location ever gives more than it holds (plus its\n"
                          "backorder room) under any number of threads or processes.")
      .def("reserve", &StockLedger::reserve, py::arg("order_id"), py::arg("items"), py::kw_only(),
           py::arg("expires_at") = 0, py::arg("region") = "", Release(),
           "Reserves every item for the order, all or nothing (a product named twice counts\n"
           "once with summed qty), allocated among the active locations by the store's\n"
           "allocation strategy (given `region`): one row per (product, location); expires at\n"
           "`expires_at` (0: now + reservation TTL). Idempotent for the same items. Raises\n"
           "InvalidArgumentError (also naming allocation_strategy for an impossible plan),\n"
           "NotFoundError, OutOfStockError / InactiveError naming the product, ConflictError.")
      .def("commit", &StockLedger::commit, py::arg("order_id"), Release(),
           "Payment done: the order's reserved units become sold. Idempotent.\n"
           "Raises NotFoundError, IllegalTransitionError (the reservation was released).")
      .def("release", &StockLedger::release, py::arg("order_id"), Release(),
           "Compensation: releases the order's live reservations and returns them. Idempotent.")
      .def("adjust", &StockLedger::adjust, py::arg("product_id"), py::arg("delta"),
           py::arg("reason"), py::kw_only(), py::arg("request_id") = "",
           py::arg("location_id") = "", Release(),
           "Restock (delta > 0) or shrink (delta < 0) at a location ('' = 'default') with an\n"
           "audit row; never below reserved there. Returns the level over the active locations.\n"
           "Raises InvalidArgumentError, NotFoundError, OutOfStockError, ConflictError.")
      .def("transfer", &StockLedger::transfer, py::arg("product_id"), py::arg("from_location_id"),
           py::arg("to_location_id"), py::arg("qty"), py::arg("reason"), py::kw_only(),
           py::arg("request_id") = "", Release(),
           "Moves qty available units (never reserved ones) between two locations in one unit\n"
           "of work, with a transfer row and StockTransferred. Raises InvalidArgumentError\n"
           "(locations unknown or equal, qty above what is available), NotFoundError.")
      .def("set_low_threshold", &StockLedger::set_low_threshold, py::arg("product_id"),
           py::arg("location_id"), py::arg("low_threshold"), Release(),
           "StockLow once when available there falls to the threshold or below, StockReplenished\n"
           "once when it rises above it (0: off). Raises InvalidArgumentError, NotFoundError.")
      .def("set_backorder_limit", &StockLedger::set_backorder_limit, py::arg("product_id"),
           py::arg("location_id"), py::arg("backorder_limit"), Release(),
           "Lets the location reserve up to backorder_limit units beyond on_hand (0: off).\n"
           "Raises InvalidArgumentError, NotFoundError, OutOfStockError (more is backordered).")
      .def("level", &StockLedger::level, py::arg("product_id"), Release(),
           "The product's counters summed over the active locations. Raises NotFoundError,\n"
           "InvalidArgumentError.")
      .def("levels", &StockLedger::levels, py::arg("product_id"), Release(),
           "The product's LocationLevel at every location with a row for it.")
      .def("reservations", &StockLedger::reservations, py::arg("order_id"), Release(),
           "The order's reservation rows in every state, by product id then location id.")
      .def("release_expired", &StockLedger::release_expired, py::arg("limit") = 100, Release(),
           "Releases live reservations past their expiry (at most `limit` orders) and returns\n"
           "the ids of those orders.");

  py::class_<StockLocations>(m, "StockLocations",
                             "The stock locations (warehouses, shops). Thread-safe.")
      .def(
          "create",
          [](StockLocations& self, std::string id, std::string name, bool active,
             std::int64_t priority, std::string region, std::string request_id) {
            return self.create({.id = std::move(id),
                                .name = std::move(name),
                                .active = active,
                                .priority = priority,
                                .region = std::move(region)},
                               request_id);
          },
          py::arg("id"), py::arg("name"), py::kw_only(), py::arg("active") = true,
          py::arg("priority") = 0, py::arg("region") = "", py::arg("request_id") = "", Release(),
          "Creates a location, with StockLocationCreated. Raises InvalidArgumentError,\n"
          "FailedPreconditionError (exists).")
      .def(
          "update",
          [](StockLocations& self, const std::string& id, std::optional<std::string> name,
             std::optional<bool> active, std::optional<std::int64_t> priority,
             std::optional<std::string> region, const std::string& request_id) {
            return self.update(id,
                               {.name = std::move(name),
                                .active = active,
                                .priority = priority,
                                .region = std::move(region)},
                               request_id);
          },
          py::arg("id"), py::kw_only(), py::arg("name") = py::none(),
          py::arg("active") = py::none(), py::arg("priority") = py::none(),
          py::arg("region") = py::none(), py::arg("request_id") = "", Release(),
          "Changes the given fields (an inactive location gives no units to new reservations),\n"
          "with StockLocationUpdated. Raises InvalidArgumentError, NotFoundError.")
      .def("get", &StockLocations::get, py::arg("id"), Release(),
           "The location. Raises NotFoundError, InvalidArgumentError.")
      .def("list", &StockLocations::list, Release(), "Every location, by priority then id.");

  py::class_<PointsLedger>(m, "PointsLedger",
                           "User point balances kept as a ledger; never negative. Thread-safe.")
      .def("charge", &PointsLedger::charge, py::arg("user_id"), py::arg("amount"), py::kw_only(),
           py::arg("request_id") = "", Release(),
           "Adds `amount` (> 0) to the balance. Raises InvalidArgumentError, ConflictError.")
      .def("use", &PointsLedger::use, py::arg("user_id"), py::arg("amount"), py::arg("order_id"),
           Release(),
           "Takes `amount` (> 0) for the order; once per order (idempotent).\n"
           "Raises InvalidArgumentError, InsufficientPointsError naming the user, ConflictError.")
      .def("restore", &PointsLedger::restore, py::arg("order_id"), Release(),
           "Compensation: gives back what the order used. Idempotent; None if it used none.")
      .def("adjust", &PointsLedger::adjust, py::arg("user_id"), py::arg("delta"), py::arg("reason"),
           py::kw_only(), py::arg("request_id") = "", Release(),
           "Administrative correction by `delta` (non-zero); never below zero.\n"
           "Raises InvalidArgumentError, InsufficientPointsError, ConflictError.")
      .def("balance", &PointsLedger::balance, py::arg("user_id"), Release(),
           "The balance (0 for an unknown user). Raises InvalidArgumentError.")
      .def("history", &PointsLedger::history, py::arg("user_id"), py::kw_only(),
           py::arg("cursor") = "", py::arg("limit") = kDefaultPageSize, Release(),
           "One page of the user's ledger entries, newest first.");

  py::class_<CouponBook>(m, "CouponBook",
                         "Coupon templates and issued coupons; limits hold under concurrency.")
      .def(
          "create_template",
          [](CouponBook& self, std::string code, CouponKind kind, Money value, Timestamp valid_from,
             Timestamp valid_until, std::int64_t total_limit, std::string name, Money max_discount,
             Money min_order_amount, std::int64_t per_user_limit, const std::string& request_id) {
            NewCouponTemplate spec;
            spec.code = std::move(code);
            spec.name = std::move(name);
            spec.kind = kind;
            spec.value = value;
            spec.max_discount = max_discount;
            spec.min_order_amount = min_order_amount;
            spec.valid_from = valid_from;
            spec.valid_until = valid_until;
            spec.total_limit = total_limit;
            spec.per_user_limit = per_user_limit;
            return self.create_template(spec, request_id);
          },
          py::kw_only(), py::arg("code"), py::arg("kind"), py::arg("value"), py::arg("valid_from"),
          py::arg("valid_until"), py::arg("total_limit"), py::arg("name") = "",
          py::arg("max_discount") = 0, py::arg("min_order_amount") = 0,
          py::arg("per_user_limit") = 1, py::arg("request_id") = "", Release(),
          "Creates a coupon template. `value` is minor units (FIXED) or a percent (PERCENT).\n"
          "Raises InvalidArgumentError (naming the field), FailedPreconditionError (the code\n"
          "exists), ConflictError.")
      .def("get_template", &CouponBook::get_template, py::arg("code"), Release(),
           "The template with this code. Raises NotFoundError, InvalidArgumentError.")
      .def("issue", &CouponBook::issue, py::arg("code"), py::arg("user_id"), py::kw_only(),
           py::arg("request_id") = "", Release(),
           "Issues one coupon of template `code` to the user. Raises NotFoundError,\n"
           "LimitReachedError, CouponInvalidError (outside validity), InvalidArgumentError,\n"
           "ConflictError.")
      .def("get", &CouponBook::get, py::arg("coupon_id"), Release(),
           "The coupon. Raises NotFoundError, InvalidArgumentError.")
      .def("list_for_user", &CouponBook::list_for_user, py::arg("user_id"), py::kw_only(),
           py::arg("cursor") = "", py::arg("limit") = kDefaultPageSize, Release(),
           "One page of the user's coupons, oldest first.")
      .def("revoke", &CouponBook::revoke, py::arg("coupon_id"), py::kw_only(),
           py::arg("request_id") = "", Release(),
           "AVAILABLE -> REVOKED; idempotent. Raises NotFoundError, IllegalTransitionError.")
      .def("quote", &CouponBook::quote, py::arg("coupon_id"), py::arg("user_id"),
           py::arg("subtotal"), Release(),
           "The discount the coupon would give now, without using it.\n"
           "Raises NotFoundError, CouponInvalidError with the reason.")
      .def("use", &CouponBook::use, py::arg("coupon_id"), py::arg("user_id"), py::arg("order_id"),
           py::arg("subtotal"), py::kw_only(), py::arg("required") = true, Release(),
           "Marks the coupon used by the order and returns the discount; idempotent per order.\n"
           "A required coupon that fails validation raises CouponInvalidError; an optional one\n"
           "is skipped and the result says why.")
      .def("restore", &CouponBook::restore, py::arg("order_id"), Release(),
           "Compensation: the coupon the order used becomes AVAILABLE again (EXPIRED if past\n"
           "validity). Idempotent; None if the order used no coupon.");

  // ---- the facade (its class was registered by declare_store)
  auto store = py::reinterpret_borrow<py::class_<Store>>(m.attr("Store"));
  bind_store_units(store);
  store.def_static(
          "open",
          [](const py::object& location, const std::string& currency, const py::object& clock,
             TopicNaming topic_naming, std::int64_t reservation_ttl_ms, const py::object& gateway,
             const std::vector<py::object>& steps, const py::object& stock_step,
             std::int64_t gateway_timeout_ms, int attempts, std::int64_t backoff_initial_ms,
             std::int64_t backoff_max_ms, const std::optional<PostgresOptions>& postgres,
             bool read_only, const std::optional<RetentionOptions>& retention,
             const py::object& allocation_strategy, std::int64_t guest_cart_ttl_ms,
             std::int64_t cart_hold_ms,
             const std::vector<py::object>& shipping_options, const py::object& tax_calculator,
             const std::map<std::string, py::object>& carriers,
             const std::optional<ReturnOptions>& returns) {
            const std::string where = location_string(location);
            StoreOptions options;
            options.read_only = read_only;
            if (retention) options.retention = *retention;
            if (returns) options.returns = *returns;
            options.currency = currency;
            if (!clock.is_none()) options.clock = hold_python<Clock>(clock);
            options.topic_naming = topic_naming;
            options.reservation_ttl_ms = reservation_ttl_ms;
            options.guest_cart_ttl_ms = guest_cart_ttl_ms;
            options.cart_hold_ms = cart_hold_ms;
            if (!gateway.is_none()) options.gateway = hold_python<PaymentGateway>(gateway);
            for (const auto& step : steps) {
              options.saga.extra_steps.push_back(hold_python<SagaStep>(step));
            }
            if (!stock_step.is_none()) options.saga.stock_step = hold_python<SagaStep>(stock_step);
            options.saga.gateway_timeout_ms = gateway_timeout_ms;
            options.saga.attempts = attempts;
            options.saga.backoff_initial_ms = backoff_initial_ms;
            options.saga.backoff_max_ms = backoff_max_ms;
            if (!allocation_strategy.is_none()) {
              options.allocation_strategy = hold_python<AllocationStrategy>(allocation_strategy);
            }
            for (const auto& option : shipping_options) {
              options.shipping_options.push_back(hold_python<ShippingOption>(option));
            }
            for (const auto& [name, carrier] : carriers) {
              options.carriers.emplace(name, hold_python<Carrier>(carrier));
            }
            if (!tax_calculator.is_none()) {
              options.tax_calculator = hold_python<TaxCalculator>(tax_calculator);
            }
            if (postgres) {
#ifdef COMMERCE_PY_WITH_POSTGRES
              if (!where.starts_with("postgresql://") && !where.starts_with("postgres://")) {
                throw Error::invalid_argument("postgres",
                                              "PostgresOptions need a postgresql:// location");
              }
              py::gil_scoped_release release;
              return Store::open(open_postgres_storage(where, *postgres), std::move(options));
#else
              throw Error::failed_precondition(
                  Reason::kNone, "postgres",
                  "this build of commerce_core has no PostgreSQL component (WITH_POSTGRES is "
                  "False)");
#endif
            }
            py::gil_scoped_release release;
            return Store::open(where, std::move(options));
          },
          py::arg("location"), py::kw_only(), py::arg("currency") = "KRW",
          py::arg("clock") = py::none(), py::arg("topic_naming") = TopicNaming::kPerDomain,
          py::arg("reservation_ttl_ms") = std::int64_t{15 * 60 * 1000},
          py::arg("gateway") = py::none(), py::arg("steps") = std::vector<py::object>{},
          py::arg("stock_step") = py::none(), py::arg("gateway_timeout_ms") = std::int64_t{10000},
          py::arg("attempts") = 4, py::arg("backoff_initial_ms") = std::int64_t{50},
          py::arg("backoff_max_ms") = std::int64_t{2000}, py::arg("postgres") = py::none(),
          py::arg("read_only") = false, py::arg("retention") = py::none(),
          py::arg("allocation_strategy") = py::none(),
          py::arg("guest_cart_ttl_ms") = kDefaultGuestCartTtlMs,
          py::arg("cart_hold_ms") = std::int64_t{10 * 60 * 1000},
          py::arg("shipping_options") = std::vector<py::object>{},
          py::arg("tax_calculator") = py::none(),
          py::arg("carriers") = std::map<std::string, py::object>{},
          py::arg("returns") = py::none(),
          "Opens (creating and migrating if needed) the store at `location`: a file path or\n"
          "\"sqlite:PATH\" for SQLite, or \"postgresql://...\" when built with PostgreSQL.\n"
          "`currency` is fixed when the store is first created (\"\": the currency the store\n"
          "was created with; a new store is then refused with FailedPreconditionError naming\n"
          "\"currency\"); `clock` defaults to the system clock; `gateway` (a PaymentGateway,\n"
          "e.g. FakeGateway or a Python subclass) charges orders (without one only orders with\n"
          "total 0 can be placed); `steps` are host saga\n"
          "steps run after the coupon step, `stock_step` replaces the local stock reservation;\n"
          "gateway and host-step calls use `gateway_timeout_ms` and up to `attempts` tries with\n"
          "backoff. `postgres` (PostgresOptions: pool size, retry budget, connect timeout,\n"
          "application name) applies to a postgresql:// location. `read_only` opens an\n"
          "existing store for inspection: writes raise FailedPreconditionError, nothing is\n"
          "created or migrated, and a SQLite file on read-only media opens. `retention`\n"
          "(RetentionOptions) sets the windows of compact(). `allocation_strategy` (an\n"
          "AllocationStrategy: a built-in such as fewest_shipments_allocation() or a Python\n"
          "subclass) picks the stock locations of each reservation; None: priority_allocation().\n"
          "`guest_cart_ttl_ms` (default 7 days) is how long a guest cart lives after its last\n"
          "change (docs/carts.md); `cart_hold_ms` (default 10 minutes) how long Carts.hold()\n"
          "keeps a cart's stock.\n"
          "`shipping_options` (ShippingOption: flat_shipping(), free_shipping_above(),\n"
          "weight_shipping() or Python subclasses; distinct ids) are what an order's\n"
          "shipping_option may name; `tax_calculator` (a TaxCalculator: rate_table_tax() or a\n"
          "Python subclass) taxes orders; None: korean_vat() (docs/pricing.md).\n"
          "`carriers` (name -> Carrier: FakeCarrier or a Python subclass; names are ids) are\n"
          "what a shipment's carrier may name (docs/shipments.md). `returns` (ReturnOptions)\n"
          "sets the return window and whether the shipping fee is refunded (docs/returns.md).\n"
          "Opening an existing store never waits for another process's write lock. Raises\n"
          "InvalidArgumentError (unknown scheme, options), FailedPreconditionError (another\n"
          "currency; a file that is not a store, newer than this library, unreadable for its\n"
          "permissions), UnavailableError.")
      .def_property_readonly("catalog", &Store::catalog,
                             py::return_value_policy::reference_internal, "The Catalog service.")
      .def_property_readonly("stock", &Store::stock, py::return_value_policy::reference_internal,
                             "The StockLedger service.")
      .def_property_readonly("locations", &Store::locations,
                             py::return_value_policy::reference_internal,
                             "The StockLocations service.")
      .def_property_readonly("points", &Store::points, py::return_value_policy::reference_internal,
                             "The PointsLedger service.")
      .def_property_readonly("coupons", &Store::coupons,
                             py::return_value_policy::reference_internal, "The CouponBook service.")
      .def_property_readonly("carts", &Store::carts, py::return_value_policy::reference_internal,
                             "The Carts service (carts, sharing, wishlists).")
      .def_property_readonly("orders", &Store::orders, py::return_value_policy::reference_internal,
                             "The OrderBook service (orders, saga, payments, recovery).")
      .def_property_readonly("shipments", &Store::shipments,
                             py::return_value_policy::reference_internal,
                             "The Shipments service (shipments, carriers, tracking).")
      .def_property_readonly("returns", &Store::returns,
                             py::return_value_policy::reference_internal,
                             "The Returns service (returns of delivered units).")
      .def_property_readonly("inbox", &Store::inbox, py::return_value_policy::reference_internal,
                             "The Inbox of incoming events, each applied once.")
      .def(
          "check",
          [](Store& self, bool expect_settled, int max_violations) {
            return check_invariants(self, expect_settled, max_violations);
          },
          py::kw_only(), py::arg("expect_settled") = true, py::arg("max_violations") = 1000,
          Release(),
          "Checks every invariant (stock, points, coupons, orders, sagas, outbox) and reports\n"
          "violations. With expect_settled, sagas still in flight count as violations.")
      .def("metrics", &Store::metrics,
           "What this Store has done since it was opened, in this process: a MetricsSnapshot of\n"
           "orders by outcome, saga steps, gateway and carrier calls with their latency,\n"
           "storage retries, the relay's deliveries, failures, dead letters and lag. Cheap (no\n"
           "storage access); thread-safe.")
      .def("compact", &Store::compact, Release(),
           "Removes what the retention windows (Store.open(..., retention=...)) let go:\n"
           "delivered events, finished sagas' logs, expired idempotency keys, old inbox\n"
           "records, oldest first, in short units of work (writers wait for one at most). Safe\n"
           "while the store is in use; run it periodically. Returns a CompactionReport.\n"
           "Raises FailedPreconditionError (a read-only store), UnavailableError.")
      .def(
          "repair", [](Store& self) { return repair_invariants(self); }, Release(),
          "Recomputes derived counters that drifted; reports what it could not repair.")
      .def_property_readonly(
          "url", &Store::url,
          "Where the data lives, e.g. \"sqlite:/var/lib/shop.db\" (no credentials).")
      .def_property_readonly(
          "allocation_strategy",
          [](const Store& self) {
            return std::const_pointer_cast<AllocationStrategy>(self.options().allocation_strategy);
          },
          "The AllocationStrategy reservations plan with (priority_allocation() by default).")
      .def_property_readonly(
          "shipping_options",
          [](const Store& self) {
            std::vector<std::shared_ptr<ShippingOption>> out;
            for (const auto& option : self.options().shipping_options) out.push_back(held(option));
            return out;
          },
          "The ShippingOption list an order's shipping_option may name.")
      .def_property_readonly(
          "tax_calculator", [](const Store& self) { return held(self.options().tax_calculator); },
          "The TaxCalculator orders are taxed with (korean_vat() by default).")
      .def_property_readonly(
          "currency", [](const Store& self) { return self.options().currency; },
          "The store's ISO 4217 currency code.")
      .def_property_readonly(
          "now", [](const Store& self) { return self.clock().now(); },
          "The store clock's current time (ms since epoch).")
      .def(
          "__repr__", [](Store& self) { return "Store(" + self.url() + ")"; },
          "Store(url).");
}

}  // namespace commerce::python
