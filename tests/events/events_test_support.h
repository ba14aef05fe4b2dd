// Shared helpers of the events tests: a fresh SQLite store with a manual clock, and outbox reads.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/sqlite_storage.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "storage/transaction.h"

namespace commerce::events_test {

inline constexpr Timestamp kStart = 1'800'000'000'000;  // 2027-01-15

// A new, not yet existing database file under the temp directory.
inline std::string fresh_db_path() { return testing::fresh_path("store", ".db"); }

inline std::unique_ptr<Store> open_store(const std::string& path, std::shared_ptr<Clock> clock,
                                         TopicNaming naming = TopicNaming::kPerDomain) {
  StoreOptions options;
  options.clock = std::move(clock);
  options.topic_naming = naming;
  return Store::open(path, options);
}

// Every outbox event with seq > after, by seq.
inline std::vector<Event> outbox_after(Storage& storage, std::int64_t after = 0) {
  std::vector<Event> out;
  for (;;) {
    auto page = run_unit(storage, Storage::Access::kRead,
                         [&](Transaction& tx) { return tx.read_outbox(after, 1000); });
    if (page.empty()) return out;
    after = page.back().seq;
    for (auto& e : page) out.push_back(std::move(e));
  }
}

inline nlohmann::json payload_of(const Event& e) { return nlohmann::json::parse(e.payload); }

}  // namespace commerce::events_test

// Expects `statement` to throw commerce::Error with `code`; evaluates to the error's subject.
#define EVENTS_EXPECT_ERROR(statement, expected_code)                                    \
  [&]() -> std::string {                                                                 \
    try {                                                                                \
      statement;                                                                         \
    } catch (const ::commerce::Error& e) {                                               \
      EXPECT_EQ(e.code(), expected_code) << e.what();                                    \
      return e.subject();                                                                \
    }                                                                                    \
    ADD_FAILURE() << "expected " << ::commerce::to_string(expected_code) << " from " #statement; \
    return std::string("<no error>");                                                    \
  }()
