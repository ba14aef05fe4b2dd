// Orders per second on PostgreSQL with 16 clients: the library (commerce::postgres) beside the
// same writes done by hand with libpq prepared statements, one transaction per order (two
// around the gateway call), on the same server in the same run.
// Names: postgres/<payment>/clients:16/<library|raw>: every order buys the same two products
// (the hot-product case: the clients queue on those two stock rows);
// postgres/points/clients:16/spread/library: order i buys pair (i mod 500, 7i mod 500) of 1,000
// products, as the yardstick's non-hot run does (bench/yardstick/raw_orders_pg.cpp);
// postgres/cart/quote/10-lines, postgres/cart/checkout/10-lines beside
// postgres/order/place/10-lines: the carts on one client (bench/cart_scenarios.h).
// Needs COMMERCE_BENCH_PG_URL (run_benchmarks.sh starts a throw-away server); sizes from
// COMMERCE_BENCH_ORDERS and COMMERCE_BENCH_QUOTES. Where the server loads pg_stat_statements,
// each clients:16 case also reports statements_per_order: what the server ran during the timed
// orders, BEGIN and COMMIT included.
#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.h"
#include "cart_scenarios.h"
#include "commerce/ids.h"
#include "commerce/postgres_storage.h"
#include "library_orders.h"

namespace commerce::bench {
namespace {

constexpr int kClients = 16;
using Items = std::vector<std::pair<std::string, std::int64_t>>;

std::string pg_url() {
  const char* url = std::getenv("COMMERCE_BENCH_PG_URL");
  return url ? url : "";
}

PGconn* connect_pg(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect: " + msg);
  }
  return c;
}

void check(PGconn* c, PGresult* r, const char* what) {
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = std::string(what) + ": " + PQerrorMessage(c);
    PQclear(r);
    throw std::runtime_error(msg);
  }
}

// Empties every table of the library's schema (but its migrations and the stock locations, whose
// 'default' row a migration made), so each run starts alike.
void truncate_all(const std::string& url) {
  PGconn* c = connect_pg(url);
  PGresult* r = PQexec(c,
                       "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                       "WHERE schemaname = current_schema() "
                       "AND tablename NOT IN ('schema_migrations', 'stock_locations')");
  check(c, r, "list tables");
  const std::string tables = PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0);
  PQclear(r);
  if (!tables.empty()) {
    r = PQexec(c, ("TRUNCATE " + tables + " RESTART IDENTITY CASCADE").c_str());
    check(c, r, "truncate");
    PQclear(r);
  }
  PQfinish(c);
}

