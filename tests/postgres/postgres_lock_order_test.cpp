// A product's stock moves queue on the product's event key, not on its stock rows: every
// statement that locks a stock row first takes the lock the outbox takes for the product's
// events (the transaction-scoped advisory lock of its key, src/storage/statements/
// event_key_lock.h). So a unit that waits for a product holds none of its rows, and the unit
// holding the product lets the next one through once, with its commit (the waiter is not woken
// by the row and then made to wait again for the key).
//
// Checked from outside the library: a plain libpq connection holds the key of product p in an
// open transaction; a stock move of p started meanwhile waits on that advisory lock while every
// stock row of p can still be locked (NOWAIT) by a third connection; once the key is released
// the move completes. With the stock rows locked before the key, as before, the move locks p's
// row first and waits for the key only at its commit, and the NOWAIT lock is refused.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

// A libpq connection of its own, in an open transaction.
class Conn {
 public:
  explicit Conn(const std::string& url) : conn_(PQconnectdb(url.c_str()), PQfinish) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) throw std::runtime_error("cannot connect");
    exec("BEGIN");
    exec("SET LOCAL lock_timeout = '20s'");
  }
  void exec(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_.get(), sql.c_str()), PQclear);
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(PQerrorMessage(conn_.get()));
    }
  }
  // Sends `sql` without waiting for it; finish() waits and returns its error ("" if none).
  void send(const std::string& sql) {
    if (PQsendQuery(conn_.get(), sql.c_str()) != 1) throw std::runtime_error("cannot send");
  }
  std::string finish() {
    std::string error;
    while (PGresult* r = PQgetResult(conn_.get())) {
      const auto status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        error = PQresultErrorMessage(r);
      }
      PQclear(r);
    }
    return error;
  }

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

const std::string kLockKeyOfP = "SELECT pg_advisory_xact_lock(1668246893, hashtext('p'))";

// A connection holding product p's event key in an open transaction.
struct KeyHolder : Conn {
  explicit KeyHolder(const std::string& url) : Conn(url) { exec(kLockKeyOfP); }
  void release() { exec("COMMIT"); }
};

// How many connections to `url`'s database wait for an advisory lock.
int waiting_for_a_key(const std::string& url) {
  return std::stoi(pgtest::query(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                      "current_database() AND wait_event_type = 'Lock' AND "
                                      "wait_event = 'advisory'"));
}

