// SqlStatement::run_later (commerce/storage.h) on every adapter: a statement whose answer is
// not awaited still fails its unit (or its savepoint) as run() would, no later than the next
// read, savepoint boundary or the commit, with an error naming it; and what it changed is seen
// by the statements after it. (SQLite runs it at once; PostgreSQL queues it in the pipeline.)
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "commerce/error.h"
#include "storage/statements/query.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

using statements::Query;

// settings.value is NOT NULL in both schemas: this insert always fails.
const Sql kInsertNullSetting{"INSERT INTO settings(key, value) VALUES(?1, NULL)"};
const std::string kFailingKey = "never";

// Queues the failing insert on the unit's session.
void queue_failing_insert(Transaction& tx) {
  Query q(tx.session(), kInsertNullSetting);
  q.bind(1, kFailingKey).run_later();
}

// Expects `message` to name the failing statement, as run()'s errors do.
void expect_names_the_statement(const std::string& message) {
  EXPECT_NE(message.find("INSERT INTO settings(key, value) VALUES"), std::string::npos) << message;
}

// Expects what a unit wrote before and after its savepoint ("before", "after") and nothing
// of what the savepoint wrote ("inside").
void expect_only_the_savepoint_undone(Storage& storage) {
  auto [before, inside, after] = run_unit(storage, Storage::Access::kRead, [](Transaction& tx) {
    return std::tuple{tx.find_setting("before"), tx.find_setting("inside"),
                      tx.find_setting("after")};
  });
  EXPECT_EQ(before, "1");
  EXPECT_FALSE(inside.has_value());
  EXPECT_EQ(after, "1");
}

TEST_P(StorageConformance, QueuedFailureFailsTheUnitAtCommitAndLeavesNoTrace) {
  std::string message;
  try {
    run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite,
             [](Transaction& tx) {
               tx.put_setting("written", "1");  // queued too (run_later)
               queue_failing_insert(tx);
               // Nothing after it waits for an answer: the commit must.
             });
    ADD_FAILURE() << "the unit committed past a failed statement";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal) << e.what();
    message = e.what();
  }
  expect_names_the_statement(message);
  auto written = run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead,
                          [](Transaction& tx) { return tx.find_setting("written"); });
  EXPECT_FALSE(written.has_value());
}

TEST_P(StorageConformance, QueuedFailureIsThrownByTheNextReadOrSavepoint) {
  bool read_returned = false;
  EXPECT_THROW(run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite,
                        [&](Transaction& tx) {
                          queue_failing_insert(tx);
                          (void)tx.find_setting("anything");
                          read_returned = true;
                        }),
               Error);
  EXPECT_FALSE(read_returned);

  bool savepoint_ran = false;
  EXPECT_THROW(run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite,
                        [&](Transaction& tx) {
                          queue_failing_insert(tx);
                          tx.savepoint([&] { savepoint_ran = true; });
                        }),
               Error);
  EXPECT_FALSE(savepoint_ran);
}

TEST_P(StorageConformance, QueuedStatementsAreSeenByTheStatementsAfterThem) {
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 12000});
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [](Transaction& tx) {
    tx.put_setting("a", "1");
    tx.put_setting("a", "2");
    EXPECT_EQ(tx.find_setting("a"), "2");
    Product mug = *tx.find_product("mug");
    mug.name = "Cup";
    tx.update_product(mug);  // queued
    EXPECT_EQ(tx.find_product("mug")->name, "Cup");
    tx.put_setting("b", "3");  // answered by the commit
  });
  auto [a, b] = run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead,
                         [](Transaction& tx) {
                           return std::pair{tx.find_setting("a"), tx.find_setting("b")};
                         });
  EXPECT_EQ(a, "2");
  EXPECT_EQ(b, "3");
  EXPECT_EQ(store_->catalog().get("mug").name, "Cup");
}

TEST_P(StorageConformance, QueuedFailureInsideASavepointUndoesOnlyTheSavepoint) {
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [](Transaction& tx) {
    tx.put_setting("before", "1");
    std::string message;
    try {
      tx.savepoint([&] {
        tx.put_setting("inside", "1");
        queue_failing_insert(tx);
      });
      ADD_FAILURE() << "the savepoint ended past a failed statement";
    } catch (const Error& e) {
      message = e.what();
    }
    expect_names_the_statement(message);
    EXPECT_FALSE(tx.find_setting("inside").has_value());  // the transaction goes on
    EXPECT_EQ(tx.find_setting("before"), "1");
    tx.put_setting("after", "1");
  });
  expect_only_the_savepoint_undone(commerce::detail::storage_of(*store_));
}

TEST_P(StorageConformance, QueuedFailureIsUndoneWithASavepointWhoseWorkThrows) {
  // Which of the two errors a caller sees may differ (SQLite runs the insert at once); either
  // way the savepoint is undone and the unit commits what came before and after it.
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [](Transaction& tx) {
    tx.put_setting("before", "1");
    EXPECT_ANY_THROW(tx.savepoint([&] {
      tx.put_setting("inside", "1");
      queue_failing_insert(tx);
      throw std::runtime_error("work fails too");
    }));
    tx.put_setting("after", "1");
  });
  expect_only_the_savepoint_undone(commerce::detail::storage_of(*store_));
}

}  // namespace
}  // namespace commerce::testing
