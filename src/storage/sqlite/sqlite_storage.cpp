#include "commerce/sqlite_storage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "sqlite_checkpointer.h"
#include "sqlite_connection.h"
#include "sqlite_schema.h"
#include "sqlite_session.h"

namespace commerce {

namespace {

using sqlite::Connection;
using sqlite::SqliteBusy;

// Runs a transaction's control statement (BEGIN, COMMIT, a savepoint's) from the connection's
// statement cache: Connection::exec parses its text again at each call, ~7k instructions
// (callgrind), two or more a unit.
void control(Connection& conn, const char* sql) { sqlite::Query(conn, sql).run(); }

// InvalidArgument unless `path` is a regular file or does not exist; creates it (empty, with
// `mode`) if it does not exist and `create`, so that SQLite's own files inherit the mode.
void prepare_file(const std::string& path, int mode, bool create) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) {
      throw Error::invalid_argument(
          "path", fmt::format("{} is not a regular file (a directory, FIFO, socket or device)",
                              path));
    }
    return;
  }
  if (errno != ENOENT) {
    throw Error::failed_precondition(Reason::kNone, path,
                                     fmt::format("cannot use {}: {}", path, std::strerror(errno)));
  }
  if (!create) {
    throw Error::failed_precondition(Reason::kNone, path,
                                     fmt::format("{} does not exist", path));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    if (errno == EEXIST) return;  // another process created it first
    throw Error::failed_precondition(
        Reason::kNone, path, fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  }
  ::close(fd);
}

// A batch run without savepoints met a unit that threw: roll back, run it with them.
struct RunCarefully {};

// After a batch had to be run again carefully, this many batches are run carefully at once.
constexpr int kCarefulBatchesAfterFailure = 16;

// One caller's write unit waiting for a batch to commit it.
struct PendingUnit {
  const std::function<void(SqlSession&)>* work;
  std::exception_ptr error;
  bool done = false;
};

