// Runs the storage conformance suite against the SQLite adapter, each test on a new file.
#include <string>

#include "conformance/storage_conformance.h"
#include "scratch_dir.h"

namespace {

std::string fresh_sqlite_file() {
  return "sqlite:" + commerce::testing::fresh_path("store", ".db");
}

}  // namespace

COMMERCE_INSTANTIATE_STORAGE_CONFORMANCE(
    Sqlite, (commerce::testing::StorageUnderTest{"sqlite", fresh_sqlite_file}));
