// Versioned schema migrations of the SQLite adapter.
#pragma once

#include "sqlite_connection.h"

namespace commerce::sqlite {

// The newest schema version: the number of migrations.
int schema_version();

// The schema version the file has (0 for a new file), read without the write lock.
int applied_version(Connection& conn);

// Brings the database up to the newest schema. A current schema is only read (no write lock);
// otherwise the migrations run inside one BEGIN IMMEDIATE transaction, so processes opening one
// file at the same time migrate it once. Throws FailedPrecondition if the file's schema is
// newer than this library's. `target` stops at an older version (tests build files
// as an older library wrote them).
void migrate(Connection& conn, int target = schema_version());

}  // namespace commerce::sqlite
