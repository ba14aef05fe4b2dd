// Many host processes on one PostgreSQL database: forked processes, each with its own Store and
// many threads, race for the last units of one product.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "storage/transaction.h"

namespace commerce {
namespace {

constexpr int kProcesses = 4;
constexpr int kThreads = 16;
constexpr int kAttemptsPerThread = 10;  // 640 attempts for 100 units
constexpr std::int64_t kUnits = 100;
const std::string kProduct = "flash-sale-1";

// What one attempt of a racing thread came to.
enum class Outcome { kSold, kSoldOut };

// One purchase attempt: returns kSold or kSoldOut, or throws on anything else.
using Attempt = std::function<Outcome(Store& store, const std::string& order_or_user)>;

struct ChildTally {
  int sold = 0;          // reserve + commit both succeeded
  int out_of_stock = 0;  // FailedPrecondition kOutOfStock: the expected refusal
  int other = 0;         // anything else (a deadlock or serialization error that leaked, ...)
  std::string first_other;
};

// Runs in a forked child: its own Store (pooled connections), kThreads threads buying one unit
// per order until the product is sold out. Reports its tally on `fd` as one line.
[[noreturn]] void run_child(const std::string& url, int process, int fd, const Attempt& attempt) {
  ChildTally tally;
  try {
    StoreOptions options;
    options.gateway = std::make_shared<FakeGateway>();  // approves every charge
    auto store = Store::open(url, options);  // the "postgresql" scheme, registered by linking
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        ChildTally mine;
        for (int i = 0; i < kAttemptsPerThread; ++i) {
          const std::string order =
              "order-p" + std::to_string(process) + "-t" + std::to_string(t) + "-" + std::to_string(i);
          try {
            if (attempt(*store, order) == Outcome::kSold) {
              ++mine.sold;
            } else {
              ++mine.out_of_stock;
              break;  // sold out for good: nothing is ever released in this test
            }
          } catch (const std::exception& e) {
            if (mine.other++ == 0) mine.first_other = e.what();
          }
        }
        std::lock_guard lock(mu);
        tally.sold += mine.sold;
        tally.out_of_stock += mine.out_of_stock;
        tally.other += mine.other;
        if (tally.first_other.empty()) tally.first_other = mine.first_other;
      });
    }
    for (auto& thread : threads) thread.join();
  } catch (const std::exception& e) {
    ++tally.other;
    tally.first_other = std::string("opening the store: ") + e.what();
  }
  const std::string line = std::to_string(tally.sold) + " " + std::to_string(tally.out_of_stock) +
                           " " + std::to_string(tally.other) + " " + tally.first_other + "\n";
  const ssize_t written = ::write(fd, line.data(), line.size());
  ::_exit(written == static_cast<ssize_t>(line.size()) ? 0 : 3);
}