// Waits until `n` connections wait for an advisory lock (false after 20 s).
bool until_waiting_for_a_key(const std::string& url, int n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (waiting_for_a_key(url) < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Empty if every stock row of `product` can be locked at once, else why not.
std::string stock_rows_lockable(const std::string& url, const std::string& product) {
  try {
    pgtest::query(url, "SELECT count(*) FROM (SELECT 1 FROM stock WHERE product_id = '" + product +
                           "' FOR NO KEY UPDATE NOWAIT) AS rows");
    return {};
  } catch (const std::exception& e) {
    return e.what();
  }
}

// Frees the key (closing the holder's connection) when it goes out of scope: declared after the
// future of a move that waits for the key, it lets a failed assertion end the test.
struct FreeOnExit {
  std::unique_ptr<KeyHolder>& holder;
  ~FreeOnExit() { holder.reset(); }
};

// Runs `move` on its own thread while product p's key is held elsewhere: it must wait for the
// key holding none of p's stock rows, and complete once the key is free.
void expect_to_queue_on_the_key(const std::string& url, const std::function<void()>& move) {
  auto holder = std::make_unique<KeyHolder>(url);
  auto done = std::async(std::launch::async, move);
  FreeOnExit free_on_exit{holder};
  ASSERT_TRUE(until_waiting_for_a_key(url, 1)) << "the move never waited for the product's key";
  EXPECT_EQ(stock_rows_lockable(url, "p"), "")
      << "a stock row of p was locked by a move still waiting for p's key";
  holder->release();
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  done.get();  // rethrows what the move threw
}

struct Shop {
  std::string url = pgtest::fresh_database_url();
  std::unique_ptr<Store> store = Store::open(url);

  // Product p, with no stock yet, and locations a and b (priorities 1, 2).
  void p_at_two_locations() {
    store->catalog().create({.id = "p", .name = "p", .price = 100});
    store->locations().create({.id = "a", .name = "a", .priority = 1});
    store->locations().create({.id = "b", .name = "b", .priority = 2});
  }
};

// One location (the default): the first reservation learns it, the next is the guessed plain
// update sent with the unit's last statements.
TEST(PostgresLockOrder, AReservationAtTheKnownOnlyLocationQueuesOnTheKey) {
  Shop s;
  s.store->catalog().create({.id = "p", .name = "p", .price = 100, .initial_stock = 10});
  s.store->stock().reserve("o1", {{"p", 1}});
  expect_to_queue_on_the_key(s.url, [&] { s.store->stock().reserve("o2", {{"p", 1}}); });
  EXPECT_EQ(s.store->stock().level("p").reserved, 2);
}

// Two locations: the allocation's general path reads the product's stock rows locked.
TEST(PostgresLockOrder, AReservationAcrossLocationsQueuesOnTheKey) {
  Shop s;
  s.p_at_two_locations();
  s.store->stock().adjust("p", 1, "seed", {}, "a");
  s.store->stock().adjust("p", 1, "seed", {}, "b");
  expect_to_queue_on_the_key(s.url, [&] { s.store->stock().reserve("o1", {{"p", 2}}); });
  EXPECT_EQ(s.store->stock().level("p").reserved, 2);
}

TEST(PostgresLockOrder, AnAdjustmentQueuesOnTheKey) {
  Shop s;
  s.store->catalog().create({.id = "p", .name = "p", .price = 100, .initial_stock = 10});
  expect_to_queue_on_the_key(s.url, [&] { s.store->stock().adjust("p", 5, "restock"); });
  EXPECT_EQ(s.store->stock().level("p").on_hand, 15);
}

TEST(PostgresLockOrder, AReleaseQueuesOnTheKey) {
  Shop s;
  s.store->catalog().create({.id = "p", .name = "p", .price = 100, .initial_stock = 10});
  s.store->stock().reserve("o1", {{"p", 3}});
  expect_to_queue_on_the_key(s.url, [&] { s.store->stock().release("o1"); });
  EXPECT_EQ(s.store->stock().level("p").reserved, 0);
}

TEST(PostgresLockOrder, ATransferQueuesOnTheKey) {
  Shop s;
  s.p_at_two_locations();
  s.store->stock().adjust("p", 4, "seed", {}, "a");
  expect_to_queue_on_the_key(s.url, [&] { s.store->stock().transfer("p", "a", "b", 3, "move"); });
  EXPECT_EQ(s.store->stock().level("p").on_hand, 4);
}

// The one way a library unit can hold a product's key without its row: an update that qualified,
// waited for the key, and found the row changed (PostgreSQL re-checks the WHERE clause on the
// row as committed). If the unit then locked the product's row (the allocation's general path
// after a refused fast path once did), it would deadlock with a unit that locked that row first
// and waits for the key. Here a first order (its reservation answered: the store does not know
// its location yet) waits for p's key while another transaction (X) takes p's last unit; a third
// (Y) locks p's row, then waits for p's key behind the order. When X commits, the order is
// refused holding p's key; it must end (out of stock) without waiting for p's row, so Y gets the
// key. With the old general path, Y's wait closed a cycle and the server broke it by failing Y
// (the waiter that waited longest checks first): "deadlock detected".
TEST(PostgresLockOrder, AReservationRefusedAfterWaitingForTheKeyTakesNoProductRow) {
  Shop s;
  s.store->catalog().create({.id = "p", .name = "p", .price = 100, .initial_stock = 1});
  s.store->points().charge("user-1", 1'000, "charge-1");
  auto x = std::make_unique<KeyHolder>(s.url);
  x->exec("UPDATE stock SET reserved = reserved + 1 WHERE product_id = 'p'");
  Conn y(s.url);
  y.exec("SELECT 1 FROM products WHERE id = 'p' FOR NO KEY UPDATE");
  auto order = std::async(std::launch::async, [&] {
    try {
      const Order o =
          s.store->orders().place({.user_id = "user-1", .items = {{"p", 1}}, .points_to_use = 100});
      return std::string(to_string(o.status)) + ": " + o.failure_reason;
    } catch (const Error& e) {
      return std::string(e.what());
    }
  });
  FreeOnExit free_on_exit{x};
  ASSERT_TRUE(until_waiting_for_a_key(s.url, 1)) << "the order never waited for p's key";
  y.send(kLockKeyOfP);
  ASSERT_TRUE(until_waiting_for_a_key(s.url, 2)) << "Y never queued for p's key";
  x->release();
  ASSERT_EQ(order.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  const std::string outcome = order.get();
  EXPECT_NE(outcome.find("out of stock"), std::string::npos) << outcome;
  EXPECT_EQ(y.finish(), "");
  y.exec("ROLLBACK");
  EXPECT_EQ(s.store->stock().level("p").reserved, 1);  // X's unit
}

}  // namespace
}  // namespace commerce