class SqliteStorage final : public Storage {
 public:
  SqliteStorage(std::string path, SqliteOptions options)
      : path_(std::move(path)), options_(std::move(options)) {
    if (options_.read_only) {
      open_read_only();
      return;
    }
    auto conn = connect();
    // Already WAL (every open but the first): a read of the header, no lock.
    retry_while_busy("opening", [&] {
      bool wal = false;
      {
        sqlite::Query mode(*conn, "PRAGMA journal_mode");
        wal = mode.step() && mode.text(0) == "wal";
      }
      // Not yet WAL: the first open, of a new file (page_size is fixed when the first table is
      // created, so on an existing file it changes nothing).
      if (!wal) {
        conn->exec("PRAGMA page_size=" + std::to_string(options_.page_size));
        conn->exec("PRAGMA journal_mode=WAL");
      }
    });
    sqlite::migrate(*conn);
    // Under NORMAL a commit writes the WAL without fsync, and the checkpoints' fsyncs are what
    // writers wait for: a thread of the storage's own takes them over (8 threads: 2.9k ->
    // 3.9k orders/s). Under FULL every commit fsyncs the WAL, and a checkpoint running beside
    // it made those fsyncs slower (1 thread: 1.45k -> 1.0k orders/s): SQLite's own, inline.
    if (options_.synchronous == "NORMAL") {
      try {
        checkpointer_ = std::make_unique<sqlite::Checkpointer>(path_, options_.synchronous);
      } catch (const SQLite::Exception& e) {
        throw Error::unavailable(url(), fmt::format("cannot open: {}", e.what()));
      }
      checkpointer_->attach(*conn);
    }
    idle_.push_back(std::move(conn));
  }

  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    if (access == Access::kWrite && options_.read_only) {
      throw Error::failed_precondition(Reason::kNone, url(),
                                       fmt::format("{} is opened read-only", url()));
    }
    if (access == Access::kRead) {
      run_read(work);
    } else {
      run_write(work);
    }
  }

  std::string url() const override { return "sqlite:" + path_; }

 private:
  static constexpr std::size_t kMaxIdle = 32;
  static constexpr std::size_t kMaxBatch = 64;

  void run_read(const std::function<void(SqlSession&)>& work) {
    auto conn = acquire();
    retry_while_busy("reading", [&] {
      try {
        control(*conn, "BEGIN");
        sqlite::SqliteSession tx(*conn);
        work(tx);
        control(*conn, "COMMIT");
      } catch (...) {
        if (!conn->rollback()) conn = connect();
        throw;
      }
    });
    release(std::move(conn));
  }

  // Group commit: concurrent writers of this process queue their units; whoever finds no batch
  // in progress becomes the leader and commits everything queued in one transaction. A unit
  // that throws must leave no trace, so the units of a batch run in a savepoint each; as
  // savepoints cost (SQLite copies every page a unit touches), a batch is first run without
  // them, and only if one of its units throws is it rolled back and run again with them (as
  // are the batches that follow, for a while). Every caller returns after the batch holding
  // its unit is committed (or has failed as a whole).
  void run_write(const std::function<void(SqlSession&)>& work) {
    PendingUnit unit{&work};
    std::unique_lock lock(queue_mu_);
    queue_.push_back(&unit);
    while (!unit.done) {
      if (leader_active_) {
        queue_cv_.wait(lock);
        continue;
      }
      leader_active_ = true;
      std::vector<PendingUnit*> batch;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      commit_batch(batch);
      lock.lock();
      for (PendingUnit* u : batch) u->done = true;
      leader_active_ = false;
      queue_cv_.notify_all();
    }
    lock.unlock();
    if (unit.error) std::rethrow_exception(unit.error);
  }

  // Never throws: outcomes are recorded in each unit. Runs on the leader only.
  void commit_batch(const std::vector<PendingUnit*>& batch) {
    std::unique_ptr<Connection> conn;
    bool careful = careful_batches_ > 0;
    if (careful) --careful_batches_;
    try {
      conn = acquire();
      retry_while_busy("writing", [&] {
        for (PendingUnit* u : batch) u->error = nullptr;
        try {
          control(*conn, "BEGIN IMMEDIATE");
          sqlite::SqliteSession tx(*conn);
          if (batch.size() == 1) {
            run_unit_whole(*batch.front(), tx);
          } else if (careful) {
            for (PendingUnit* u : batch) run_unit_in_savepoint(*u, *conn, tx);
          } else if (!run_units_straight(batch, tx)) {
            careful = true;
            careful_batches_ = kCarefulBatchesAfterFailure;
            throw RunCarefully{};
          }
          control(*conn, "COMMIT");
        } catch (...) {
          if (!conn->rollback()) conn = connect();
          throw;
        }
      });
    } catch (...) {
      // The batch as a whole failed (storage gone, locked past the budget, or a lone unit's own
      // error): every unit gets that outcome unless it already has its own.
      const auto error = std::current_exception();
      for (PendingUnit* u : batch) {
        if (!u->error) u->error = error;
      }
    }
    if (conn) release(std::move(conn));  // rolled back or committed: reusable either way
  }

  // Runs the batch's units one after the other in the open transaction; false (at the first
  // unit that throws) if the transaction must be rolled back and the batch run carefully.
  static bool run_units_straight(const std::vector<PendingUnit*>& batch, SqlSession& tx) {
    for (PendingUnit* u : batch) {
      try {
        (*u->work)(tx);
      } catch (const SqliteBusy&) {
        throw;
      } catch (...) {
        return false;
      }
    }
    return true;
  }

  static void run_unit_whole(PendingUnit& unit, SqlSession& tx) {
    try {
      (*unit.work)(tx);
    } catch (const SqliteBusy&) {
      throw;
    } catch (...) {
      unit.error = std::current_exception();
      throw;
    }
  }

  static void run_unit_in_savepoint(PendingUnit& unit, Connection& conn, SqlSession& tx) {
    control(conn, "SAVEPOINT unit");
    try {
      (*unit.work)(tx);
    } catch (const SqliteBusy&) {
      throw;  // the lock was lost: the whole batch is retried
    } catch (...) {
      unit.error = std::current_exception();
      control(conn, "ROLLBACK TO unit");
    }
    control(conn, "RELEASE unit");
  }

  // Runs `attempt` until it stops reporting a busy database, backing off in between, up to
  // the busy budget; then Unavailable. An attempt that asks to run carefully runs again at
  // once.
  template <class F>
  void retry_while_busy(const char* what, F&& attempt) {
    const auto start = std::chrono::steady_clock::now();
    for (int n = 0;; ++n) {
      try {
        attempt();
        return;
      } catch (const RunCarefully&) {
        continue;
      } catch (const SqliteBusy&) {
        if (std::chrono::steady_clock::now() - start >
            std::chrono::milliseconds(options_.busy_budget_ms)) {
          throw Error::unavailable(url(), fmt::format("database stayed locked for {} ms while {}",
                                                      options_.busy_budget_ms, what));
        }
        backoff(n);
      }
    }
  }

  // Read-only: the file must exist and have the current schema. On read-only media SQLite may
  // be unable to open the -shm file; then, if no WAL holds commits the file lacks, the file is
  // opened immutable (an immutable open would not see a WAL's commits).
  void open_read_only() {
    std::unique_ptr<Connection> conn;
    try {
      conn = connect();
      int version = 0;
      retry_while_busy("opening", [&] { version = sqlite::applied_version(*conn); });
      if (version != sqlite::schema_version()) {
        throw Error::failed_precondition(
            Reason::kNone, url(),
            fmt::format("{} has schema version {}, not {}: open it for writing once to migrate "
                        "it",
                        url(), version, sqlite::schema_version()));
      }
    } catch (const Error& e) {
      struct stat wal {};
      const bool wal_has_commits =
          ::stat((path_ + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
      if (e.code() != ErrorCode::kFailedPrecondition || mode_ == Connection::Mode::kImmutable ||
          e.subject() != "storage" || wal_has_commits) {
        throw;
      }
      mode_ = Connection::Mode::kImmutable;
      open_read_only();
      return;
    }
    idle_.push_back(std::move(conn));
  }

  std::unique_ptr<Connection> connect() {
    std::unique_ptr<Connection> conn;
    try {
      conn = std::make_unique<Connection>(path_, options_.synchronous, mode_);
    } catch (const SQLite::Exception& e) {
      sqlite::rethrow_as_commerce_error(e, "open " + path_);
    }
    if (checkpointer_) checkpointer_->attach(*conn);
    return conn;
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
    const int cap_us = 1000 * std::min(50, 1 << std::min(attempt, 5));
    std::this_thread::sleep_for(std::chrono::microseconds(200 + rng() % cap_us));
  }

  const std::string path_;
  const SqliteOptions options_;
  Connection::Mode mode_ =
      options_.read_only ? Connection::Mode::kReadOnly : Connection::Mode::kReadWrite;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingUnit*> queue_;
  bool leader_active_ = false;
  // Batches still to run with a savepoint per unit since a unit of a batch run without them
  // threw (the leader's; leaders hand over under queue_mu_).
  int careful_batches_ = 0;

  // Before the pool: the connections it hooks close first. Null under FULL.
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;

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
  if (options.page_size < 512 || options.page_size > 65536 ||
      (options.page_size & (options.page_size - 1)) != 0) {
    throw Error::invalid_argument("page_size", "must be a power of two from 512 to 65536");
  }
  if (options.file_mode < 0 || options.file_mode > 0777) {
    throw Error::invalid_argument("file_mode", "must be permission bits between 0 and 0777");
  }
  if (path != ":memory:" && !path.starts_with("file:")) {
    prepare_file(path, options.file_mode, !options.read_only);
  }
  return std::make_unique<SqliteStorage>(path, std::move(options));
}

int sqlite_schema_version() { return sqlite::schema_version(); }

}  // namespace commerce
