// Runs the concurrency suite against the SQLite adapter, each test on a new file.
#include "sqlite_target.h"

COMMERCE_INSTANTIATE_STORAGE_CONCURRENCY(Sqlite, commerce::testing::sqlite_concurrency_target());
