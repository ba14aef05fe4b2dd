// The SQLite adapter's side of the statement SPI (commerce/storage.h): a session over the
// connection that holds the open transaction, and its prepared statements, each prepared once
// per connection (SQLITE_PREPARE_PERSISTENT) and kept for the connection's life.
#pragma once

#include "commerce/storage.h"
#include "sqlite_connection.h"

namespace commerce::sqlite {

class SqliteSession final : public SqlSession {
 public:
  explicit SqliteSession(Connection& conn) : conn_(conn) {}
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  SqlStatement& prepare(const Sql& sql) override;
  void savepoint(const std::function<void()>& work) override;

 private:
  Connection& conn_;
};

}  // namespace commerce::sqlite
