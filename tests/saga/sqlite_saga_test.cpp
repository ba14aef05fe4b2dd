// Runs the order saga suite against the SQLite adapter, each test on a new file.
#include <atomic>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "saga_fixture.h"

#include <gtest/gtest.h>

namespace {

std::filesystem::path scratch_dir() {
  return std::filesystem::temp_directory_path() /
         ("commerce-saga-sqlite-" + std::to_string(::getpid()));
}

// The crash matrix makes hundreds of databases: remove them when the run ends.
class RemoveScratch final : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir(), ec);
  }
};
const auto* const kRemoveScratch = ::testing::AddGlobalTestEnvironment(new RemoveScratch);

std::string fresh_sqlite_file() {
  static std::atomic<int> counter{0};
  const auto dir = scratch_dir();
  std::filesystem::create_directories(dir);
  const auto path = dir / ("store-" + std::to_string(counter++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return "sqlite:" + path.string();
}

}  // namespace

COMMERCE_INSTANTIATE_SAGA_SUITE(Sqlite,
                                (commerce::testing::StorageUnderTest{"sqlite", fresh_sqlite_file}));
