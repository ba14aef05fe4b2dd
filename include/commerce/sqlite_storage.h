// commerce/sqlite_storage.h: the default storage adapter, on an embedded SQLite file.
//
// WAL journal; every write unit starts with BEGIN IMMEDIATE, so writers queue on the file lock
// instead of failing at commit; busy locks are retried inside (callers never see SQLITE_BUSY).
// Safe across threads and across processes sharing one file. Versioned schema migrations run on
// open. Group commit: the write units that this process's threads submit while a commit is in
// progress are committed together in the next transaction, so they share one commit (one fsync
// under FULL); each caller returns once its own unit is durable. A unit that throws leaves no
// trace and does not affect the others of its batch (the batch is then run again with a
// savepoint per unit). Under synchronous=NORMAL the storage runs one thread of its own that
// checkpoints the WAL, so writers do not wait for checkpoints (the WAL stays under ~8 MB);
// under FULL SQLite checkpoints inline, as usual. After fork(), a child process opens its own
// storage. Needs SQLite 3.38 or newer (STRICT tables, unixepoch(), and the migration that
// drops the outbox's old delivery columns).
#pragma once

#include <memory>
#include <string>

#include "commerce/storage.h"

namespace commerce {

struct SqliteOptions {
  // PRAGMA synchronous: "NORMAL" (default; durable at checkpoints, safe with WAL) or "FULL"
  // (every commit fsynced).
  std::string synchronous = "NORMAL";
  // How long a unit of work keeps retrying a locked database before Unavailable.
  int busy_budget_ms = 60000;
};

// Opens (creating if needed) the SQLite database at `path` and migrates it to the current
// schema. Errors: Unavailable (cannot open or lock the file), Internal (the file is newer than
// this library or corrupt), InvalidArgument (options).
std::unique_ptr<Storage> open_sqlite_storage(const std::string& path, SqliteOptions options = {});

// The schema version this library writes.
int sqlite_schema_version();

}  // namespace commerce