// Starts counting the statements the server runs (pg_stat_statements, when the server loads
// it: shared_preload_libraries=pg_stat_statements); false if it cannot.
bool reset_statement_counts(const std::string& url) {
  PGconn* c = connect_pg(url);
  PGresult* r = PQexec(c, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (ok) {
    r = PQexec(c, "SELECT pg_stat_statements_reset()");
    ok = PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
  }
  PQfinish(c);
  return ok;
}

// The statements the server ran in this database since reset_statement_counts (BEGIN and
// COMMIT included).
double counted_statements(const std::string& url) {
  PGconn* c = connect_pg(url);
  PGresult* r = PQexec(c,
                       "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE dbid = "
                       "(SELECT oid FROM pg_database WHERE datname = current_database())");
  check(c, r, "count statements");
  const double n = std::atof(PQgetvalue(r, 0, 0));
  PQclear(r);
  PQfinish(c);
  return n;
}

// One client connection placing orders by hand.
class RawPgOrders {
 public:
  RawPgOrders(const std::string& url, PaymentGateway* gateway)
      : c_(connect_pg(url)), gateway_(gateway) {
    prepare("product", "SELECT name, price, status FROM products WHERE id = $1");
    prepare("coupon",
            "SELECT c.user_id, c.status, c.valid_until, t.value, t.min_order_amount, t.valid_from "
            "FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.id = $1");
    prepare("insert_order",
            "INSERT INTO orders(id, user_id, status, subtotal, discount, points_used, total, "
            "coupon_id, coupon_required, coupon_applied, coupon_note, payment_method, "
            "failure_reason, request_id, expires_at, created_at, updated_at) "
            "VALUES($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, '', 'card', '', '', $9, $10, $10)");
    prepare("insert_item",
            "INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total) "
            "VALUES($1, $2, $3, $4, $5, $6)");
    prepare("audit",
            "INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) "
            "VALUES($1, $2, $3, $4, $5, $6)");
    prepare("insert_saga",
            "INSERT INTO sagas(order_id, state, step, position, steps, reason, updated_at) "
            "VALUES($1, $2, 4, 5, 'stock,points,coupon,payment', '', $3)");
    prepare("update_saga",
            "UPDATE sagas SET state = $1, position = position + 1, updated_at = $2 "
            "WHERE order_id = $3 AND position = 5");
    prepare("saga_log",
            "INSERT INTO saga_log(order_id, step, action, detail, at) VALUES($1, $2, $3, $4, $5)");
    prepare("reserve",
            "UPDATE stock SET reserved = reserved + $1 "
            "WHERE product_id = $2 AND location_id = 'default' AND on_hand - reserved >= $1");
    prepare("reservation",
            "INSERT INTO reservations(order_id, product_id, location_id, qty, expires_at, state) "
            "VALUES($1, $2, 'default', $3, $4, $5)");
    prepare("debit",
            "UPDATE point_balances SET balance = balance - $1 "
            "WHERE user_id = $2 AND balance >= $1 RETURNING balance");
    prepare("entry",
            "INSERT INTO point_entries(id, user_id, kind, amount, balance_after, order_id, reason, "
            "request_id, created_at) VALUES($1, $2, 'use', $3, $4, $5, '', '', $6)");
    prepare("use_coupon",
            "UPDATE coupons SET status = 'used', order_id = $1, updated_at = $2 "
            "WHERE id = $3 AND status = 'available'");
    prepare("commit_reservations",
            "UPDATE reservations SET state = 'committed' WHERE order_id = $1 AND state = 'live'");
    prepare("sell",
            "UPDATE stock SET on_hand = on_hand - $1, reserved = reserved - $1, sold = sold + $1 "
            "WHERE product_id = $2 AND location_id = 'default' AND reserved >= $1 AND on_hand >= $1");
    prepare("event",
            "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, "
            "payload) VALUES($1, $2, 1, $3, $4, $5, '', $6)");
    prepare("insert_payment",
            "INSERT INTO payments(id, order_id, amount, method, status, reference, created_at, "
            "updated_at) VALUES($1, $2, $3, 'card', 'started', '', $4, $4)");
    prepare("approve_payment",
            "UPDATE payments SET status = 'approved', reference = $1, updated_at = $2 "
            "WHERE id = $3 AND status = 'started'");
    prepare("order_status",
            "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4");
  }
  ~RawPgOrders() { PQfinish(c_); }

  bool place(const std::string& user, const std::string& coupon, const Items& items,
             Money points, PayBy payment);

 private:
  void prepare(const char* name, const char* sql) {
    PGresult* r = PQprepare(c_, name, sql, 0, nullptr);
    check(c_, r, name);
    PQclear(r);
  }
  void exec_simple(const char* sql) {
    PGresult* r = PQexec(c_, sql);
    check(c_, r, sql);
    PQclear(r);
  }
  // Runs a prepared statement with text parameters; returns the result (caller clears it).
  PGresult* run(const char* name, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecPrepared(c_, name, static_cast<int>(values.size()), values.data(),
                                 nullptr, nullptr, 0);
    check(c_, r, name);
    return r;
  }
  int changes(const char* name, const std::vector<std::string>& params) {
    PGresult* r = run(name, params);
    const int n = std::atoi(PQcmdTuples(r));
    PQclear(r);
    return n;
  }
  void emit(const char* type, const char* topic, const std::string& key,
            const std::string& payload, Timestamp now) {
    changes("event", {new_id(now), type, topic, key, std::to_string(now), payload});
  }
  void log(const std::string& order, const char* step, const char* action, const std::string& detail,
           Timestamp now) {
    changes("saga_log", {order, step, action, detail, std::to_string(now)});
  }
  void audit(const std::string& order, const char* from, const char* to, const char* reason,
             Timestamp now) {
    changes("audit", {new_id(now), order, from, to, reason, std::to_string(now)});
  }

  PGconn* c_;
  PaymentGateway* gateway_;
};

bool RawPgOrders::place(const std::string& user, const std::string& coupon, const Items& items,
                        Money points, PayBy payment) {
  const Timestamp now = system_clock()->now();
  const std::string ts = std::to_string(now);
  const std::string expires = std::to_string(now + 15 * 60 * 1000);
  const std::string order = new_id(now);
  const bool by_points = payment == PayBy::kPoints;
  char buf[320];
  exec_simple("BEGIN ISOLATION LEVEL READ COMMITTED");
  struct Line {
    std::string product, name;
    Money price;
    std::int64_t qty;
  };
  std::vector<Line> lines;
  Money subtotal = 0;
  for (const auto& [product, qty] : items) {
    PGresult* r = run("product", {product});
    lines.push_back({product, PQgetvalue(r, 0, 0), std::atoll(PQgetvalue(r, 0, 1)), qty});
    PQclear(r);
    subtotal += lines.back().price * qty;
  }
  PGresult* r = run("coupon", {coupon});
  const bool valid = PQntuples(r) == 1 && user == PQgetvalue(r, 0, 0) &&
                     std::string(PQgetvalue(r, 0, 1)) == "available" &&
                     now < std::atoll(PQgetvalue(r, 0, 2)) &&
                     now >= std::atoll(PQgetvalue(r, 0, 5)) &&
                     subtotal >= std::atoll(PQgetvalue(r, 0, 4));
  const Money discount = valid ? std::min<Money>(std::atoll(PQgetvalue(r, 0, 3)), subtotal - points) : 0;
  PQclear(r);
  if (!valid) {
    exec_simple("ROLLBACK");
    return false;
  }
  const Money total = subtotal - discount - points;
  changes("insert_order", {order, user, by_points ? "confirmed" : "awaiting_payment",
                           std::to_string(subtotal), std::to_string(discount),
                           std::to_string(points), std::to_string(total), coupon, expires, ts});
  for (const auto& l : lines) {
    changes("insert_item", {order, l.product, l.name, std::to_string(l.price),
                            std::to_string(l.qty), std::to_string(l.price * l.qty)});
  }
  changes("insert_saga", {order, by_points ? "confirmed" : "running", ts});
  audit(order, "", "pending", "placed", now);
  log(order, "order", "created", R"({"steps":["stock","points","coupon","payment"]})", now);
  std::snprintf(buf, sizeof buf,
                R"({"coupon_id":"%s","order_id":"%s","points_used":%lld,"subtotal":%lld,)"
                R"("total":%lld,"user_id":"%s"})",
                coupon.c_str(), order.c_str(), static_cast<long long>(points),
                static_cast<long long>(subtotal), static_cast<long long>(subtotal - points),
                user.c_str());
  emit("OrderCreated", "order-events", order, buf, now);
  for (const auto& l : lines) {
    if (changes("reserve", {std::to_string(l.qty), l.product}) != 1) {
      exec_simple("ROLLBACK");  // out of stock (not expected in this scenario)
      return false;
    }
    changes("reservation", {order, l.product, std::to_string(l.qty), expires,
                            by_points ? "committed" : "live"});
    std::snprintf(buf, sizeof buf, R"({"order_id":"%s","product_id":"%s","qty":%lld})",
                  order.c_str(), l.product.c_str(), static_cast<long long>(l.qty));
    emit("StockReserved", "product-events", l.product, buf, now);
  }
  log(order, "stock", "done", R"({"products":2})", now);
  r = run("debit", {std::to_string(points), user});
  if (PQntuples(r) != 1) {
    PQclear(r);
    exec_simple("ROLLBACK");
    return false;
  }
  const Money balance = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  changes("entry", {new_id(now), user, std::to_string(-points), std::to_string(balance), order, ts});
  std::snprintf(buf, sizeof buf, R"({"amount":%lld,"balance":%lld,"order_id":"%s","user_id":"%s"})",
                static_cast<long long>(-points), static_cast<long long>(balance), order.c_str(),
                user.c_str());
  emit("PointUsed", "user-events", user, buf, now);
  log(order, "points", "done", "{\"amount\":" + std::to_string(points) + "}", now);
  if (changes("use_coupon", {order, ts, coupon}) != 1) {
    exec_simple("ROLLBACK");
    return false;
  }
  std::snprintf(buf, sizeof buf,
                R"({"coupon_id":"%s","discount":%lld,"order_id":"%s","user_id":"%s"})",
                coupon.c_str(), static_cast<long long>(discount), order.c_str(), user.c_str());
  emit("CouponUsed", "order-events", coupon, buf, now);
  log(order, "coupon", "done",
      "{\"applied\":true,\"discount\":" + std::to_string(discount) + ",\"note\":\"\"}", now);
  audit(order, "pending", "awaiting_payment", "", now);
  std::snprintf(buf, sizeof buf,
                R"({"order_id":"%s","status":"awaiting_payment","total":%lld,"user_id":"%s"})",
                order.c_str(), static_cast<long long>(total), user.c_str());
  emit("OrderAwaitingPayment", "order-events", order, buf, now);
  Timestamp at = now;
  const std::string key = order + ":payment";
  if (by_points) {
    log(order, "payment", "skipped", R"({"total":0})", now);
  } else {
    changes("insert_payment", {key, order, std::to_string(total), ts});
    log(order, "payment", "begin",
        "{\"amount\":" + std::to_string(total) + ",\"key\":\"" + key + "\"}", now);
    exec_simple("COMMIT");
    const PaymentResult paid = gateway_->charge({key, order, user, total, "KRW", "card", 10'000});
    if (paid.outcome != PaymentOutcome::kApproved) return false;
    at = system_clock()->now();
    const std::string ats = std::to_string(at);
    exec_simple("BEGIN ISOLATION LEVEL READ COMMITTED");
    changes("approve_payment", {paid.reference, ats, key});
    std::snprintf(buf, sizeof buf,
                  R"({"amount":%lld,"order_id":"%s","payment_id":"%s","reference":"%s"})",
                  static_cast<long long>(total), order.c_str(), key.c_str(),
                  paid.reference.c_str());
    emit("PaymentCompleted", "order-events", order, buf, at);
    log(order, "payment", "done", "{\"reference\":\"" + paid.reference + "\"}", at);
    changes("update_saga", {"confirmed", ats, order});
    changes("commit_reservations", {order});
    changes("order_status", {"confirmed", ats, order, "awaiting_payment"});
  }
  for (const auto& l : lines) {
    changes("sell", {std::to_string(l.qty), l.product});
    std::snprintf(buf, sizeof buf, R"({"order_id":"%s","product_id":"%s","qty":%lld})",
                  order.c_str(), l.product.c_str(), static_cast<long long>(l.qty));
    emit("StockCommitted", "product-events", l.product, buf, at);
  }
  audit(order, "awaiting_payment", "confirmed", "", at);
  std::snprintf(buf, sizeof buf,
                R"({"order_id":"%s","status":"confirmed","total":%lld,"user_id":"%s"})",
                order.c_str(), static_cast<long long>(total), user.c_str());
  emit("OrderConfirmed", "order-events", order, buf, at);
  log(order, "order", "confirmed", "{}", at);
  exec_simple("COMMIT");
  return true;
}

// The spread case's catalog: kSpreadPairs products priced like kProductA and as many like
// kProductB (so every order's total is the same as in the hot case), fewer for small runs.
constexpr int kSpreadPairs = 500;
std::string spread_a(int k) { return kProductA + "-" + std::to_string(k); }
std::string spread_b(int k) { return kProductB + "-" + std::to_string(k); }

void pg_scenario(benchmark::State& state, bool library, PayBy payment, bool spread = false) {
  const std::string url = pg_url();
  if (url.empty()) {
    state.SkipWithError("COMMERCE_BENCH_PG_URL is not set");
    for (auto _ : state) {
    }
    return;
  }
  const int orders = env_int("COMMERCE_BENCH_ORDERS", 2000);
  const Items items = {{kProductA, 1}, {kProductB, 1}};
  const Money points = payment == PayBy::kPoints ? kPointsAll : kPointsPart;
  for (auto _ : state) {
    auto gateway = std::make_shared<FakeGateway>();
    StoreOptions options;
    options.gateway = gateway;
    auto store = Store::open(open_postgres_storage(url, {.pool_size = kClients}), options);
    truncate_all(url);
    const Seed seed = seed_store(*store, std::min(orders, 1000), orders, 0);
    const int pairs = std::min(orders, kSpreadPairs);
    for (int k = 0; spread && k < pairs; ++k) {
      store->catalog().create({.id = spread_a(k), .name = "Bench mug " + std::to_string(k),
                               .price = kPriceA, .initial_stock = 1'000'000'000});
      store->catalog().create({.id = spread_b(k), .name = "Bench spoon " + std::to_string(k),
                               .price = kPriceB, .initial_stock = 1'000'000'000});
    }
    std::vector<std::unique_ptr<RawPgOrders>> conns;
    if (!library) {
      store.reset();
      for (int t = 0; t < kClients; ++t) {
        conns.push_back(std::make_unique<RawPgOrders>(url, gateway.get()));
      }
    }
    const bool counting = reset_statement_counts(url);
    std::atomic<std::int64_t> confirmed{0};
    const double seconds = run_threads(kClients, [&](int t) {
      for (int i = t; i < orders; i += kClients) {
        const std::string user = user_id(i % seed.users);
        Items spread_items;
        if (spread) spread_items = {{spread_a(i % pairs), 1}, {spread_b(i * 7 % pairs), 1}};
        const Items& order_items = spread ? spread_items : items;
        const bool ok =
            library ? library_place(*store, user, seed.coupon(i), order_items, points)
                    : conns[t]->place(user, seed.coupon(i), order_items, points, payment);
        if (ok) confirmed.fetch_add(1);
      }
    });
    if (confirmed.load() != orders) state.SkipWithError("orders were refused");
    report(state, orders, seconds);
    if (counting) state.counters["statements_per_order"] = counted_statements(url) / orders;
  }
  state.SetLabel(library ? "library" : "raw libpq");
}

void register_all() {
  for (PayBy payment : {PayBy::kPoints, PayBy::kGateway}) {
    for (bool library : {true, false}) {
      const std::string name = std::string("postgres/") +
                               (payment == PayBy::kPoints ? "points" : "gateway") +
                               "/clients:16/" + (library ? "library" : "raw");
      benchmark::RegisterBenchmark(name.c_str(), [library, payment](benchmark::State& st) {
        pg_scenario(st, library, payment);
      })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("postgres/points/clients:16/spread/library",
                               [](benchmark::State& st) {
                                 pg_scenario(st, true, PayBy::kPoints, /*spread=*/true);
                               })
      ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  if (const std::string url = pg_url(); !url.empty()) {
    register_cart_benchmarks(
        "postgres/",
        [url](StoreOptions options) {
          auto store = Store::open(open_postgres_storage(url, {}), std::move(options));
          truncate_all(url);
          return store;
        },
        env_int("COMMERCE_BENCH_ORDERS", 2000), env_int("COMMERCE_BENCH_QUOTES", 2000));
  }
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  commerce::bench::register_all();
  return commerce::bench::run_registered(argc, argv);
}
