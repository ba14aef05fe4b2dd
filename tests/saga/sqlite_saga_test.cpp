// Runs the order saga suite against the SQLite adapter, each test on a new file.
#include <string>

#include "saga_fixture.h"
#include "scratch_dir.h"

#include <gtest/gtest.h>

namespace {

// The crash matrix makes hundreds of databases; the scratch directory goes when the run ends.
std::string fresh_sqlite_file() {
  return "sqlite:" + commerce::testing::fresh_path("store", ".db");
}

}  // namespace

COMMERCE_INSTANTIATE_SAGA_SUITE(Sqlite,
                                (commerce::testing::StorageUnderTest{"sqlite", fresh_sqlite_file}));
