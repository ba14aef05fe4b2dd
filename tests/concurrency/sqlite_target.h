// The SQLite target of the concurrency suite: a new database file per test.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "concurrency_suite.h"

namespace commerce::testing {

inline std::string fresh_sqlite_race_file() {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("commerce-concurrency-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / ("race-" + std::to_string(counter++) + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return "sqlite:" + path.string();
}

inline ConcurrencyTarget sqlite_concurrency_target() { return {"sqlite", fresh_sqlite_race_file}; }

}  // namespace commerce::testing
