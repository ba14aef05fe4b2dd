// The PostgreSQL adapter's pipeline (SqlStatement::run_later): a queued statement's failure is
// classified and retried exactly as a synchronous one (unique violations, deadlocks, a lost
// connection), and a unit whose queued statements are cut off by a lost connection runs again
// and applies once.
#include <gtest/gtest.h>

#include <barrier>
#include <string>
#include <thread>

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

}  // namespace
}  // namespace commerce
