// Runs the adapter-neutral concurrency suite (races across processes and threads for stock,
// coupons, points and issue limits) against the PostgreSQL adapter.
#include "concurrency_suite.h"
#include "pg_test_support.h"

COMMERCE_INSTANTIATE_STORAGE_CONCURRENCY(
    Postgres, (commerce::testing::ConcurrencyTarget{"postgres", commerce::pgtest::fresh_schema_url}));
