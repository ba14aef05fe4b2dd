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
// checkpoints the WAL, so writers do not wait for checkpoints (the WAL stays under ~8 MB while
// no reader holds an old snapshot); under FULL SQLite checkpoints inline, as usual. A reader
// that keeps a snapshot open lets the WAL grow while writers go on; once it ends, the next
// checkpoint copies everything and the WAL file is cut back to 16 MiB (journal_size_limit). After fork(), a child process opens its own
// storage. Needs SQLite 3.38 or newer (STRICT tables, unixepoch(), and the migration that
// drops the outbox's old delivery columns).
//
// Two process-wide effects on SQLite, both from the first open in the process:
// - SQLite's memory statistics are turned off (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0), one
//   of SQLite's recommended options; orders 5-10 % faster), so sqlite3_memory_used() reports 0.
//   Only if the process has not used SQLite yet: a host that wants the statistics, or whose
//   own threads use SQLite while the first store opens, calls sqlite3_initialize() first.
// - A VFS named "commerce-wal-batching" is registered (not as the default). The storage's
//   writing connections use it: it writes a commit's WAL frames with one write instead of two
//   per page, and everything else as SQLite's default VFS does (docs/performance.md).
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
  // Open for inspection only: nothing is created or migrated, write units fail with
  // FailedPrecondition, and the file may sit on read-only media (a read-only directory or
  // mount): when SQLite cannot use the -shm file there and no -wal file holds commits, the file
  // is opened immutable (no locks: nobody may write it meanwhile).
  bool read_only = false;
  // Permissions of the files the storage creates (the database; SQLite gives its -wal and -shm
  // the same), before the umask. Default 0600: the store holds users' balances and orders.
  int file_mode = 0600;
  // Page size of a database this open creates (PRAGMA page_size; a power of two from 512 to
  // 65536); an existing file keeps the size it was created with. Every page a commit changes is
  // written whole to the WAL, and an order changes a few dozen pages of small rows: at 2048
  // bytes orders were ~5 % faster than at SQLite's default 4096 (docs/performance.md).
  int page_size = 2048;
};

// Opens (creating if needed, unless read_only) the SQLite database at `path` and migrates it
// to the current schema. Opening never waits for the write lock when the schema is current: the
// version is read first, and the lock taken only to migrate.
// Errors: InvalidArgument (options; `path` names something that is not a regular file, e.g. a
// FIFO or a device), FailedPrecondition (the file cannot be opened or created with these
// permissions, is read-only while opened for writing, is not a SQLite database, has a schema
// newer than this library's, or needs migrating while opened read_only), Unavailable (I/O
// error, or locked by a migration past busy_budget_ms), Internal (a corrupt file).
std::unique_ptr<Storage> open_sqlite_storage(const std::string& path, SqliteOptions options = {});

// The schema version this library writes.
int sqlite_schema_version();

}  // namespace commerce
