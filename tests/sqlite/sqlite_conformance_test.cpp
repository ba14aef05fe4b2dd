// Runs the storage conformance suite against the SQLite adapter, each test on a new file.
#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "conformance/storage_conformance.h"

namespace {

std::string fresh_sqlite_file() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("commerce-conformance-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / ("store-" + std::to_string(counter++) + ".db");
  std::filesystem::remove(path);
  return "sqlite:" + path.string();
}

}  // namespace

COMMERCE_INSTANTIATE_STORAGE_CONFORMANCE(
    Sqlite, (commerce::testing::StorageUnderTest{"sqlite", fresh_sqlite_file}));
