#include "commerce/sqlite_storage.h"

#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "sqlite_connection.h"
#include "sqlite_schema.h"
#include "sqlite_transaction.h"

namespace commerce {

namespace {

using sqlite::Connection;
using sqlite::SqliteBusy;

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(std::string path, SqliteOptions options)
      : path_(std::move(path)), options_(std::move(options)) {
    auto conn = connect();
    for (int attempt = 0;; ++attempt) {
      try {
        conn->exec("PRAGMA journal_mode=WAL");
        break;
      } catch (const SqliteBusy&) {
        if (attempt > 300) throw Error::unavailable(url(), "database stayed locked while opening");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    sqlite::migrate(*conn);
    idle_.push_back(std::move(conn));
  }

  void run(Access access, const std::function<void(Transaction&)>& work) override {
    auto conn = acquire();
    // Threads of this process queue here rather than polling SQLite's file lock; other
    // processes still meet at the lock, where SQLITE_BUSY is retried below.
    std::unique_lock<std::mutex> writer(write_mu_, std::defer_lock);
    if (access == Access::kWrite) writer.lock();
    const auto start = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
      try {
        conn->exec(access == Access::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
        sqlite::SqliteTransaction tx(*conn);
        work(tx);
        conn->exec("COMMIT");
        release(std::move(conn));
        return;
      } catch (const SqliteBusy&) {
        if (!conn->rollback()) conn = connect();
        const auto waited = std::chrono::steady_clock::now() - start;
        if (waited > std::chrono::milliseconds(options_.busy_budget_ms)) {
          throw Error::unavailable(
              url(), fmt::format("database stayed locked for {} ms", options_.busy_budget_ms));
        }
        backoff(attempt);
      } catch (...) {
        if (conn->rollback()) release(std::move(conn));
        throw;
      }
    }
  }

  std::string url() const override { return "sqlite:" + path_; }

 private:
  std::unique_ptr<Connection> connect() {
    try {
      return std::make_unique<Connection>(path_, options_.synchronous);
    } catch (const SQLite::Exception& e) {
      throw Error::unavailable(url(), fmt::format("cannot open: {}", e.what()));
    }
  }

  std::unique_ptr<Connection> acquire() {
    {
      std::lock_guard lock(pool_mu_);
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
    }
    return connect();
  }

  void release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(pool_mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
  }

  static void backoff(int attempt) {
    thread_local std::minstd_rand rng{std::random_device{}()};
    const int cap = std::min(50, 1 << std::min(attempt, 5));
    std::this_thread::sleep_for(std::chrono::microseconds(500 + rng() % (cap * 1000)));
  }

  static constexpr std::size_t kMaxIdle = 32;

  const std::string path_;
  const SqliteOptions options_;
  std::mutex write_mu_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace

std::unique_ptr<Storage> open_sqlite_storage(const std::string& path, SqliteOptions options) {
  if (path.empty()) throw Error::invalid_argument("path", "must not be empty");
  if (options.synchronous != "NORMAL" && options.synchronous != "FULL") {
    throw Error::invalid_argument("synchronous", "must be NORMAL or FULL");
  }
  if (options.busy_budget_ms < 0) {
    throw Error::invalid_argument("busy_budget_ms", "must not be negative");
  }
  return std::make_unique<SqliteStorage>(path, std::move(options));
}

int sqlite_schema_version() { return sqlite::schema_version(); }

}  // namespace commerce
