// The PostgreSQL adapter's pipeline (SqlStatement::run_later): a queued statement's failure is
// classified and retried exactly as a synchronous one (unique violations, deadlocks, a lost
// connection), and a unit whose queued statements are cut off by a lost connection runs again
// and applies once. A guessed row count (SqlStatement::run_expecting) that the server does not
// confirm is never committed: the unit runs again with the count answered, wherever the guess
// was checked (the commit, a read, a savepoint).
#include <gtest/gtest.h>

#include <barrier>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "commerce/coupons.h"
#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "storage/statements/query.h"
#include "storage/transaction.h"

namespace commerce {
namespace {

using statements::Query;

const Sql kInsertSetting{"INSERT INTO settings(key, value) VALUES(?1, ?2)"};
const Sql kAppendSetting{"UPDATE settings SET value = value || ?2 WHERE key = ?1"};

std::string setting(Storage& storage, const std::string& key) {
  return run_unit(storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.find_setting(key).value_or("<none>"); });
}

// Where a unit meets the answer to its guess: the commit, a read, or a savepoint's end.
enum class CheckedAt { kCommit, kRead, kSavepoint };

// A unit that guesses that an update of a missing setting changes one row, and records on its
// first run a setting ("first") that only a unit committed past the wrong guess would keep.
// Returns the counts run_expecting gave on each run.
std::vector<std::int64_t> guess_wrong(Storage& storage, CheckedAt at) {
  std::vector<std::int64_t> counts;
  const std::string missing = "missing", mark = "x";
  run_unit(storage, Storage::Access::kWrite, [&](Transaction& tx) {
    const bool first = counts.empty();
    const auto guess = [&] {
      Query q(tx.session(), kAppendSetting);
      counts.push_back(q.bind(1, missing).bind(2, mark).run_expecting(1));
    };
    if (at == CheckedAt::kSavepoint) {
      tx.savepoint(guess);
    } else {
      guess();
    }
    if (first) tx.put_setting("first", "1");  // queued behind the guess
    tx.put_setting("runs", std::to_string(counts.size()));
    if (at == CheckedAt::kRead) {
      EXPECT_EQ(tx.find_setting("runs"), std::to_string(counts.size()));
    }
  });
  return counts;
}

TEST(PostgresPipeline, QueuedUniqueViolationIsRetriedAsASynchronousOne) {
  auto storage = open_postgres_storage(pgtest::fresh_database_url());
  const std::string key = "k", value = "v";
  run_unit(*storage, Storage::Access::kWrite, [](Transaction& tx) { tx.put_setting("k", "v"); });
  int attempts[2] = {0, 0};
  std::string messages[2];
  for (int later = 0; later < 2; ++later) {
    try {
      run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
        ++attempts[later];
        Query q(tx.session(), kInsertSetting);
        q.bind(1, key).bind(2, value);
        if (later) {
          q.run_later();
        } else {
          q.run();
        }
      });
      ADD_FAILURE() << "a duplicate key was inserted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInternal) << e.what();
      messages[later] = e.what();
    }
  }
  EXPECT_GT(attempts[0], 1);  // a unique violation is taken for a race first, and run again
  EXPECT_EQ(attempts[1], attempts[0]);
  EXPECT_EQ(messages[1], messages[0]);
}

TEST(PostgresPipeline, QueuedDeadlockIsRetried) {
  // Each unit locks one row with a synchronous update, then queues an update of the other's
  // row: both wait at commit, the server breaks the deadlock, and the loser runs again.
  auto storage = open_postgres_storage(pgtest::fresh_database_url());
  run_unit(*storage, Storage::Access::kWrite, [](Transaction& tx) {
    tx.put_setting("a", "-");
    tx.put_setting("b", "-");
  });
  std::barrier both_locked(2);
  int attempts[2] = {0, 0};
  auto unit = [&](int me) {
    const std::string mine = me == 0 ? "a" : "b", other = me == 0 ? "b" : "a";
    const std::string mark = std::to_string(me);
    run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
      Query first(tx.session(), kAppendSetting);
      EXPECT_EQ(first.bind(1, mine).bind(2, mark).run(), 1);
      if (++attempts[me] == 1) both_locked.arrive_and_wait();
      Query second(tx.session(), kAppendSetting);
      second.bind(1, other).bind(2, mark).run_later();
    });
  };
  std::thread t0(unit, 0), t1(unit, 1);
  t0.join();
  t1.join();
  // At least one ran again (the server may break the wait more than once); each applied once.
  EXPECT_GE(attempts[0] + attempts[1], 3);
  for (const std::string key : {"a", "b"}) {
    const std::string value = setting(*storage, key);
    EXPECT_EQ(value.size(), 3u) << key << ": " << value;  // "-" and each unit's mark once
  }
}

