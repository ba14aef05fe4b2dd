// Versioned schema migrations of the SQLite adapter.
#pragma once

#include "sqlite_connection.h"

namespace commerce::sqlite {

// The newest schema version: the number of migrations.
int schema_version();

// Brings the database up to the newest schema inside one BEGIN IMMEDIATE transaction, so
// processes opening one file at the same time migrate it once. Throws Internal if the file's
// schema is newer than this library's. `target` stops at an older version (tests build files
// as an older library wrote them).
void migrate(Connection& conn, int target = schema_version());

}  // namespace commerce::sqlite
