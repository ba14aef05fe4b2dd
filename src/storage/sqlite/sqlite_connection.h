// One SQLite connection with its prepared-statement cache, and Query, the only way the adapter
// runs SQL: it binds, steps and resets a cached statement, and turns SQLiteCpp exceptions into
// commerce errors (or SqliteBusy, which Storage::run retries).
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "commerce/storage.h"

struct sqlite3_stmt;

namespace commerce::sqlite {

// PRAGMA journal_size_limit of every writing connection: 16 MiB.
inline constexpr long long kJournalSizeLimit = 16LL << 20;

// The database was locked by another connection: roll back and run the unit again.
struct SqliteBusy {};

[[noreturn]] void rethrow_as_commerce_error(const SQLite::Exception& e, const std::string& sql);

class Connection {
 public:
  enum class Mode {
    kReadWrite,  // read and write, creating the file if needed
    kReadOnly,   // SQLITE_OPEN_READONLY: reads, seeing other processes' commits
    kImmutable,  // read-only media: no locks, no -wal/-shm (nobody may write the file)
  };
  Connection(const std::string& path, const std::string& synchronous,
             Mode mode = Mode::kReadWrite);

  // A prepared statement with its SQL, and SQLite's own handle of it (for reading columns
  // without SQLiteCpp's per-column wrapper objects).
  struct Prepared {
    std::unique_ptr<SQLite::Statement> statement;
    sqlite3_stmt* handle = nullptr;
  };
  using CachedStatement = std::pair<const std::string, Prepared>;
  // The cached statement for `sql`, prepared on first use; stable for the connection's life.
  CachedStatement& prepare(const std::string& sql);
  // The same for SQL text at a fixed address (a string literal): found by its address, then
  // checked to be the same text, without building and hashing a std::string.
  CachedStatement& prepare(const char* sql);
  void exec(const std::string& sql);
  // Best effort; returns false if the connection is no longer usable.
  bool rollback() noexcept;
  int changes() const;
  SQLite::Database& db() { return db_; }
  // The statement layer's statements (SqliteSession), by the address of their Sql.
  std::unordered_map<const Sql*, std::unique_ptr<SqlStatement>>& sql_statements() {
    return sql_statements_;
  }

 private:
  SQLite::Database db_;
  std::unordered_map<std::string, Prepared> statements_;
  std::unordered_map<const char*, CachedStatement*> by_address_;
  // Last: finalized before the connection closes.
  std::unordered_map<const Sql*, std::unique_ptr<SqlStatement>> sql_statements_;
};

class Query {
 public:
  Query(Connection& conn, const std::string& sql) : Query(conn, conn.prepare(sql)) {}
  Query(Connection& conn, const char* sql) : Query(conn, conn.prepare(sql)) {}
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int index, std::int64_t value);
  // Binds the caller's string without copying it: it must stay alive and unchanged until the
  // query's last step (a variable or member the caller holds).
  Query& bind(int index, const std::string& value);
  // Binds a temporary string: SQLite keeps its own copy.
  Query& bind(int index, std::string&& value);
  // Steps once; true while a row is available.
  bool step();
  // Runs a statement that returns no rows; returns the number of rows it changed.
  int run();

  std::int64_t int64(int column) const;
  std::string text(int column) const;

 private:
  Query(Connection& conn, Connection::CachedStatement& cached)
      : conn_(conn), sql_(cached.first), stmt_(*cached.second.statement),
        handle_(cached.second.handle) {}

  Connection& conn_;
  const std::string& sql_;
  SQLite::Statement& stmt_;
  sqlite3_stmt* handle_;
};

}  // namespace commerce::sqlite
