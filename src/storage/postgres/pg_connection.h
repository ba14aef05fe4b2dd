// One libpq connection with its prepared-statement cache, and Query, the only way the adapter
// runs parameterized SQL. libpq failures become either commerce::Error or one of the two
// internal signals below, which PostgresStorage::run turns into a retry of the whole unit.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commerce/storage.h"

struct pg_conn;
struct pg_result;

namespace commerce::postgres {

// The unit of work cannot go on but may succeed if run again: serialization failure (40001),
// deadlock (40P01), lock timeout, or a lost / refused connection; or a statement sent with a
// guessed row count (execute_expecting) changed another number of rows, so the unit must run
// again with every statement answered (kGuessMissed).
struct PgTransient {
  enum class Kind { kContention, kConnection, kGuessMissed };
  Kind kind;
  std::string message;
};

// A unique violation (23505): usually a concurrent unit inserted the same key first, and a
// rerun sees that row. PostgresStorage::run retries a few times, then reports Internal.
struct PgUniqueViolation {
  std::string constraint;
  std::string message;
};

// Owns one PGresult.
class Result {
 public:
  Result() = default;
  explicit Result(pg_result* res) : res_(res) {}
  Result(Result&& other) noexcept : res_(other.res_) { other.res_ = nullptr; }
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  explicit operator bool() const { return res_ != nullptr; }
  // Whether the result reports an error.
  bool failed() const;
  // Gives up ownership of the PGresult.
  pg_result* release() noexcept {
    pg_result* res = res_;
    res_ = nullptr;
    return res;
  }
  int rows() const;
  // Rows changed by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t int64(int row, int column) const;

