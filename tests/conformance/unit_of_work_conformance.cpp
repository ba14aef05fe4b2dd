// The unit-of-work contract of commerce/storage.h, checked on the Transaction interface itself.
#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

TEST_P(StorageConformance, UnitOfWorkRollsBackEverythingWhenTheCallbackThrows) {
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 12000});
  store_->stock().adjust("mug", 5, "restock");
  EXPECT_THROW(run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite,
                                     [](Transaction& tx) {
                                       EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 2));
                                       EXPECT_TRUE(tx.try_credit_points("u1", 10));
                                       throw std::runtime_error("host failure");
                                     }),
               std::runtime_error);
  EXPECT_EQ(store_->stock().level("mug").reserved, 0);
  EXPECT_EQ(store_->points().balance("u1"), 0);
}

TEST_P(StorageConformance, SavepointUndoesOnlyWhatItsWorkChanged) {
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 12000});
  store_->stock().adjust("mug", 5, "restock");
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [](Transaction& tx) {
    EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 1));  // before: kept
    EXPECT_THROW(tx.savepoint([&] {
      EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 2));
      EXPECT_TRUE(tx.try_credit_points("u1", 10));
      throw Error::failed_precondition(Reason::kOutOfStock, "mug", "refused");
    }),
                 Error);
    EXPECT_EQ(tx.find_stock("mug")->reserved, 1);  // the transaction goes on
    tx.savepoint([&] {
      EXPECT_TRUE(tx.try_credit_points("u2", 7));  // kept
      EXPECT_THROW(tx.savepoint([&] {               // nested: undoes only the inner work
        EXPECT_TRUE(tx.try_credit_points("u2", 100));
        throw std::runtime_error("inner");
      }),
                   std::runtime_error);
    });
    EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 1));  // after: kept
  });
  EXPECT_EQ(store_->stock().level("mug").reserved, 2);
  EXPECT_EQ(store_->points().balance("u1"), 0);
  EXPECT_EQ(store_->points().balance("u2"), 7);
}

TEST_P(StorageConformance, QueuedEventsAreWrittenAtTheUnitsEndAndDroppedWithTheirSavepoint) {
  const auto event = [](const std::string& id, const std::string& key) {
    return Event{0, id, "Queued", 1, "t", key, 100, "", "{}"};
  };
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
    tx.queue_event(event("kept-1", "k1"));
    EXPECT_THROW(tx.savepoint([&] {
      tx.queue_event(event("dropped-1", "k1"));
      tx.savepoint([&] { tx.queue_event(event("dropped-2", "k2")); });
      throw std::runtime_error("refused");
    }),
                 std::runtime_error);
    tx.savepoint([&] { tx.queue_event(event("kept-2", "k2")); });
    tx.queue_event(event("kept-3", "k1"));
  });
  std::vector<std::string> ids;
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead, [&](Transaction& tx) {
    for (const Event& e : tx.read_outbox(0, 100)) ids.push_back(e.id);
  });
  EXPECT_EQ(ids, (std::vector<std::string>{"kept-1", "kept-2", "kept-3"}));
}

TEST_P(StorageConformance, SavepointRollsBackWithItsUnit) {
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 12000});
  store_->stock().adjust("mug", 5, "restock");
  EXPECT_THROW(run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite,
                                     [](Transaction& tx) {
                                       tx.savepoint([&] { EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 2)); });
                                       throw std::runtime_error("host failure");
                                     }),
               std::runtime_error);
  EXPECT_EQ(store_->stock().level("mug").reserved, 0);
}

TEST_P(StorageConformance, ConditionalUpdatesReportWhetherTheyApplied) {
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 12000});
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [](Transaction& tx) {
    EXPECT_TRUE(tx.try_adjust_stock_at("mug", "default", 3));
    EXPECT_FALSE(tx.try_reserve_stock_at("mug", "default", 4));
    EXPECT_TRUE(tx.try_reserve_stock_at("mug", "default", 3));
    EXPECT_FALSE(tx.try_reserve_stock_at("mug", "default", 1));
    EXPECT_FALSE(tx.try_adjust_stock_at("mug", "default", -1));  // would go below reserved
    EXPECT_FALSE(tx.try_unreserve_stock_at("mug", "default", 4));
    EXPECT_TRUE(tx.try_sell_reserved_stock_at("mug", "default", 2));
    EXPECT_FALSE(tx.try_reserve_stock_at("ghost", "default", 1));
    EXPECT_FALSE(tx.try_debit_points("nobody", 1));
    EXPECT_TRUE(tx.try_credit_points("u", std::numeric_limits<Money>::max()));
    EXPECT_FALSE(tx.try_credit_points("u", 1));  // would overflow
  });
  EXPECT_EQ(store_->stock().level("mug"), (StockLevel{"mug", 1, 1, 0, 2}));
}

TEST_P(StorageConformance, ConcurrentUnitsFailIndependently) {
  // Writers on many threads at once (an adapter may batch them into one transaction): each
  // unit that throws leaves no trace, each that returns is committed.
  store_->catalog().create({.id = "a", .name = "A", .price = 1, .initial_stock = 1000});
  constexpr int kThreads = 8, kUnits = 50;
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUnits; ++i) {
        const bool fail = (t + i) % 3 == 0;
        try {
          run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
            ASSERT_TRUE(tx.try_reserve_stock_at("a", "default", 1));
            ASSERT_TRUE(tx.try_credit_points("u" + std::to_string(t), 1));
            if (fail) throw std::runtime_error("unit fails after writing");
          });
          committed.fetch_add(1);
        } catch (const std::runtime_error&) {
          EXPECT_TRUE(fail);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  int expected = 0;
  for (int t = 0; t < kThreads; ++t) {
    int mine = 0;
    for (int i = 0; i < kUnits; ++i) mine += (t + i) % 3 != 0;
    expected += mine;
    EXPECT_EQ(store_->points().balance("u" + std::to_string(t)), mine);
  }
  EXPECT_EQ(committed.load(), expected);
  EXPECT_EQ(store_->stock().level("a").reserved, expected);
}

TEST_P(StorageConformance, ADomainErrorInOneUnitDoesNotAffectOthersConcurrently) {
  store_->catalog().create({.id = "a", .name = "A", .price = 1, .initial_stock = 10});
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        try {
          store_->stock().reserve("o-" + std::to_string(t) + "-" + std::to_string(i), {{"a", 1}});
          ok.fetch_add(1);
        } catch (const Error& e) {
          EXPECT_EQ(e.reason(), Reason::kOutOfStock);
          refused.fetch_add(1);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(refused.load(), 30);
  EXPECT_EQ(store_->stock().level("a").available, 0);
}

}  // namespace
}  // namespace commerce::testing
