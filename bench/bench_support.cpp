#include "bench_support.h"

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "commerce/error.h"
#include "commerce/ids.h"

namespace commerce::bench {

namespace fs = std::filesystem;

std::string scratch_dir() {
  static const std::string dir = [] {
    const char* base = std::getenv("COMMERCE_BENCH_DIR");
    fs::path p = fs::path(base && *base ? base : fs::temp_directory_path().string()) /
                 ("commerce-bench-" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p.string();
  }();
  return dir;
}

std::string fresh_db_path(const std::string& name) {
  static std::atomic<int> counter{0};
  const std::string path =
      (fs::path(scratch_dir()) / (name + "-" + std::to_string(counter++) + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  return path;
}

namespace {

void check_sqlite(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "?"));
  }
}

// Bulk-inserts `count` AVAILABLE coupons of the template into the store's SQLite file. Only for
// seeding large runs, where issuing them one by one through the API would take longer than the
// measurement itself.
void bulk_insert_coupons(const std::string& path, const CouponTemplate& tmpl, int users, int count,
                         Timestamp now) {
  sqlite3* db = nullptr;
  check_sqlite(sqlite3_open(path.c_str(), &db), db, "open");
  sqlite3_busy_timeout(db, 10000);
  check_sqlite(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
  sqlite3_stmt* ins = nullptr;
  check_sqlite(sqlite3_prepare_v2(db,
                                  "INSERT INTO coupons(id, template_id, code, user_id, status, "
                                  "order_id, valid_until, issued_at, updated_at) "
                                  "VALUES(?, ?, ?, ?, 'available', '', ?, ?, ?)",
                                  -1, &ins, nullptr),
               db, "prepare");
  Seed names;
  for (int i = 0; i < count; ++i) {
    const std::string id = names.coupon(i);
    const std::string user = user_id(i % users);
    sqlite3_bind_text(ins, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 2, tmpl.id.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, tmpl.code.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, user.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(ins, 5, tmpl.valid_until);
    sqlite3_bind_int64(ins, 6, now);
    sqlite3_bind_int64(ins, 7, now);
    check_sqlite(sqlite3_step(ins), db, "insert coupon");
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  check_sqlite(sqlite3_exec(db,
                            ("UPDATE coupon_templates SET issued_count = issued_count + " +
                             std::to_string(count) + " WHERE id = '" + tmpl.id + "'")
                                .c_str(),
                            nullptr, nullptr, nullptr),
               db, "count");
  check_sqlite(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  sqlite3_close(db);
}

}  // namespace

Seed seed_store(Store& store, int users, int orders, std::int64_t flash_units) {
  Seed seed;
  seed.users = users;
  seed.flash_units = flash_units;
  store.catalog().create({.id = kProductA, .name = "Bench mug", .price = kPriceA,
                          .initial_stock = 1'000'000'000});
  store.catalog().create({.id = kProductB, .name = "Bench spoon", .price = kPriceB,
                          .initial_stock = 1'000'000'000});
  store.catalog().create({.id = kFlashProduct, .name = "Flash sale lamp", .price = kPriceA,
                          .initial_stock = flash_units});
  const int per_user = orders / users + 1;
  for (int u = 0; u < users; ++u) store.points().charge(user_id(u), kPointsAll * per_user);
  const Timestamp now = store.clock().now();
  const auto tmpl = store.coupons().create_template(
      {.code = kCouponCode, .name = "1,000 off", .kind = CouponKind::kFixed,
       .value = kCouponValue, .valid_from = 0, .valid_until = now + 10LL * 365 * 86'400'000,
       .total_limit = 1'000'000'000, .per_user_limit = 1'000'000'000});
  const std::string url = store.url();
  if (orders > 2'000 && url.starts_with("sqlite:")) {
    bulk_insert_coupons(url.substr(7), tmpl, users, orders, now);
  } else {
    seed.issued.reserve(orders);
    for (int i = 0; i < orders; ++i) {
      seed.issued.push_back(store.coupons().issue(kCouponCode, user_id(i % users)).id);
    }
  }
  return seed;
}

std::string Seed::coupon(int i) const {
  if (!issued.empty()) return issued.at(static_cast<std::size_t>(i));
  char buf[32];
  std::snprintf(buf, sizeof buf, "bench-coupon-%09d", i);
  return buf;
}

double run_threads(int threads, const std::function<void(int)>& per_thread) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      try {
        per_thread(t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  const auto start = std::chrono::steady_clock::now();
  go.store(true);
  for (auto& th : pool) th.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return seconds;
}

namespace {
std::int64_t status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::atoll(line.c_str() + prefix.size());
  }
  return -1;
}
}  // namespace

std::int64_t peak_rss_kib() { return status_kib("VmHWM"); }
std::int64_t current_rss_kib() { return status_kib("VmRSS"); }

void report(benchmark::State& state, std::int64_t orders, double seconds, std::int64_t failed) {
  state.SetIterationTime(seconds);
  state.counters["orders"] = static_cast<double>(orders);
  state.counters["orders_per_s"] = seconds > 0 ? static_cast<double>(orders) / seconds : 0;
  if (failed > 0) state.counters["refused"] = static_cast<double>(failed);
}

void exec_sqlite(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  try {
    check_sqlite(sqlite3_open(path.c_str(), &db), db, "open");
    check_sqlite(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), db, "exec");
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  sqlite3_close(db);
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// ---------------------------------------------------------------------------------------------
// The raw baseline: the rows the library writes for one order (order, items, audit rows, saga
// record and log, reservations, stock, points entry, coupon, payment, outbox events), written
// by hand with prepared statements in one transaction, or two around the gateway call.

namespace {

void bind_one(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
}
void bind_one(sqlite3_stmt* s, int i, const char* v) {
  sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}
void bind_one(sqlite3_stmt* s, int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
void bind_one(sqlite3_stmt* s, int i, int v) { sqlite3_bind_int64(s, i, v); }

template <class... Args>
void bind_all(sqlite3_stmt* s, const Args&... args) {
  int i = 0;
  (bind_one(s, ++i, args), ...);
}

}  // namespace

struct RawSqliteOrders::Impl {
  sqlite3* db = nullptr;
  PaymentGateway* gateway = nullptr;
  std::vector<sqlite3_stmt*> all;
  sqlite3_stmt *begin, *commit, *rollback, *product, *coupon, *insert_order, *insert_item,
      *audit, *insert_saga, *update_saga, *saga_log, *reserve, *reservation, *debit, *entry,
      *use_coupon, *commit_reservations, *sell, *event, *event_pending, *insert_payment,
      *approve_payment, *order_status;

  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    check_sqlite(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr), db, sql);
    all.push_back(s);
    return s;
  }

  // Steps a statement to completion and resets it; returns sqlite3_changes().
  int run(sqlite3_stmt* s) {
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    sqlite3_reset(s);
    check_sqlite(rc, db, sqlite3_sql(s));
    return sqlite3_changes(db);
  }

  template <class... Args>
  int exec(sqlite3_stmt* s, const Args&... args) {
    bind_all(s, args...);
    return run(s);
  }

  void emit(const char* type, const char* topic, const std::string& key,
            const std::string& payload, Timestamp now) {
    exec(event, new_id(now), type, topic, key, now, payload);
    exec(event_pending, static_cast<std::int64_t>(sqlite3_last_insert_rowid(db)), key);
  }

  void log(const std::string& order, const char* step, const char* action, const char* detail,
           Timestamp now) {
    exec(saga_log, order, step, action, detail, now);
  }

  void audit_row(const std::string& order, const char* from, const char* to, const char* reason,
                 Timestamp now) {
    exec(audit, new_id(now), order, from, to, reason, now);
  }

  void begin_immediate() {
    for (;;) {  // the busy handler waits inside sqlite3_step; past it, try again
      const int rc = sqlite3_step(begin);
      sqlite3_reset(begin);
      if (rc == SQLITE_DONE) return;
      if (rc != SQLITE_BUSY) check_sqlite(rc, db, "BEGIN IMMEDIATE");
    }
  }
};

RawSqliteOrders::RawSqliteOrders(const std::string& path, const std::string& synchronous,
                                 PaymentGateway* gateway)
    : impl_(new Impl) {
  Impl& d = *impl_;
  d.gateway = gateway;
  check_sqlite(sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                               nullptr),
               d.db, "open");
  sqlite3_busy_timeout(d.db, 60000);
  check_sqlite(sqlite3_exec(d.db, ("PRAGMA journal_mode=WAL; PRAGMA synchronous=" + synchronous)
                                      .c_str(),
                            nullptr, nullptr, nullptr),
               d.db, "pragma");
  d.begin = d.prepare("BEGIN IMMEDIATE");
  d.commit = d.prepare("COMMIT");
  d.rollback = d.prepare("ROLLBACK");
  d.product = d.prepare("SELECT name, price, status FROM products WHERE id = ?");
  d.coupon = d.prepare(
      "SELECT c.user_id, c.status, c.valid_until, t.value, t.min_order_amount, t.valid_from "
      "FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.id = ?");
  d.insert_order = d.prepare(
      "INSERT INTO orders(id, user_id, status, subtotal, discount, points_used, total, coupon_id, "
      "coupon_required, coupon_applied, coupon_note, payment_method, failure_reason, request_id, "
      "expires_at, created_at, updated_at) "
      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1, 1, '', 'card', '', '', ?, ?, ?)");
  d.insert_item = d.prepare(
      "INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total) "
      "VALUES(?, ?, ?, ?, ?, ?)");
  d.audit = d.prepare(
      "INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) "
      "VALUES(?, ?, ?, ?, ?, ?)");
  d.insert_saga = d.prepare(
      "INSERT INTO sagas(order_id, state, step, position, steps, reason, updated_at) "
      "VALUES(?, ?, ?, ?, 'stock,points,coupon,payment', '', ?)");
  d.update_saga = d.prepare(
      "UPDATE sagas SET state = ?, step = ?, position = position + 1, updated_at = ? "
      "WHERE order_id = ? AND position = ?");
  d.saga_log = d.prepare(
      "INSERT INTO saga_log(order_id, step, action, detail, at) VALUES(?, ?, ?, ?, ?)");
  d.reserve = d.prepare(
      "UPDATE stock SET reserved = reserved + ?1 "
      "WHERE product_id = ?2 AND location_id = 'default' AND on_hand - reserved >= ?1");
  d.reservation = d.prepare(
      "INSERT INTO reservations(order_id, product_id, location_id, qty, expires_at, state) "
      "VALUES(?, ?, 'default', ?, ?, ?)");
  d.debit = d.prepare(
      "UPDATE point_balances SET balance = balance - ?1 WHERE user_id = ?2 AND balance >= ?1 "
      "RETURNING balance");
  d.entry = d.prepare(
      "INSERT INTO point_entries(id, user_id, kind, amount, balance_after, order_id, reason, "
      "request_id, created_at) VALUES(?, ?, 'use', ?, ?, ?, '', '', ?)");
  d.use_coupon = d.prepare(
      "UPDATE coupons SET status = 'used', order_id = ?, updated_at = ? "
      "WHERE id = ? AND status = 'available'");
  d.commit_reservations = d.prepare(
      "UPDATE reservations SET state = 'committed' WHERE order_id = ? AND state = 'live'");
  d.sell = d.prepare(
      "UPDATE stock SET on_hand = on_hand - ?1, reserved = reserved - ?1, sold = sold + ?1 "
      "WHERE product_id = ?2 AND location_id = 'default' AND reserved >= ?1 AND on_hand >= ?1");
  d.event = d.prepare(
      "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, "
      "payload) VALUES(?, ?, 1, ?, ?, ?, '', ?)");
  d.event_pending = d.prepare("INSERT INTO outbox_pending(seq, key) VALUES(?, ?)");
  d.insert_payment = d.prepare(
      "INSERT INTO payments(id, order_id, amount, method, status, reference, created_at, "
      "updated_at) VALUES(?, ?, ?, 'card', 'started', '', ?, ?)");
  d.approve_payment = d.prepare(
      "UPDATE payments SET status = 'approved', reference = ?, updated_at = ? "
      "WHERE id = ? AND status = 'started'");
  d.order_status = d.prepare(
      "UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?");
}

RawSqliteOrders::~RawSqliteOrders() {
  for (sqlite3_stmt* s : impl_->all) sqlite3_finalize(s);
  sqlite3_close(impl_->db);
  delete impl_;
}

bool RawSqliteOrders::place(const std::string& user, const std::string& coupon,
                            const std::vector<std::pair<std::string, std::int64_t>>& items,
                            Money points, PayBy payment) {
  Impl& d = *impl_;
  const Timestamp now = system_clock()->now();
  const Timestamp expires = now + 15 * 60 * 1000;
  const std::string order = new_id(now);
  const bool paid_by_points = payment == PayBy::kPoints;
  char buf[320];
  d.begin_immediate();
  auto fail = [&] {
    d.run(d.rollback);
    return false;
  };
  // Price the items from the catalog (the order keeps this snapshot).
  struct Line {
    std::string product, name;
    Money price;
    std::int64_t qty;
  };
  std::vector<Line> lines;
  Money subtotal = 0;
  for (const auto& [product, qty] : items) {
    bind_all(d.product, product);
    if (sqlite3_step(d.product) != SQLITE_ROW) {
      sqlite3_reset(d.product);
      return fail();
    }
    lines.push_back({product, reinterpret_cast<const char*>(sqlite3_column_text(d.product, 0)),
                     sqlite3_column_int64(d.product, 1), qty});
    subtotal += lines.back().price * qty;
    sqlite3_reset(d.product);
  }
  // Validate the coupon against its template.
  bind_all(d.coupon, coupon);
  if (sqlite3_step(d.coupon) != SQLITE_ROW) {
    sqlite3_reset(d.coupon);
    return fail();
  }
  const bool valid =
      user == reinterpret_cast<const char*>(sqlite3_column_text(d.coupon, 0)) &&
      std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(d.coupon, 1))) ==
          "available" &&
      now < sqlite3_column_int64(d.coupon, 2) && now >= sqlite3_column_int64(d.coupon, 5) &&
      subtotal >= sqlite3_column_int64(d.coupon, 4);
  const Money discount = std::min<Money>(sqlite3_column_int64(d.coupon, 3), subtotal - points);
  sqlite3_reset(d.coupon);
  if (!valid) return fail();
  const Money total = subtotal - discount - points;

  // The order, its items, its saga.
  d.exec(d.insert_order, order, user, paid_by_points ? "confirmed" : "awaiting_payment",
         subtotal, discount, points, total, coupon, expires, now, now);
  for (const auto& l : lines) {
    d.exec(d.insert_item, order, l.product, l.name, l.price, l.qty, l.price * l.qty);
  }
  d.exec(d.insert_saga, order, paid_by_points ? "confirmed" : "running", 4, 5, now);
  d.audit_row(order, "", "pending", "placed", now);
  d.log(order, "order", "created", R"({"steps":["stock","points","coupon","payment"]})", now);
  std::snprintf(buf, sizeof buf,
                R"({"coupon_id":"%s","order_id":"%s","points_used":%lld,"subtotal":%lld,)"
                R"("total":%lld,"user_id":"%s"})",
                coupon.c_str(), order.c_str(), static_cast<long long>(points),
                static_cast<long long>(subtotal), static_cast<long long>(subtotal - points),
                user.c_str());
  const std::string created(buf);
  d.emit("OrderCreated", "order-events", order, created, now);
  // Stock: conditional updates, reservation rows.
  for (const auto& l : lines) {
    if (d.exec(d.reserve, l.qty, l.product) != 1) {
      // Out of stock: nothing of this attempt stays but the FAILED order and its record.
      d.run(d.rollback);
      d.begin_immediate();
      d.exec(d.insert_order, order, user, "failed", subtotal, 0, points, subtotal - points,
             coupon, expires, now, now);
      for (const auto& f : lines) {
        d.exec(d.insert_item, order, f.product, f.name, f.price, f.qty, f.price * f.qty);
      }
      d.exec(d.insert_saga, order, "failed", 0, 2, now);
      d.audit_row(order, "", "pending", "placed", now);
      d.log(order, "order", "created", R"({"steps":["stock","points","coupon","payment"]})",
            now);
      d.emit("OrderCreated", "order-events", order, created, now);
      std::snprintf(buf, sizeof buf, R"({"reason":"product '%s' is out of stock"})",
                    l.product.c_str());
      d.log(order, "stock", "failed", buf, now);
      d.audit_row(order, "pending", "failed", "out of stock", now);
      std::snprintf(buf, sizeof buf,
                    R"({"order_id":"%s","reason":"out of stock","status":"failed",)"
                    R"("total":%lld,"user_id":"%s"})",
                    order.c_str(), static_cast<long long>(subtotal - points), user.c_str());
      d.emit("OrderFailed", "order-events", order, buf, now);
      d.log(order, "order", "failed", "{}", now);
      d.run(d.commit);
      return false;
    }
    d.exec(d.reservation, order, l.product, l.qty, expires, paid_by_points ? "committed" : "live");
    std::snprintf(buf, sizeof buf, R"({"order_id":"%s","product_id":"%s","qty":%lld})",
                  order.c_str(), l.product.c_str(), static_cast<long long>(l.qty));
    d.emit("StockReserved", "product-events", l.product, buf, now);
  }
  d.log(order, "stock", "done", R"({"products":2})", now);
  // Points.
  bind_all(d.debit, points, user);
  if (sqlite3_step(d.debit) != SQLITE_ROW) {
    sqlite3_reset(d.debit);
    return fail();
  }
  const Money balance = sqlite3_column_int64(d.debit, 0);
  d.run(d.debit);
  d.exec(d.entry, new_id(now), user, -points, balance, order, now);
  std::snprintf(buf, sizeof buf,
                R"({"amount":%lld,"balance":%lld,"order_id":"%s","user_id":"%s"})",
                static_cast<long long>(-points), static_cast<long long>(balance), order.c_str(),
                user.c_str());
  d.emit("PointUsed", "user-events", user, buf, now);
  std::snprintf(buf, sizeof buf, R"({"amount":%lld})", static_cast<long long>(points));
  d.log(order, "points", "done", buf, now);
  // Coupon.
  if (d.exec(d.use_coupon, order, now, coupon) != 1) return fail();
  std::snprintf(buf, sizeof buf,
                R"({"coupon_id":"%s","discount":%lld,"order_id":"%s","user_id":"%s"})",
                coupon.c_str(), static_cast<long long>(discount), order.c_str(), user.c_str());
  d.emit("CouponUsed", "order-events", coupon, buf, now);
  std::snprintf(buf, sizeof buf, R"({"applied":true,"discount":%lld,"note":""})",
                static_cast<long long>(discount));
  d.log(order, "coupon", "done", buf, now);
  // Payment: skipped when points and coupon cover the order.
  d.audit_row(order, "pending", "awaiting_payment", "", now);
  std::snprintf(buf, sizeof buf,
                R"({"order_id":"%s","status":"awaiting_payment","total":%lld,"user_id":"%s"})",
                order.c_str(), static_cast<long long>(total), user.c_str());
  d.emit("OrderAwaitingPayment", "order-events", order, buf, now);
  Timestamp confirmed_at = now;
  const std::string key = order + ":payment";
  if (paid_by_points) {
    d.log(order, "payment", "skipped", R"({"total":0})", now);
  } else {
    // The gateway is never called inside a transaction: commit what is reserved, pay, confirm.
    d.exec(d.insert_payment, key, order, total, now, now);
    std::snprintf(buf, sizeof buf, R"({"amount":%lld,"key":"%s"})",
                  static_cast<long long>(total), key.c_str());
    d.log(order, "payment", "begin", buf, now);
    d.run(d.commit);
    const PaymentResult paid = d.gateway->charge(
        {key, order, user, total, "KRW", "card", 10'000});
    if (paid.outcome != PaymentOutcome::kApproved) return false;
    confirmed_at = system_clock()->now();
    d.begin_immediate();
    d.exec(d.approve_payment, paid.reference, confirmed_at, key);
    std::snprintf(buf, sizeof buf,
                  R"({"amount":%lld,"order_id":"%s","payment_id":"%s","reference":"%s"})",
                  static_cast<long long>(total), order.c_str(), key.c_str(),
                  paid.reference.c_str());
    d.emit("PaymentCompleted", "order-events", order, buf, confirmed_at);
    std::snprintf(buf, sizeof buf, R"({"reference":"%s"})", paid.reference.c_str());
    d.log(order, "payment", "done", buf, confirmed_at);
    d.exec(d.update_saga, "confirmed", 4, confirmed_at, order, 5);
    d.exec(d.commit_reservations, order);
    d.exec(d.order_status, "confirmed", confirmed_at, order, "awaiting_payment");
  }
  // Confirm: reserved units become sold.
  for (const auto& l : lines) {
    if (d.exec(d.sell, l.qty, l.product) != 1) return fail();
    std::snprintf(buf, sizeof buf, R"({"order_id":"%s","product_id":"%s","qty":%lld})",
                  order.c_str(), l.product.c_str(), static_cast<long long>(l.qty));
    d.emit("StockCommitted", "product-events", l.product, buf, confirmed_at);
  }
  d.audit_row(order, "awaiting_payment", "confirmed", "", confirmed_at);
  std::snprintf(buf, sizeof buf,
                R"({"order_id":"%s","status":"confirmed","total":%lld,"user_id":"%s"})",
                order.c_str(), static_cast<long long>(total), user.c_str());
  d.emit("OrderConfirmed", "order-events", order, buf, confirmed_at);
  d.log(order, "order", "confirmed", "{}", confirmed_at);
  d.run(d.commit);
  return true;
}

int run_registered(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir(), ec);
  return 0;
}

}  // namespace commerce::bench
