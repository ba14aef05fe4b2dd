// Helpers of the PostgreSQL tests: the server under test comes from COMMERCE_PG_URL (set by
// tests/postgres/run_postgres_tests.sh), each test gets databases of its own, and an admin
// connection (plain libpq, outside the library) creates databases and kills connections.
//
// Without COMMERCE_PG_URL every test is skipped with a message, except under CI=true, where
// that is a failure: CI must never pass by skipping the PostgreSQL suite.
#pragma once

#include <string>

namespace commerce::pgtest {

// COMMERCE_PG_URL, or empty.
std::string server_url();

// Creates a database for this test, already migrated to the current schema (a copy of a
// template the program migrates once), and returns its postgresql:// URL. Dropped when the
// test program ends.
std::string fresh_database_url();

// A new empty schema in a database shared by this test program, as a URL whose search_path
// selects it (options=-csearch_path%3D...): much cheaper than a database, for suites that open
// hundreds of stores. Killing "its" connections would kill its neighbours': use
// fresh_database_url for that.
std::string fresh_schema_url();

// Like fresh_database_url, but empty: for tests of the migrations themselves.
std::string empty_database_url();

// The database name in a postgresql:// URL.
std::string database_of(const std::string& url);

// Runs `sql` on the database at `url` through a separate libpq connection; returns the first
// column of the first row ("" if none). Fails the test (throws std::runtime_error) on error.
std::string query(const std::string& url, const std::string& sql);

// Terminates every other connection to `database` and waits until they are gone; returns
// how many it terminated.
int terminate_connections(const std::string& database);

}  // namespace commerce::pgtest
