#include "sqlite_session.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include "commerce/error.h"

namespace commerce::sqlite {

namespace {

// Binds, steps and reads through SQLite's own API (no per-call wrapper objects); errors go
// through rethrow_as_commerce_error like every other SQLite call of the adapter.
class SqliteStatement final : public SqlStatement {
 public:
  SqliteStatement(Connection& conn, const std::string& sql) : conn_(conn), sql_(sql) {
    sqlite3* db = conn.db().getHandle();
    const int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &handle_, nullptr);
    if (rc != SQLITE_OK) fail(rc);
  }
  ~SqliteStatement() override { sqlite3_finalize(handle_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind(int index, std::int64_t value) override {
    check_bind(sqlite3_bind_int64(handle_, index, value), index);
  }
  void bind(int index, std::string_view value) override {
    // A null data pointer would bind NULL; every column the library binds text to is NOT NULL.
    const char* data = value.data() != nullptr ? value.data() : "";
    check_bind(sqlite3_bind_text(handle_, index, data, static_cast<int>(value.size()),
                                 SQLITE_STATIC),
               index);
  }
  bool step() override {
    const int rc = sqlite3_step(handle_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(rc);
  }
  std::int64_t run() override {
    while (step()) {
    }
    return sqlite3_changes64(conn_.db().getHandle());
  }
  std::int64_t int64(int column) const override { return sqlite3_column_int64(handle_, column); }
  std::string text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(handle_, column));
    if (text == nullptr) return {};
    return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(handle_, column)));
  }
  void reset() noexcept override {
    sqlite3_reset(handle_);  // reports the last step's error again; it was handled there
    sqlite3_clear_bindings(handle_);
  }

 private:
  [[noreturn]] void fail(int rc) const {
    rethrow_as_commerce_error(SQLite::Exception(conn_.db().getHandle(), rc), sql_);
  }
  void check_bind(int rc, int index) const {
    if (rc != SQLITE_OK) {
      throw Error::internal(fmt::format("SQLite could not bind parameter {} ({}) of: {}", index,
                                        sqlite3_errstr(rc), sql_.substr(0, 200)));
    }
  }

  Connection& conn_;
  const std::string& sql_;
  sqlite3_stmt* handle_ = nullptr;
};

}  // namespace

SqlStatement& SqliteSession::prepare(const Sql& sql) {
  auto& cache = conn_.sql_statements();
  auto it = cache.find(&sql);
  if (it == cache.end()) {
    it = cache.emplace(&sql, std::make_unique<SqliteStatement>(conn_, sql.text_for(dialect())))
             .first;
  }
  return *it->second;
}

void SqliteSession::savepoint(const std::function<void()>& work) {
  Query(conn_, "SAVEPOINT nested").run();  // prepared once per connection, like every query
  try {
    work();
  } catch (const SqliteBusy&) {
    throw;  // the lock was lost: the whole unit is rolled back and retried
  } catch (...) {
    Query(conn_, "ROLLBACK TO nested").run();
    Query(conn_, "RELEASE nested").run();
    throw;
  }
  Query(conn_, "RELEASE nested").run();
}

}  // namespace commerce::sqlite
