// Retention (issue 15): Store::compact() on a store with a long history, while writers run, and
// the file's size under a steady load with and without it.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "commerce/event_sink.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"
#include "commerce/payments.h"
#include "commerce/relay_service.h"
#include "commerce/sqlite_storage.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr Timestamp kStart = 1'780'000'000'000;

struct Shop {
  explicit Shop(const std::string& path, RetentionOptions retention = {}) {
    StoreOptions options;
    options.clock = clock;
    options.gateway = std::make_shared<FakeGateway>();
    options.retention = retention;
    store = Store::open(open_sqlite_storage(path), options);
  }
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(kStart);
  std::unique_ptr<Store> store;

  Order place(const std::string& request_id, const std::string& sku = "sku-1") {
    return store->orders().place(
        {.user_id = "user-1", .items = {{sku, 1}}, .points_to_use = 10, .request_id = request_id});
  }
  OutboxCounts outbox() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead,
                    [](Transaction& tx) { return tx.count_outbox(); });
  }
  std::size_t saga_log_lines(const std::string& order_id) {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead,
                    [&](Transaction& tx) { return tx.find_saga_log(order_id).size(); });
  }
};

// The sink fails every event of the keys in `failing`.
CallbackSink failing_sink(MemorySink& good, std::set<std::string> failing) {
  return CallbackSink([&good, failing](const Event& e) {
    if (failing.count(e.key)) throw std::runtime_error("the consumer of " + e.key + " is down");
    good.publish(std::span<const Event>(&e, 1));
  });
}

