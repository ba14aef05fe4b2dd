// Runs the order saga suite (orders, payments, every compensation, the crash matrix, storage
// faults, duplicate submissions) against the PostgreSQL adapter, each store in a schema of its own.
#include "pg_test_support.h"
#include "saga_fixture.h"

COMMERCE_INSTANTIATE_SAGA_SUITE(
    Postgres, (commerce::testing::StorageUnderTest{"postgres", commerce::pgtest::fresh_schema_url}));
