// The PostgreSQL adapter's side of the statement SPI (commerce/storage.h): a session over the
// connection that holds the open transaction, and its statements, each prepared on the server
// once per connection (Connection::execute).
//
// In a write unit (READ COMMITTED) every read marked lock_rows locks the rows it returns
// (FOR NO KEY UPDATE): the domain reads a row, checks it, then changes it with a conditional
// update, and the lock keeps what it checked true until commit, as SQLite's single writer does.
// Read units run on one REPEATABLE READ snapshot and take no locks.
#pragma once

#include "commerce/storage.h"
#include "pg_connection.h"

namespace commerce::postgres {

class PgSession final : public SqlSession {
 public:
  PgSession(Connection& conn, bool write) : conn_(conn), write_(write) {}
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  SqlStatement& prepare(const Sql& sql) override;
  void savepoint(const std::function<void()>& work) override;

 private:
  Connection& conn_;
  bool write_;
};

// `text` with its ?N parameters written as PostgreSQL's $N (outside quoted literals).
std::string dollar_parameters(const std::string& text);

}  // namespace commerce::postgres
