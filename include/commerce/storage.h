// commerce/storage.h: the storage adapter SPI, what an adapter (SQLite, PostgreSQL, a third
// party's) implements. Hosts never use it: they open a Store by location (commerce/store.h) or
// hand Store::open() an adapter, and work through the Store's domain services.
//
// The library's statements are written once, above this interface (src/storage/statements/):
// an adapter does not write SQL for the domain. It provides
//   - Storage::run(): one unit of work = one transaction, with the adapter's own connections,
//     retries on transient contention and (SQLite) group commit;
//   - SqlSession: the open transaction's statements (prepared once per connection and reused),
//     savepoints, and the dialect the adapter speaks;
//   - SqlStatement: bind, step, read columns.
// docs/storage-adapters.md says how to write one and prove it with the conformance suite.
//
// Statement texts: parameters are ?1..?N (an adapter rewrites them if its driver wants another
// form, as PostgreSQL's $1..$N); where a parameter's type must be stated it is
// CAST(?N AS BIGINT | TEXT | INTEGER). A statement whose text differs between dialects carries
// one text per dialect. A read that a write unit must keep true until commit is marked
// `lock_rows`: an adapter whose writers do not exclude each other (PostgreSQL, READ COMMITTED)
// locks the rows it returns (FOR NO KEY UPDATE); SQLite's single writer needs nothing.
//
// Thread safety: a Storage is shared by all threads of a process; run() may be called from any
// number of threads at once. A SqlSession and its statements belong to the callback they were
// given to and must not escape it.
//
// Errors: adapters turn driver errors into commerce::Error at this boundary; no driver exception
// or status ever escapes. Anything the callback throws rolls the unit back and is rethrown as is.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace commerce {

// The SQL dialect a session speaks: which text of a statement it runs.
enum class SqlDialect {
  kSqlite,    // SQLite 3.38+
  kPostgres,  // PostgreSQL 13+
};

// One statement of the library. Statements are objects with static storage duration, so an
// adapter may key its prepared-statement cache by their address.
struct Sql {
  std::string text;      // the statement in every dialect that has no text of its own below
  std::string postgres;  // PostgreSQL's own text, where the dialects differ (empty: `text`)
  bool lock_rows = false;
  // For a statement that takes locks after a unit's row updates (PostgreSQL's advisory locks
  // on event keys): statements held back by SqlStatement::run_expecting_late are sent before
  // it, so that every unit takes the rows they lock first and these locks after.
  bool follows_late = false;
  // The text `dialect` runs.
  const std::string& text_for(SqlDialect dialect) const {
    return dialect == SqlDialect::kPostgres && !postgres.empty() ? postgres : text;
  }
};