TEST(PostgresPipeline, ConnectionKilledWithStatementsQueuedIsRetriedAndAppliesOnce) {
  const std::string url = pgtest::fresh_database_url();
  const std::string database = pgtest::database_of(url);
  auto storage = open_postgres_storage(url);
  for (const bool read_after : {false, true}) {
    int runs = 0;
    run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
      ++runs;
      tx.put_setting("runs", std::to_string(runs));  // queued
      tx.insert_request("r-" + std::to_string(read_after), {"fp", "{}"}, 1);  // queued
      if (runs == 1) {
        EXPECT_GE(pgtest::terminate_connections(database), 1);
      }
      // Either a read or the commit meets the dead connection with the queue unsent.
      if (read_after) {
        EXPECT_EQ(tx.find_setting("runs"), std::to_string(runs));
      }
    });
    EXPECT_EQ(runs, 2) << "read_after " << read_after;
    EXPECT_EQ(setting(*storage, "runs"), "2");
  }
}

TEST(PostgresPipeline, WrongGuessIsNeverCommittedAndTheUnitRunsAgainAnswered) {
  for (const CheckedAt at : {CheckedAt::kCommit, CheckedAt::kRead, CheckedAt::kSavepoint}) {
    auto storage = open_postgres_storage(pgtest::fresh_database_url());
    const auto counts = guess_wrong(*storage, at);
    const int where = static_cast<int>(at);
    // Guessed first; the second run is told the truth.
    EXPECT_EQ(counts, (std::vector<std::int64_t>{1, 0})) << "checked at " << where;
    EXPECT_EQ(setting(*storage, "first"), "<none>") << "checked at " << where;
    EXPECT_EQ(setting(*storage, "runs"), "2") << "checked at " << where;
  }
}

TEST(PostgresPipeline, RightGuessCommitsInOneRun) {
  auto storage = open_postgres_storage(pgtest::fresh_database_url());
  run_unit(*storage, Storage::Access::kWrite, [](Transaction& tx) { tx.put_setting("k", "-"); });
  int runs = 0;
  const std::string key = "k", mark = "x";
  run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
    ++runs;
    Query q(tx.session(), kAppendSetting);
    EXPECT_EQ(q.bind(1, key).bind(2, mark).run_expecting(1), 1);
  });
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(setting(*storage, "k"), "-x");
}

