// commerce/postgres_storage.h: the optional PostgreSQL storage adapter (component
// commerce::postgres, CMake option COMMERCE_WITH_POSTGRES, on libpq).
//
// Many host processes may open one database at once: every write is a conditional UPDATE (or an
// INSERT guarded by a unique key), run at READ COMMITTED, and the rows a write unit reads are
// locked (FOR NO KEY UPDATE) so the domain's checks stay true until commit. Read units run at
// REPEATABLE READ, READ ONLY, on one snapshot. Serialization failures, deadlocks, unique
// violations caused by a concurrent insert of the same key, and dropped connections roll the
// unit back and run it again (reconnecting if needed) until the retry budget is spent; then the
// caller gets Unavailable. A commit whose reply was lost is resolved by asking the server for
// the transaction's status, so a unit is never applied twice. Versioned schema migrations run
// on open, serialized across processes by an advisory lock.
//
// Linking commerce::postgres is enough for commerce::Store::open("postgresql://...") and
// commerce::open_storage() to accept "postgresql://" and "postgres://" locations: the component
// registers its scheme while the program starts (see docs/postgres.md).
//
// Thread safety: the returned Storage is safe to share between threads; each concurrent unit
// of work uses its own pooled connection. Never share one across fork(): open it in the child.
#pragma once

#include <memory>
#include <string>

#include "commerce/storage.h"

namespace commerce {

struct PostgresOptions {
  // Most connections this Storage keeps open at once (default 8). A unit of work waits for a
  // free connection when all are busy; the wait counts against retry_budget_ms.
  int pool_size = 8;
  // How long one unit of work keeps retrying transient failures (serialization failure,
  // deadlock, lost connection, server down, pool exhausted) before Unavailable. Default 30 s.
  // It also bounds every wait for the server's answers (client side: a frozen server or a
  // silent network ends in Unavailable, the connection closed and nothing half-applied).
  int retry_budget_ms = 30000;
  // libpq connect_timeout in seconds for each (re)connection attempt, unless the URL sets its
  // own. Default 5.
  int connect_timeout_s = 5;
  // Shown in pg_stat_activity. Default "commerce-core".
  std::string application_name = "commerce-core";
};

// Opens the PostgreSQL database at `url` (a libpq URI such as
// "postgresql://shop@127.0.0.1:5432/shop", or "postgres://..."; query parameters such as
// sslmode or options=-csearch_path%3Dcommerce are passed to libpq) and migrates it to the
// current schema. The first connection is made here, so a wrong URL fails now.
// Errors: InvalidArgument naming "url" (not a postgresql:// URL, or one libpq cannot parse or
// whose settings it rejects, e.g. port=abc, sslmode=bogus) or the option field;
// FailedPrecondition (the server refused the login: wrong password, unknown role or database,
// pg_hba.conf; the schema is newer than this library; the role lacks a privilege the migration
// needs: see docs/postgres.md); Unavailable (the server cannot be reached within the retry
// budget). No message carries the URL's password.
std::unique_ptr<Storage> open_postgres_storage(const std::string& url,
                                               PostgresOptions options = {});

// The schema version this library writes (the row count of schema_migrations once migrated).
int postgres_schema_version();

// Makes open_storage() send "postgresql://" and "postgres://" locations to
// open_postgres_storage with default options. Runs automatically when a program linking
// commerce::postgres starts; calling it again is harmless. Thread-safe.
void register_postgres_storage_scheme();

}  // namespace commerce
