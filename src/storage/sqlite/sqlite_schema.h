// Versioned schema migrations of the SQLite adapter.
#pragma once

#include "sqlite_connection.h"

namespace commerce::sqlite {

// Brings the database up to the newest schema inside one BEGIN IMMEDIATE transaction, so
// processes opening one file at the same time migrate it once. Throws Internal if the file's
// schema is newer than this library's.
void migrate(Connection& conn);

int schema_version();

}  // namespace commerce::sqlite
