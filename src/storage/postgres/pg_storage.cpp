// PostgresStorage: the connection pool and the unit-of-work loop (begin, run the callback,
// commit, retry on transient failures), and open_postgres_storage().
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "core/redact.h"
#include "pg_connection.h"
#include "pg_schema.h"
#include "pg_session.h"

namespace commerce {

namespace {

using postgres::Connection;
using postgres::PgConfiguration;
using postgres::PgTransient;
using postgres::PgUniqueViolation;
using Clock = std::chrono::steady_clock;

// A unique violation that keeps recurring is not a race but a bug: report it after this many.
constexpr int kMaxUniqueRetries = 4;

void sleep_before_retry(int attempt, PgTransient::Kind kind, Clock::time_point deadline) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  // Contention clears in milliseconds; a lost server takes longer to come back.
  const int cap_us = kind == PgTransient::Kind::kContention
                         ? std::min(50'000, 1'000 << std::min(attempt, 6))
                         : std::min(1'000'000, 50'000 << std::min(attempt, 5));
  auto pause = std::chrono::microseconds(cap_us / 2 + static_cast<int>(rng() % (cap_us / 2 + 1)));
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  if (left.count() <= 0) return;
  std::this_thread::sleep_for(std::min(pause, left));
}

class PostgresStorage final : public Storage {
 public:
  PostgresStorage(std::string url, PostgresOptions options)
      : url_(std::move(url)), shown_url_(detail::redact_location(url_)),
        options_(std::move(options)) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.retry_budget_ms);
    for (int attempt = 0;; ++attempt) {
      try {
        auto conn = connect(deadline);
        postgres::migrate(*conn);
        conn->set_deadline(Connection::TimePoint::max());
        idle_.push_back(std::move(conn));
        open_ = 1;
        return;
      } catch (const PgConfiguration& c) {
        throw configuration_error(c);
      } catch (const PgTransient& t) {
        if (Clock::now() >= deadline) {
          throw Error::unavailable(shown_url_, "cannot open the database: " + t.message);
        }
        sleep_before_retry(attempt, t.kind, deadline);
      } catch (const PgUniqueViolation& u) {
        throw Error::internal(fmt::format("migrating {} failed: {}", shown_url_, u.message));
      }
    }
  }

  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    const bool write = access == Access::kWrite;
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.retry_budget_ms);
    Slot slot(*this, deadline);
    int unique_retries = 0;
    // Whether run_expecting may guess row counts: until a guess misses, then the unit runs
    // again with every count answered by the server.
    bool guessing = write;
    for (int attempt = 0;; ++attempt) {
      try {
        if (!slot.conn) slot.conn = connect(deadline);
        Connection& conn = *slot.conn;
        conn.clear_failure();
        conn.set_deadline(deadline);
        conn.set_guessing(guessing);
        // BEGIN goes with the unit's first statement that waits. A write unit learns its
        // transaction id up front, so a commit whose reply is lost can be resolved by asking
        // the server what became of it.
        static const std::string kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
        static const std::string kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
        conn.begin(write ? kBeginWrite : kBeginRead, write);
        postgres::PgSession tx(conn, write);
        try {
          work(tx);
        } catch (...) {
          conn.rethrow_failure();  // a storage failure the callback turned into something else
          throw;
        }
        conn.rethrow_failure();
        conn.read_before_commit();
        commit(conn, conn.xid(), deadline);
        conn.set_deadline(Connection::TimePoint::max());
        return;
      } catch (const PgConfiguration& c) {
        throw configuration_error(c);
      } catch (const PgTransient& t) {
        slot.reset_connection();
        if (t.kind == PgTransient::Kind::kGuessMissed) {
          guessing = false;  // at once, answered statement by statement
          continue;
        }
        if (Clock::now() >= deadline) {
          throw Error::unavailable(
              shown_url_, fmt::format("gave up after {} attempts in {} ms: {}", attempt + 1,
                                      options_.retry_budget_ms, t.message));
        }
        sleep_before_retry(attempt, t.kind, deadline);
      } catch (const PgUniqueViolation& u) {
        // Usually a concurrent unit inserted the same key first; the rerun sees its row.
        slot.reset_connection();
        if (++unique_retries > kMaxUniqueRetries) {
          throw Error::internal(fmt::format("unique constraint {} keeps failing: {}",
                                            u.constraint, u.message));
        }
      } catch (...) {
        slot.reset_connection();
        throw;
      }
    }
  }

  std::string url() const override { return shown_url_; }

 private:
  // One pool slot for the length of a unit of work; conn is null until connected.
  struct Slot {
    Slot(PostgresStorage& storage, Clock::time_point deadline)
        : owner(storage), conn(storage.acquire(deadline)) {}
    ~Slot() { owner.release(std::move(conn)); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Rolls back; a connection that cannot roll back is dropped (the next attempt reconnects).
    void reset_connection() {
      if (conn && !conn->rollback()) conn.reset();
    }

    PostgresStorage& owner;
    std::unique_ptr<Connection> conn;
  };

  // A new connection, waiting for the server at most connect_timeout_s and not much past
  // `deadline` (libpq waits 2 s at least).
  std::unique_ptr<Connection> connect(Clock::time_point deadline) const {
    const auto left =
        std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count() + 1;
    const int timeout_s =
        static_cast<int>(std::clamp<std::int64_t>(left, 2, options_.connect_timeout_s));
    auto conn = std::make_unique<Connection>(url_, std::max(timeout_s, 1),
                                             options_.application_name);
    conn->set_deadline(deadline);
    return conn;
  }

  // A connection that retrying cannot make: the URL's settings are malformed (InvalidArgument
  // naming "url") or the server refused the login or database (FailedPrecondition).
  Error configuration_error(const PgConfiguration& c) const {
    if (c.malformed) {
      return Error::invalid_argument("url", fmt::format("{}: {}", shown_url_, c.message));
    }
    return Error::failed_precondition(
        Reason::kNone, shown_url_,
        fmt::format("the server refused the connection (check the user, password, database "
                    "and pg_hba.conf): {}",
                    c.message));
  }

  // An idle connection, or null with a slot reserved for a new one.
  std::unique_ptr<Connection> acquire(Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      if (open_ < options_.pool_size) {
        ++open_;
        return nullptr;
      }
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.pool_size) {
        throw Error::unavailable(
            shown_url_, fmt::format("all {} pooled connections stayed busy for {} ms",
                                    options_.pool_size, options_.retry_budget_ms));
      }
    }
  }

  void release(std::unique_ptr<Connection> conn) noexcept {
    {
      std::lock_guard lock(mu_);
      if (conn && conn->healthy()) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    freed_.notify_one();
  }

  // Commits; statements the unit queued (SqlStatement::run_later) are answered with the
  // COMMIT, which the server skips if one of them failed (that failure is thrown: the unit is
  // known not to have committed), as it skips it behind a wrong guess of a row count
  // (run_expecting). If the connection drops during COMMIT, the outcome is
  // unknown: ask the server,
  // on a new connection, what became of transaction `xid`. Committed: done. Aborted: throw
  // PgTransient so the unit runs again. Still unknown at the deadline: Unavailable.
  void commit(Connection& conn, const std::string& xid, Clock::time_point deadline) {
    try {
      conn.exec("COMMIT");
      return;
    } catch (const PgTransient& t) {
      if (xid.empty() || t.kind != PgTransient::Kind::kConnection || conn.skipped()) throw;
    }
    for (int attempt = 0;; ++attempt) {
      std::string status;
      bool answered = false;
      try {
        auto probe = connect(deadline);
        auto r = probe->execute("SELECT pg_xact_status($1::xid8)", {xid});
        status = r.is_null(0, 0) ? "" : r.text(0, 0);
        answered = true;
      } catch (const PgTransient&) {  // the server is still out of reach: ask again
      } catch (const PgConfiguration&) {  // e.g. the password changed meanwhile: ask again
      }
      if (answered && status == "committed") return;
      if (answered && status != "in progress") {
        throw PgTransient{PgTransient::Kind::kConnection,
                          "the connection was lost during COMMIT, which did not apply"};
      }
      if (Clock::now() >= deadline) {
        throw Error::unavailable(
            shown_url_, fmt::format("the connection was lost during COMMIT of transaction {} "
                                    "and the server could not say whether it applied",
                                    xid));
      }
      sleep_before_retry(attempt, PgTransient::Kind::kConnection, deadline);
    }
  }

  const std::string url_;
  const std::string shown_url_;
  const PostgresOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // connections idle or lent out, counting slots being connected
};

}  // namespace

std::unique_ptr<Storage> open_postgres_storage(const std::string& url, PostgresOptions options) {
  if (!url.starts_with("postgresql://") && !url.starts_with("postgres://")) {
    throw Error::invalid_argument("url", "must start with postgresql:// or postgres://");
  }
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string problem = parse_error ? parse_error : "cannot be parsed";
    if (parse_error) PQfreemem(parse_error);
    while (!problem.empty() && problem.back() == '\n') problem.pop_back();
    // libpq quotes the URL, or the part it choked on, which may be the password.
    throw Error::invalid_argument("url", detail::redact_secrets(problem, url));
  }
  PQconninfoFree(parsed);
  if (options.pool_size < 1 || options.pool_size > 1000) {
    throw Error::invalid_argument("pool_size", "must be between 1 and 1000");
  }
  if (options.retry_budget_ms < 0) {
    throw Error::invalid_argument("retry_budget_ms", "must not be negative");
  }
  if (options.connect_timeout_s < 1) {
    throw Error::invalid_argument("connect_timeout_s", "must be at least 1");
  }
  return std::make_unique<PostgresStorage>(url, std::move(options));
}

int postgres_schema_version() { return postgres::schema_version(); }

}  // namespace commerce