// A prepared statement of the open transaction. Bind parameters (1-based), then step() through
// the rows of a query or run() a statement; reset() makes it ready for the next use (the
// library always resets a statement before it prepares it again).
class SqlStatement {
 public:
  virtual ~SqlStatement() = default;
  virtual void bind(int index, std::int64_t value) = 0;
  // `value` must stay alive and unchanged until reset() (an adapter may bind it without a copy).
  virtual void bind(int index, std::string_view value) = 0;
  // Executes the statement on the first call; true while a row is available (columns are then
  // readable), false after the last one.
  virtual bool step() = 0;
  // Executes a statement that returns no rows (or skips its rows); the number of rows it
  // inserted, updated or deleted.
  virtual std::int64_t run() = 0;
  // Executes a statement whose answer the caller does not need now: no rows, no row count.
  // The adapter may send it and return without waiting for the server (PostgreSQL queues it in
  // libpq's pipeline), so a unit of work's writes need not cost a round trip each. Bound values
  // are copied at the call: the caller may reset() and rebind at once. Any error it causes is
  // thrown, as the same commerce::Error (or the same transient failure, retried by
  // Storage::run) that run() would have thrown, naming this statement, no later than the first
  // of: the next step() or run() of any statement of the session, the start or end of a
  // savepoint, or the commit; so a unit never commits past a failed statement. A statement
  // queued inside savepoint(work) belongs to that savepoint: its failure is thrown out of the
  // savepoint() call with the savepoint's changes undone, as a failure of run() inside `work`
  // would be (if `work` throws first, the failure is dropped with the savepoint, unless it is
  // transient). If the unit rolls back first, its failure may never be reported. Its effects
  // are visible to the statements that follow it in the same unit. After run_later() the
  // statement has no result: reset() it before its next use. The default runs run() at once,
  // which keeps every promise above: an adapter needs to override it only to save the wait.
  virtual void run_later() { run(); }
  // Executes a statement the caller expects to change exactly `rows` rows (a conditional
  // update or an insert ... ON CONFLICT DO NOTHING whose other outcome means a lost race, a bug
  // or a refusal the caller has made rare, not a common business answer) and returns the
  // number it changed. The adapter may return `rows` at once and send the statement as
  // run_later() does, checking the real number with the statement's answer, before the unit
  // commits: if it differs, the unit of work is rolled back whole and run again from the start
  // with this call answered by the server, so the caller sees the real number and a unit never
  // commits past a wrong guess. The caller's callback must therefore tolerate being run again,
  // as it already must for Storage::run's retries. The default runs run() at once.
  virtual std::int64_t run_expecting(std::int64_t rows) {
    (void)rows;
    return run();
  }
  // run_expecting() for a statement that locks a row other units wait for (a stock counter):
  // the adapter may also hold it back and send it behind the statements the caller queues
  // after it (run_later, run_expecting), as late as the session's next step() or run(), its
  // next savepoint boundary or the commit, so that the row is locked for as short a time as
  // possible. Only statements that wait are sure to see its effect: the caller must not queue
  // one that depends on it before then. The default runs run_expecting().
  virtual std::int64_t run_expecting_late(std::int64_t rows) { return run_expecting(rows); }
  // The current row's column (0-based) as an integer / as text (empty for NULL).
  virtual std::int64_t int64(int column) const = 0;
  virtual std::string text(int column) const = 0;
  // Clears the bindings and the result; never throws.
  virtual void reset() noexcept = 0;
};

// The open transaction of one unit of work, as the statement layer sees it.
class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual SqlDialect dialect() const = 0;
  // The statement for `sql`, prepared on first use on this connection and ready to bind. Stays
  // valid until the session ends; `sql` must outlive the storage (a static object).
  virtual SqlStatement& prepare(const Sql& sql) = 0;
  // Runs `work` inside a savepoint of this transaction. If `work` throws, what it changed is
  // undone, the rest of the transaction stays as it was, and the exception is rethrown (an
  // adapter's transient failure, such as a lost lock or connection, may instead abandon the
  // whole unit, which is then retried as Storage::run() describes). Calls may nest.
  virtual void savepoint(const std::function<void()>& work) = 0;
};

class Storage {
 public:
  enum class Access {
    kRead,   // the callback only reads
    kWrite,  // the callback may write; units of work that write are serialized per row
  };

  virtual ~Storage() = default;

  // Runs `work` in one transaction and commits it. If `work` throws, the unit is rolled back
  // and the exception rethrown unchanged. Transient contention (lock busy, serialization
  // failure, deadlock, a connection lost before commit) rolls back and runs `work` again;
  // callers never see it, unless it lasts past the adapter's retry budget: then Unavailable.
  // So `work` must have no effect outside the session and may run more than once. An adapter
  // may run the units of several concurrent callers in one transaction (group commit), each
  // caller returning once its unit is committed; a unit that throws must leave no trace.
  virtual void run(Access access, const std::function<void(SqlSession&)>& work) = 0;

  // Where the data lives, e.g. "sqlite:/var/lib/shop.db" (no credentials).
  virtual std::string url() const = 0;
};

// Opens storage by location: "sqlite:PATH" or a plain path opens SQLite; any other
// "SCHEME://..." goes to the opener registered for SCHEME (the optional components register
// theirs, e.g. "postgresql"). Errors: InvalidArgument naming "location" for an unknown scheme,
// and whatever the adapter reports.
std::unique_ptr<Storage> open_storage(const std::string& location);

using StorageOpener = std::function<std::unique_ptr<Storage>(const std::string& location)>;
// Makes open_storage() send "SCHEME://..." locations to `opener`. Thread-safe.
void register_storage_scheme(const std::string& scheme, StorageOpener opener);

}  // namespace commerce