 private:
  pg_result* res_ = nullptr;
};

// The connection could not be made and making it again will not help: the URL's settings are
// malformed (InvalidArgument) or the server refused this login or database (FailedPrecondition).
struct PgConfiguration {
  bool malformed;  // true: a setting of the URL is invalid; false: the server said no
  std::string message;
};

class Connection {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Connects, waiting at most connect_timeout_s for the server (libpq's connect_timeout, unless
  // the URL sets its own) with TCP keepalives on. Throws PgConfiguration when retrying cannot
  // help, PgTransient(kConnection) otherwise. Driver text in what it throws is redacted.
  Connection(const std::string& url, int connect_timeout_s, const std::string& application_name);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (simple query protocol); the last result.
  // With statements queued (execute_later), a single statement (no ';') is sent behind them
  // in the pipeline and answered with them in one round trip; a text of several statements
  // waits for the queue first (drain()). Either way a queued failure is thrown first.
  Result exec(const std::string& sql);
  // Runs `sql` with text parameters as a prepared statement, prepared on first use. Statements
  // queued before it are answered in the same round trip; if one of them failed, its failure
  // is thrown (naming it) and `sql` does not run.
  Result execute(const std::string& sql, const std::vector<std::string>& params);
  // Sends `sql` as execute() does but returns without waiting for its answer: the connection
  // enters libpq's pipeline mode and `sql` (with its PREPARE, the first time) is queued. The
  // parameters are copied into libpq's buffer. Its answer is read, and its failure thrown, by
  // the next exec(), execute() or drain(); until then nothing else may use the connection.
  void execute_later(const std::string& sql, const std::vector<std::string>& params);
  // execute_later() for a statement expected to change `rows` rows (an INSERT, UPDATE or
  // DELETE without RETURNING): the server checks the count, and a different one fails the
  // statement, so the server skips what is queued behind it (COMMIT included), and the read
  // that takes its answer (or drain()) throws PgTransient(kGuessMissed).
  void execute_expecting(const std::string& sql, const std::vector<std::string>& params,
                         std::int64_t rows);
  // execute_expecting() held back: the statement is queued behind the ones the unit queues
  // after it, when the unit next waits (exec(), execute()), drains or reads before its commit,
  // so that a row it locks is locked as late as possible. rollback() drops it unsent.
  void execute_expecting_late(const std::string& sql, const std::vector<std::string>& params,
                              std::int64_t rows);
  // Queues what execute_expecting_late() held back, in the order it was held.
  void send_held();
  // Opens a transaction without waiting: `begin` (one BEGIN statement, alive until read) is
  // queued, and with `learn_xid` SELECT pg_current_xact_id() behind it, whose answer xid()
  // gives once read. The unit's first statement that waits takes them along.
  void begin(const std::string& begin, bool learn_xid);
  // The id of the transaction begin() opened with learn_xid, once its answer has been read
  // (read_before_commit() reads it); empty before.
  const std::string& xid() const noexcept { return xid_; }
  // Call before sending COMMIT (exec, which sends it behind the queue): reads the queued
  // answers first if one of them is the transaction id, which must be in hand to resolve a
  // COMMIT whose reply is lost (a unit that queued everything it did).
  void read_before_commit();
  // Waits for the answers of every queued statement and leaves pipeline mode; throws the
  // first failure among them as execute() would have (the others were skipped by the server).
  void drain();
  // Best effort ROLLBACK (after reading, and dropping, whatever was queued); false if the
  // connection is no longer usable.
  bool rollback() noexcept;
  bool healthy() const noexcept;
  // After exec() or execute() threw: whether the server skipped that statement because one
  // queued before it failed (so it certainly did not run).
  bool skipped() const noexcept { return skipped_; }

  // The statement layer's statements (PgSession), by the address of their Sql; [1]: the
  // variants that lock the rows they read (a write unit's reads marked lock_rows).
  std::unordered_map<const Sql*, std::unique_ptr<SqlStatement>>& sql_statements(bool locking) {
    return sql_statements_[locking ? 1 : 0];
  }

  // Every wait for the server's answer ends by `deadline`: past it the connection is closed
  // (the server rolls back what it had not committed) and the statement fails with
  // PgTransient(kConnection). A frozen server or a silent network therefore cannot hold a call
  // past its retry budget. TimePoint::max(): no bound.
  void set_deadline(TimePoint deadline) noexcept { deadline_ = deadline; }

  // Whether SqlStatement::run_expecting may guess (send with execute_expecting and return the
  // expected count): on in write units until a guess missed (PostgresStorage::run).
  void set_guessing(bool on) noexcept { guessing_ = on; }
  bool guessing() const noexcept { return guessing_; }

  // Whether a statement of this unit has failed (see rethrow_failure()).
  bool has_failure() const noexcept { return failure_ != nullptr; }
  // Forgets the failure recorded by the previous unit of work (or by a rolled-back savepoint).
  void clear_failure() noexcept { failure_ = nullptr; }
  // Rethrows the first failure of this unit's statements, if any: a callback that caught and
  // ignored it must not commit a transaction PostgreSQL has already aborted.
  void rethrow_failure() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  // A statement execute_expecting_late() holds back: its guarded text and parameters.
  struct Held {
    std::string sql;
    std::vector<std::string> params;
  };

  // A statement sent in pipeline mode whose answer is not read yet.
  struct Queued {
    const std::string* sql;  // its text (a key of prepared_, or the caller's, alive until read)
    bool prepare = false;    // a PREPARE: its name is forgotten unless it succeeds
    bool xid = false;               // begin()'s SELECT pg_current_xact_id(): answer to xid_
  };

  Result check(pg_result* res, const std::string& sql);
  // Waits (until deadline_) for the results of the query just sent; returns the first error or
  // the last result, as PQexec does.
  Result await(bool sent, const std::string& sql);
  // The next result of the connection (null at the end of one query's results), waiting for
  // it until deadline_.
  pg_result* next_result();
  // The prepared_ entry (text -> name) of `sql`; prepares it first if needed: at once, or in
  // the pipeline (queued) when `pipelined`.
  const std::pair<const std::string, std::string>& prepared(const std::string& sql,
                                                            bool pipelined);
  // Sends the prepared statement `name` with `params`; false if libpq refused to send.
  bool send_prepared(const std::string& name, const std::vector<std::string>& params);
  // Sends `sql` with `params` in pipeline mode (preparing it first if needed), to be answered
  // at the next sync_pipeline() as `entry` describes (its sql is filled in here).
  void queue_prepared(const std::string& sql, const std::vector<std::string>& params,
                      Queued entry);
  // Sends `sql` (one statement, no parameters) in pipeline mode, as `entry` describes.
  void queue_simple(const std::string& sql, Queued entry);
  // libpq refused to queue `sql`: fails as await(false) does.
  [[noreturn]] void refused(const std::string& sql);
  void enter_pipeline();
  // Ends the queue with a sync point, reads every queued answer and leaves pipeline mode;
  // throws the first failure, else returns the last queued statement's result.
  Result sync_pipeline();
  // Closes the connection after a wait ran out or the socket failed, and fails with PgTransient.
  [[noreturn]] void abandon(const std::string& why);
  template <class E>
  [[noreturn]] void fail(E error);

  pg_conn* conn_ = nullptr;
  std::string url_;  // for redacting driver text
  TimePoint deadline_ = TimePoint::max();
  std::exception_ptr failure_;
  std::string xid_;  // see xid()
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  std::uint64_t prepared_count_ = 0;                        // names statements uniquely
  std::vector<Queued> queued_;  // sent in pipeline mode, answers not read yet
  std::vector<Held> held_;      // see execute_expecting_late()
  bool skipped_ = false;        // see skipped()
  bool guessing_ = false;       // see guessing()
  std::unordered_map<const Sql*, std::unique_ptr<SqlStatement>> sql_statements_[2];
};

class Query {
 public:
  Query(Connection& conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}

  Query& bind(std::int64_t value);
  Query& bind(const std::string& value);
  Query& bind(std::string_view value) { return bind(std::string(value)); }
  Query& bind(const char* value) { return bind(std::string(value)); }
  Query& bind(int value) { return bind(static_cast<std::int64_t>(value)); }
  Result run();

 private:
  Connection& conn_;
  std::string sql_;
  std::vector<std::string> params_;
};

}  // namespace commerce::postgres