TEST(Retention, ALongHistoryCompactedWhileWritersRunKeepsWhatIsNeeded) {
  Shop shop(testing::fresh_path("retention", ".db"),
            RetentionOptions{.batch_size = 50});  // the default windows, small batches
  auto& store = *shop.store;
  store.catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 100000});
  store.catalog().create({.id = "sku-bad", .name = "Bad", .price = 1000, .initial_stock = 10});
  store.catalog().create({.id = "sku-retry", .name = "Retry", .price = 1000, .initial_stock = 10});
  store.points().charge("user-1", 1'000'000, "charge-1");
  store.inbox().register_handler("Ping", [](InboxContext&, const IncomingMessage&) {});
  store.inbox().receive(IncomingMessage{"ping-old", "Ping", "", 0, "{}"});

  // Eight days ago: 150 orders (a few failing), delivered but for two keys: sku-bad's events
  // end dead-lettered, sku-retry's wait for a retry ten days away.
  std::map<std::string, std::string> old_orders;  // request id -> order id
  for (int i = 0; i < 150; ++i) {
    const auto o = shop.place("old-" + std::to_string(i), i % 25 == 0 ? "sku-bad" : "sku-1");
    old_orders[o.request_id] = o.id;
  }
  MemorySink delivered;
  {
    auto sink = failing_sink(delivered, {"sku-bad"});
    OutboxRelay relay(store, sink, RelayOptions{.max_attempts = 2, .backoff_initial_ms = 0});
    relay.drain();
  }
  for (int i = 0; i < 3; ++i) shop.place("retry-" + std::to_string(i), "sku-retry");
  {
    auto sink = failing_sink(delivered, {"sku-retry"});
    OutboxRelay relay(store, sink,
                      RelayOptions{.backoff_initial_ms = 10 * kDay, .backoff_max_ms = 10 * kDay});
    relay.drain();
  }
  const OutboxCounts before = shop.outbox();
  ASSERT_GT(before.dead_letters, 0);
  ASSERT_GT(before.pending, 0);
  ASSERT_GT(before.delivered, 1000);
  std::vector<DeadLetter> dead_before;
  {
    MemorySink unused;
    dead_before = OutboxRelay(store, unused).dead_letters(0, 1000);
  }
  const std::string old_id = old_orders["old-1"];
  ASSERT_GT(shop.saga_log_lines(old_id), 0u);

  // Today: recent orders, and a recent inbox message.
  shop.clock->advance(8 * kDay);
  std::vector<Order> recent;
  for (int i = 0; i < 20; ++i) recent.push_back(shop.place("new-" + std::to_string(i)));
  store.inbox().receive(IncomingMessage{"ping-new", "Ping", "", 0, "{}"});

  // Writers keep placing orders while compaction runs.
  std::atomic<bool> stop{false};
  std::atomic<int> placed{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      shop.place("live-" + std::to_string(i));
      ++placed;
    }
  });
  while (placed < 5) std::this_thread::yield();
  const CompactionReport report = store.compact();
  stop = true;
  writer.join();
  std::cout << "compact: " << report.events << " events, " << report.saga_log_lines
            << " saga log lines, " << report.requests << " requests, " << report.inbox_messages
            << " inbox records in " << report.units << " units\n";
  EXPECT_GT(report.units, 10);  // bounded batches, not one long unit
  EXPECT_GT(report.events, 1000);
  EXPECT_GT(report.saga_log_lines, 500);
  EXPECT_EQ(report.requests, 154);  // the 153 old orders' keys and the points charge's
  EXPECT_EQ(report.inbox_messages, 1);

  // What check and audit need stays; the check is clean.
  store.orders().recover();
  const InvariantReport check = check_invariants(store);
  EXPECT_TRUE(check.ok()) << check.violations.front().rule << " "
                          << check.violations.front().subject << ": "
                          << check.violations.front().detail;
  EXPECT_EQ(check.orders, 173 + placed.load());
  EXPECT_FALSE(store.orders().audit(old_id).empty());
  EXPECT_EQ(store.orders().get(old_id).status, OrderStatus::kConfirmed);
  EXPECT_EQ(shop.saga_log_lines(old_id), 0u);            // a finished saga's log went
  EXPECT_GT(shop.saga_log_lines(recent.front().id), 0u);  // within the window: kept

  // Pending and dead events stay; the relay delivers the rest in order per key.
  const OutboxCounts after = shop.outbox();
  EXPECT_EQ(after.dead_letters, before.dead_letters);
  EXPECT_GE(after.pending, before.pending);
  EXPECT_LT(after.delivered, before.delivered);
  {
    MemorySink unused;
    OutboxRelay relay(store, unused);
    const auto dead_after = relay.dead_letters(0, 1000);
    ASSERT_EQ(dead_after.size(), dead_before.size());
    for (std::size_t i = 0; i < dead_after.size(); ++i) {
      EXPECT_EQ(dead_after[i].event.id, dead_before[i].event.id);
    }
    EXPECT_EQ(relay.retry_dead_letters(), before.dead_letters);
  }
  shop.clock->advance(11 * kDay);  // past sku-retry's backoff
  delivered.clear();
  {
    OutboxRelay relay(store, delivered);
    relay.drain();
  }
  EXPECT_EQ(shop.outbox().pending, 0);
  std::map<std::string, std::int64_t> last_seq;
  for (const Event& e : delivered.events()) {
    EXPECT_GT(e.seq, last_seq[e.key]) << "key " << e.key << " out of order";
    last_seq[e.key] = e.seq;
  }
  EXPECT_GT(last_seq["sku-bad"], 0);
  EXPECT_GT(last_seq["sku-retry"], 0);

  // Idempotency: within the key lifetime a replay answers the first result; after it, the same
  // request_id is a new request (here: a new order).
  EXPECT_EQ(shop.place("new-3").id, recent[3].id);
  EXPECT_NE(shop.place("old-1").id, old_id);
  EXPECT_TRUE(store.inbox().seen("ping-new"));
  EXPECT_FALSE(store.inbox().seen("ping-old"));  // past the dedup window
}

// page_count of the store (what the file holds, the WAL's newest pages included).
std::int64_t pages_in_use(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA page_count").getInt64() -
         db.execAndGet("PRAGMA freelist_count").getInt64();
}

std::int64_t page_count(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA page_count").getInt64();
}