// run_expecting_late: held back behind what the unit queues after it, sent before a statement
// marked follows_late and before any statement that waits; dropped with a unit that throws; a
// wrong guess runs the unit again answered.
TEST(PostgresPipeline, ALateStatementIsSentLastButBeforeWhatFollowsItAndWhatWaits) {
  static const Sql kAppendAfterLate{
      .text = kAppendSetting.text, .postgres = {}, .lock_rows = false, .follows_late = true};
  auto storage = open_postgres_storage(pgtest::fresh_database_url());
  run_unit(*storage, Storage::Access::kWrite, [](Transaction& tx) { tx.put_setting("k", "-"); });
  const std::string key = "k";
  const auto append = [&](Transaction& tx, const Sql& sql, const std::string& mark, bool late) {
    Query q(tx.session(), sql);
    q.bind(1, key).bind(2, mark);
    if (late) {
      EXPECT_EQ(q.run_expecting_late(1), 1);
    } else {
      q.run_later();
    }
  };
  int runs = 0;
  run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
    ++runs;
    append(tx, kAppendSetting, "L", true);
    append(tx, kAppendSetting, "Q", false);  // queued after the late one, sent before it
    append(tx, kAppendAfterLate, "F", false);
    EXPECT_EQ(tx.find_setting(key), "-QLF");  // a read waits: everything is sent first
    append(tx, kAppendSetting, "M", true);
    EXPECT_EQ(tx.find_setting(key), "-QLFM");
    append(tx, kAppendSetting, "N", true);
    append(tx, kAppendSetting, "R", false);  // sent before N, which goes with the commit
  });
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(setting(*storage, key), "-QLFMRN");

  // A unit that throws with a statement held: it is never sent, and the connection serves on.
  EXPECT_THROW(run_unit(*storage, Storage::Access::kWrite,
                        [&](Transaction& tx) {
                          append(tx, kAppendSetting, "X", true);
                          throw std::runtime_error("the caller gives up");
                        }),
               std::runtime_error);
  EXPECT_EQ(setting(*storage, key), "-QLFMRN");

  // A late guess that misses: the unit runs again, answered.
  std::vector<std::int64_t> counts;
  const std::string missing = "missing", mark = "x";
  run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Query q(tx.session(), kAppendSetting);
    counts.push_back(q.bind(1, missing).bind(2, mark).run_expecting_late(1));
    tx.put_setting("after", std::to_string(counts.size()));
  });
  EXPECT_EQ(counts, (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(setting(*storage, "after"), "2");
}

TEST(PostgresPipeline, GuessedStatementThatFailsFailsTheUnitAndLeavesNoTrace) {
  // A guessed insert of a key that exists: its unique violation is not lost behind the guess;
  // the unit is retried as for a synchronous one, then fails, and nothing of it is committed.
  auto storage = open_postgres_storage(pgtest::fresh_database_url());
  run_unit(*storage, Storage::Access::kWrite, [](Transaction& tx) { tx.put_setting("k", "v"); });
  const std::string key = "k", value = "again";
  int runs = 0;
  try {
    run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
      ++runs;
      tx.put_setting("other", "1");  // queued before the guess
      Query q(tx.session(), kInsertSetting);
      EXPECT_EQ(q.bind(1, key).bind(2, value).run_expecting(1), 1);
    });
    ADD_FAILURE() << "a duplicate key was inserted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal) << e.what();
    EXPECT_NE(std::string(e.what()).find("settings"), std::string::npos) << e.what();
  }
  EXPECT_GT(runs, 1);
  EXPECT_EQ(setting(*storage, "k"), "v");
  EXPECT_EQ(setting(*storage, "other"), "<none>");
}

TEST(PostgresPipeline, RedeemingReadsOfOneTemplateDoNotWaitForEachOther) {
  // Every order with a coupon of one template reads that template; the read must not lock its
  // row, or the orders queue on it until each commits. One unit holds the read open while a
  // second makes it; locked, the second would wait past its retry budget (Unavailable).
  const std::string url = pgtest::fresh_database_url();
  auto storage = open_postgres_storage(url);
  const CouponTemplate tmpl{.id = "tmpl-1", .code = "HOT", .name = "hot", .value = 100,
                            .valid_until = 1'000'000, .total_limit = 10, .per_user_limit = 1};
  run_unit(*storage, Storage::Access::kWrite,
           [&](Transaction& tx) { EXPECT_TRUE(tx.insert_coupon_template(tmpl)); });
  auto impatient = open_postgres_storage(url, {.retry_budget_ms = 3000});
  std::barrier read(2), second_done(2);
  bool second_ok = false;
  std::thread holder([&] {
    run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
      EXPECT_TRUE(tx.find_coupon_template(tmpl.id).has_value());
      read.arrive_and_wait();
      second_done.arrive_and_wait();
    });
  });
  read.arrive_and_wait();
  try {
    run_unit(*impatient, Storage::Access::kWrite, [&](Transaction& tx) {
      second_ok = tx.find_coupon_template(tmpl.id).has_value();
    });
  } catch (const Error& e) {
    ADD_FAILURE() << "the second read waited for the first unit: " << e.what();
  }
  second_done.arrive_and_wait();
  holder.join();
  EXPECT_TRUE(second_ok);
}

}  // namespace
}  // namespace commerce
