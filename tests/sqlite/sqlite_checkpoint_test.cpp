// Under synchronous=NORMAL the WAL is checkpointed by the storage's own thread, and stays
// bounded under a steady stream of commits.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "commerce/clock.h"
#include "commerce/ids.h"
#include "commerce/payments.h"
#include "commerce/store.h"
#include "commerce/sqlite_storage.h"
#include "commerce/storage.h"
#include "scratch_dir.h"
#include "storage/sqlite/sqlite_checkpointer.h"
#include "storage/transaction.h"

namespace commerce {
namespace {

// The files these tests make have 4 KiB pages (SqliteOptions::page_size), for the arithmetic.
constexpr int kPageSize = 4096;
constexpr std::uintmax_t kPage = kPageSize;

// One commit of a ~3.5 KB event: about four WAL pages.
void append_padded_event(Storage& storage, int i) {
  static const std::string payload = "{\"pad\":\"" + std::string(3500, 'x') + "\"}";
  run_unit(storage, Storage::Access::kWrite, [&](Transaction& tx) {
    tx.append_event(Event{0, new_id(system_clock()->now()), "Padded", 1, "t",
                          "k" + std::to_string(i % 7), 0, "", payload});
  });
}

std::uintmax_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// 3,000 back-to-back commits write ~12,000 WAL pages (48 MB): without a restart the WAL would
// hold them all. The commit that passes the writers' threshold checkpoints (after the thread's
// checkpoint in progress, if any), so the WAL never holds more than that and one commit.
TEST(SqliteCheckpointer, TheWalStaysBoundedUnderSteadyCommits) {
  const std::string path = testing::fresh_path("checkpoint", ".db");
  auto storage = open_sqlite_storage(path, {.page_size = kPageSize});
  std::uintmax_t largest_wal = 0;
  for (int i = 0; i < 3000; ++i) {
    append_padded_event(*storage, i);
    largest_wal = std::max(largest_wal, file_size(path + "-wal"));
  }
  EXPECT_GT(largest_wal, 0u);
  EXPECT_LT(largest_wal, (kPage + 24) * (sqlite::Checkpointer::kWriterCheckpointPages + 100))
      << "the WAL grew to " << largest_wal / (1024 * 1024) << " MB";
}

// Past 1,000 WAL pages but below the writers' own threshold, the thread copies the WAL into
// the database file (which grows by the pages written since: ~900 KB here) while no writer
// checkpoints.
TEST(SqliteCheckpointer, TheThreadCopiesTheWalIntoTheDatabase) {
  const std::string path = testing::fresh_path("checkpoint", ".db");
  auto storage = open_sqlite_storage(path, {.page_size = kPageSize});
  const std::uintmax_t before = file_size(path);
  // Commits until the WAL holds 1,200 pages (a WAL frame is a page and a 24-byte header).
  for (int i = 0; file_size(path + "-wal") < 1200 * (kPage + 24); ++i) {
    append_padded_event(*storage, i);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (file_size(path) < before + 256 * 1024 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(file_size(path), before + 256 * 1024)
      << "the database file did not grow: nothing was checkpointed";
}

}  // namespace
}  // namespace commerce

namespace commerce {
namespace {

// A reader holds one snapshot open while 5,000 orders are placed: the WAL cannot be
// checkpointed past that snapshot and grows meanwhile. Once the reader ends, the next commits
// checkpoint it whole and the WAL restarts; journal_size_limit then cuts its file back to
// 16 MiB (before: it kept its size, 3.46 GB in the run).
TEST(SqliteCheckpointer, TheWalShrinksBackOnceALongReaderEnds) {
  const std::string path = testing::fresh_path("long-reader", ".db");
  StoreOptions options;
  options.gateway = std::make_shared<FakeGateway>();
  auto store = Store::open(open_sqlite_storage(path), options);
  store->catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 100000});
  store->points().charge("user-1", 100'000'000);

  std::uintmax_t wal_with_reader = 0;
  {
    SQLite::Database reader(path, SQLite::OPEN_READONLY);
    reader.exec("BEGIN");
    reader.execAndGet("SELECT count(*) FROM orders");  // the snapshot is taken here
    for (int i = 0; i < 5000; ++i) {
      store->orders().place({.user_id = "user-1", .items = {{"sku-1", 1}}, .points_to_use = 10});
    }
    wal_with_reader = file_size(path + "-wal");
    reader.exec("COMMIT");
  }
  for (int i = 0; i < 20; ++i) {
    store->orders().place({.user_id = "user-1", .items = {{"sku-1", 1}}, .points_to_use = 10});
  }
  const std::uintmax_t wal_after = file_size(path + "-wal");
  std::cout << "WAL with the reader: " << wal_with_reader / (1024 * 1024)
            << " MiB; 20 orders after it ended: " << wal_after / (1024 * 1024) << " MiB\n";
  EXPECT_GT(wal_with_reader, static_cast<std::uintmax_t>(sqlite::kJournalSizeLimit))
      << "the reader did not make the WAL grow: the test proves nothing";
  EXPECT_LE(wal_after, static_cast<std::uintmax_t>(sqlite::kJournalSizeLimit) + (1u << 20));
}

}  // namespace
}  // namespace commerce
