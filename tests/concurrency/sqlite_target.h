// The SQLite target of the concurrency suite: a new database file per test.
#pragma once

#include <string>

#include "concurrency_suite.h"
#include "scratch_dir.h"

namespace commerce::testing {

inline std::string fresh_sqlite_race_file() { return "sqlite:" + fresh_path("race", ".db"); }

inline ConcurrencyTarget sqlite_concurrency_target() { return {"sqlite", fresh_sqlite_race_file}; }

}  // namespace commerce::testing
