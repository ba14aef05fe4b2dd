// Runs the storage conformance suite against the PostgreSQL adapter, each test in a schema of
// its own (selected by the URL's search_path, as docs/postgres.md suggests for hosts). The
// suite opens stores with commerce::Store::open("postgresql://..."), so it also proves that
// linking commerce::postgres registers the scheme.
#include "conformance/storage_conformance.h"
#include "pg_test_support.h"

COMMERCE_INSTANTIATE_STORAGE_CONFORMANCE(
    Postgres, (commerce::testing::StorageUnderTest{"postgres", commerce::pgtest::fresh_schema_url}));
