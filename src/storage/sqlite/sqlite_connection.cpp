#include "sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <mutex>

#include "commerce/error.h"
#include "wal_write_batching.h"

namespace commerce::sqlite {

void rethrow_as_commerce_error(const SQLite::Exception& e, const std::string& sql) {
  switch (e.getErrorCode()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw SqliteBusy{};
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOLFS:
      // A full disk or a failing device: retrying may succeed once it is dealt with.
      throw Error::unavailable("storage", fmt::format("SQLite I/O failed: {}", e.what()));
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_NOTADB:
      // The file's permissions, its directory or its content: retrying cannot help.
      throw Error::failed_precondition(
          Reason::kNone, "storage",
          fmt::format("{} (SQLite error {}): check the store file's path, kind and "
                      "permissions, or open it read-only",
                      e.what(), e.getExtendedErrorCode()));
    case SQLITE_CORRUPT:
      // Subject "file": `commerce check` reports it as damage to the store's file.
      throw Error(ErrorCode::kInternal, "file",
                  fmt::format("the store's file is damaged (SQLite error {}: {})",
                              e.getExtendedErrorCode(), e.what()));
    default:
      throw Error::internal(fmt::format("SQLite error {} ({}) in: {}", e.getExtendedErrorCode(),
                                        e.what(), sql.substr(0, 200)));
  }
}

namespace {

// "file:" URI of `path` with `query`, escaping what a URI path may not hold.
std::string file_uri(const std::string& path, const char* query) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x21) {
      uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      uri += c;
    }
  }
  return uri + query;
}

// Once per process, before the library's first use of SQLite: its memory statistics off, one of
// SQLite's recommended options (a mutex less around every allocation: 5-10 % more orders/s).
// A process that used SQLite before keeps its settings (sqlite3_config() refuses; ignored).
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

SQLite::Database open_database(const std::string& path, Connection::Mode mode) {
  configure_sqlite_once();
  switch (mode) {
    case Connection::Mode::kReadOnly:
      return SQLite::Database(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
    case Connection::Mode::kImmutable:
      return SQLite::Database(file_uri(path, "?immutable=1"),
                              SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX);
    case Connection::Mode::kReadWrite:
      break;
  }
  return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                          0, wal_write_batching_vfs());
}

}  // namespace

Connection::Connection(const std::string& path, const std::string& synchronous, Mode mode)
    : db_(open_database(path, mode)) {
  // Short waits inside SQLite; Storage::run keeps retrying up to its own budget.
  db_.setBusyTimeout(200);
  exec("PRAGMA synchronous=" + synchronous);
  // After a checkpoint lets the WAL restart, its file is cut back to this size: a WAL that a
  // long reader made grow does not keep its size on disk afterwards.
  if (mode == Mode::kReadWrite) exec("PRAGMA journal_size_limit=" + std::to_string(kJournalSizeLimit));
  exec("PRAGMA foreign_keys=ON");
  // Savepoints (group commit, and the saga's steps) keep their undo pages in a sub-journal;
  // in memory it costs no file writes.
  exec("PRAGMA temp_store=MEMORY");
}

Connection::CachedStatement& Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    Prepared prepared;
    try {
      prepared.statement = std::make_unique<SQLite::Statement>(db_, sql);
    } catch (const SQLite::Exception& e) {
      rethrow_as_commerce_error(e, sql);
    }
    // SQLiteCpp keeps its handle private; it is the connection's statement with this text
    // (the cache holds one per text, and no other statement of this connection stays open).
    sqlite3* db = db_.getHandle();
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) {
      const char* text = sqlite3_sql(s);
      if (text != nullptr && sql == text) {
        prepared.handle = s;
        break;
      }
    }
    if (prepared.handle == nullptr) {
      throw Error::internal(fmt::format("SQLite lost the statement just prepared: {}", sql));
    }
    it = statements_.emplace(sql, std::move(prepared)).first;
  }
  return *it;
}

Connection::CachedStatement& Connection::prepare(const char* sql) {
  auto it = by_address_.find(sql);
  if (it != by_address_.end() && it->second->first == sql) return *it->second;
  CachedStatement& cached = prepare(std::string(sql));
  by_address_[sql] = &cached;
  return cached;
}

void Connection::exec(const std::string& sql) {
  try {
    db_.exec(sql);
  } catch (const SQLite::Exception& e) {
    rethrow_as_commerce_error(e, sql);
  }
}

bool Connection::rollback() noexcept {
  if (sqlite3_get_autocommit(db_.getHandle())) return true;  // nothing open
  return sqlite3_exec(db_.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK;
}

int Connection::changes() const { return sqlite3_changes(db_.getHandle()); }

Query::~Query() {
  try {
    stmt_.reset();
    stmt_.clearBindings();
  } catch (...) {  // reset reports the last step's error again; it was handled there
  }
}

Query& Query::bind(int index, std::int64_t value) {
  stmt_.bind(index, static_cast<int64_t>(value));
  return *this;
}

Query& Query::bind(int index, const std::string& value) {
  stmt_.bindNoCopy(index, value);
  return *this;
}

Query& Query::bind(int index, std::string&& value) {
  stmt_.bind(index, value);
  return *this;
}

bool Query::step() {
  try {
    return stmt_.executeStep();
  } catch (const SQLite::Exception& e) {
    rethrow_as_commerce_error(e, sql_);
  }
}

int Query::run() {
  try {
    while (stmt_.executeStep()) {
    }
    return conn_.changes();
  } catch (const SQLite::Exception& e) {
    rethrow_as_commerce_error(e, sql_);
  }
}

std::int64_t Query::int64(int column) const { return sqlite3_column_int64(handle_, column); }

std::string Query::text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(handle_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(handle_, column)));
}

}  // namespace commerce::sqlite
