// Versioned schema migrations of the PostgreSQL adapter. The versions match the SQLite
// adapter's (src/storage/sqlite/sqlite_schema.cpp): migration N here creates what N creates
// there, in PostgreSQL's types (bigint for INTEGER, text COLLATE "C" for TEXT, so ids sort
// bytewise as they do in SQLite).
#pragma once

#include "pg_connection.h"

namespace commerce::postgres {

int schema_version();

// Brings the database up to the newest schema (or to `target`, for tests of an upgrade) in one
// transaction that holds an advisory lock, so processes opening one database at the same time
// migrate it once. When the schema is
// already current it runs no DDL and takes no lock (a run-time role needs no CREATE right).
// Throws Internal if the database's schema is newer than this library's, PgTransient on
// connection trouble.
void migrate(Connection& conn, int target = schema_version());

}  // namespace commerce::postgres