// Forks kProcesses children racing with `attempt`, checks every snapshot while they run and
// the tallies and stock after. Returns the database URL for further checks.
std::string race(const char* what, const Attempt& attempt) {
  const std::string url = pgtest::fresh_database_url();
  {
    auto store = Store::open(url);
    store->catalog().create(
        {.id = kProduct, .name = "Flash sale", .price = 1000, .initial_stock = kUnits});
  }  // closed before fork: children must not share the parent's connections

  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  std::vector<int> pipes;
  for (int p = 0; p < kProcesses; ++p) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    EXPECT_GE(pid, 0);
    if (pid < 0) return url;
    if (pid == 0) {
      ::close(fds[0]);
      run_child(url, p, fds[1], attempt);
    }
    ::close(fds[1]);
    children.push_back(pid);
    pipes.push_back(fds[0]);
  }

  // While they race: every snapshot has available >= 0 and reserved == the live rows.
  auto storage = open_postgres_storage(url);
  int samples = 0;
  std::vector<bool> done(children.size(), false);
  std::vector<int> exit_codes(children.size(), -1);
  for (std::size_t finished = 0; finished < children.size();) {
    StockLevel level;
    std::int64_t live = 0;
    run_unit(*storage, Storage::Access::kRead, [&](Transaction& tx) {
      level = *tx.find_stock(kProduct);
      live = tx.sum_live_reservations(kProduct, "default");
    });
    ++samples;
    EXPECT_GE(level.available, 0);
    EXPECT_EQ(level.reserved, live);
    EXPECT_EQ(level.on_hand + level.sold, kUnits);
    for (std::size_t i = 0; i < children.size(); ++i) {
      int status = 0;
      if (!done[i] && ::waitpid(children[i], &status, WNOHANG) == children[i]) {
        done[i] = true;
        exit_codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ++finished;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int sold = 0, out_of_stock = 0, other = 0;
  for (std::size_t i = 0; i < children.size(); ++i) {
    EXPECT_EQ(exit_codes[i], 0) << "child " << i;
    char buffer[4096] = {};
    const ssize_t n = ::read(pipes[i], buffer, sizeof buffer - 1);
    ::close(pipes[i]);
    EXPECT_GT(n, 0) << "child " << i << " reported nothing";
    int s = 0, o = 0, x = 0, used = 0;
    EXPECT_EQ(std::sscanf(buffer, "%d %d %d %n", &s, &o, &x, &used), 3) << buffer;
    EXPECT_EQ(x, 0) << "child " << i << " saw unexpected errors, first: " << (buffer + used);
    sold += s;
    out_of_stock += o;
    other += x;
  }
  EXPECT_EQ(sold, kUnits);
  EXPECT_EQ(other, 0);
  EXPECT_GT(out_of_stock, 0);

  StockLevel level;
  std::int64_t live = 0;
  run_unit(*storage, Storage::Access::kRead, [&](Transaction& tx) {
    level = *tx.find_stock(kProduct);
    live = tx.sum_live_reservations(kProduct, "default");
  });
  EXPECT_EQ(level.on_hand, 0);
  EXPECT_EQ(level.reserved, 0);
  EXPECT_EQ(level.sold, kUnits);
  EXPECT_EQ(live, 0);
  EXPECT_EQ(pgtest::query(url, "SELECT count(*) FROM reservations WHERE state = 'committed'"),
            std::to_string(kUnits));
  std::printf("[ figures  ] %s, %d processes x %d threads: %d sold, %d refused as sold out, "
              "%.2f s, %d consistent snapshots\n",
              what, kProcesses, kThreads, sold, out_of_stock, seconds, samples);
  return url;
}

TEST(PostgresMultiProcess, ProcessesAndThreadsReserveExactlyTheStockWithoutLeakingRetries) {
  race("reserve + commit", [](Store& store, const std::string& order) {
    try {
      store.stock().reserve(order, {{kProduct, 1}});
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kFailedPrecondition && e.reason() == Reason::kOutOfStock) {
        return Outcome::kSoldOut;
      }
      throw;
    }
    store.stock().commit(order);
    return Outcome::kSold;
  });
}

TEST(PostgresMultiProcess, ProcessesAndThreadsPlaceOrdersAndExactlyTheStockIsConfirmed) {
  const std::string url = race("orders", [](Store& store, const std::string& user) {
    const Order order = store.orders().place({.user_id = user, .items = {{kProduct, 1}}});
    if (order.status == OrderStatus::kConfirmed) return Outcome::kSold;
    if (order.status == OrderStatus::kFailed) return Outcome::kSoldOut;
    throw std::runtime_error("order " + order.id + " ended " + std::string(to_string(order.status)) +
                             ": " + order.failure_reason);
  });
  EXPECT_EQ(pgtest::query(url, "SELECT count(*) FROM orders WHERE status = 'confirmed'"),
            std::to_string(kUnits));
  EXPECT_EQ(pgtest::query(url, "SELECT count(*) FROM payments"), std::to_string(kUnits));
  EXPECT_EQ(pgtest::query(url, "SELECT count(*) FROM orders WHERE status NOT IN "
                               "('confirmed', 'failed')"),
            "0");
}

}  // namespace
}  // namespace commerce