// A steady load that leaves no permanent rows (price changes with idempotency keys, their
// events relayed) and a compaction every simulated hour: after the windows fill up, the file
// stops growing.
TEST(Retention, TheFileStopsGrowingUnderASteadyLoad) {
  const std::string path = testing::fresh_path("steady", ".db");
  constexpr std::int64_t kHour = 3600 * 1000;
  Shop shop(path, RetentionOptions{.delivered_events_ms = 2 * kHour,
                                   .finished_saga_logs_ms = 2 * kHour,
                                   .idempotency_keys_ms = 2 * kHour,
                                   .inbox_messages_ms = 2 * kHour});
  auto& store = *shop.store;
  for (int p = 0; p < 10; ++p) {
    store.catalog().create({.id = "sku-" + std::to_string(p), .name = "Mug", .price = 100});
  }
  MemorySink sink;
  OutboxRelay relay(store, sink);
  std::vector<std::int64_t> pages;
  int n = 0;
  for (int hour = 0; hour < 12; ++hour) {
    for (int i = 0; i < 400; ++i, ++n) {
      store.catalog().update("sku-" + std::to_string(n % 10), {.price = 100 + n % 1000},
                             "price-" + std::to_string(n));
    }
    relay.drain();
    sink.clear();
    store.compact();
    pages.push_back(page_count(path));
    shop.clock->advance(kHour);
  }
  std::cout << "pages after each hour:";
  for (auto p : pages) std::cout << ' ' << p;
  std::cout << " (in use at the end: " << pages_in_use(path) << ")\n";
  // Hours 0-2 fill the windows; from then on freed pages are reused.
  EXPECT_LE(pages.back(), pages[3] + pages[3] / 20) << "the file kept growing";
}

// The figures of docs/operations.md: bytes per order kept with and without retention (2,000
// orders with idempotency keys, their events relayed, then compacted a week later).
TEST(Retention, WhatAnOrderCostsWithAndWithoutRetention) {
  const std::string path = testing::fresh_path("per-order", ".db");
  Shop shop(path);
  auto& store = *shop.store;
  store.catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 100000});
  store.points().charge("user-1", 100'000'000);
  constexpr int kOrders = 2000;
  const std::int64_t empty = pages_in_use(path);
  for (int i = 0; i < kOrders; ++i) shop.place("order-" + std::to_string(i));
  MemorySink sink;
  OutboxRelay(store, sink).drain();
  const std::int64_t page = SQLite::Database(path, SQLite::OPEN_READONLY)
                                .execAndGet("PRAGMA page_size").getInt64();
  const std::int64_t without = (pages_in_use(path) - empty) * page / kOrders;
  shop.clock->advance(8 * 24 * 3600 * 1000LL);
  store.compact();
  const std::int64_t with = (pages_in_use(path) - empty) * page / kOrders;
  std::cout << "bytes per order: " << without << " without retention, " << with
            << " after compact() (orders, items, audit, saga rows, payments, ledgers)\n";
  EXPECT_LT(with * 10, without * 7) << "compaction kept most of each order's bytes";
}

}  // namespace
}  // namespace commerce

namespace commerce {
namespace {

// The relay service runs compaction beside the relay (RelayServiceOptions::maintenance): here
// the first compaction stops the service, so the test waits for no clock.
TEST(Retention, TheRelayServiceCompactsBesideTheRelay) {
  Shop shop(testing::fresh_path("service", ".db"));
  auto& store = *shop.store;
  store.catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 100});
  store.points().charge("user-1", 100'000);
  for (int i = 0; i < 20; ++i) shop.place("order-" + std::to_string(i));
  MemorySink sink;
  OutboxRelay(store, sink).drain();
  shop.clock->advance(8 * kDay);

  OutboxRelay relay(store, sink);
  RelayServiceOptions options;
  options.handle_signals = false;
  options.maintenance_interval_ms = 1;
  CompactionReport compacted;
  std::unique_ptr<RelayService> service;
  std::string error;
  int calls = 0;
  options.maintenance = [&] {
    if (calls++ > 0) return;  // only the first compaction's report counts
    try {
      compacted = store.compact();
    } catch (const std::exception& e) {
      error = e.what();
    }
    service->stop();
  };
  service = std::make_unique<RelayService>(relay, options);
  service->run();
  EXPECT_EQ(error, "");
  EXPECT_EQ(calls, 1);  // none after the stop
  EXPECT_GT(compacted.events, 0);
  EXPECT_GT(compacted.saga_log_lines, 0);
  EXPECT_EQ(compacted.requests, 20);
}

}  // namespace
}  // namespace commerce
