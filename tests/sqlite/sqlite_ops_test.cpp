// Operating a SQLite store for years (issue 15): what opening tells the caller, the files'
// permissions, opening behind a writer, and read-only opens on read-only media.
#include <SQLiteCpp/Database.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/sqlite_storage.h"
#include "commerce/store.h"
#include "observed_storage.h"
#include "scratch_dir.h"

namespace commerce {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;

// The code of the error `open` throws; fails the test if it throws none.
ErrorCode error_of(const std::function<void()>& open) {
  try {
    open();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::kInternal;
}

// Runs `body` in a child process that has no power over file permissions (as nobody when the
// test runs as root, whom permissions do not stop); returns its exit code.
int as_unprivileged(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
      ::_exit(100);
    }
    int code = 101;
    try {
      code = body();
    } catch (const Error& e) {
      code = 50 + static_cast<int>(e.code());
    } catch (...) {
      code = 102;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 103;
}

// What the child reports for an error code.
int exit_for(ErrorCode code) { return 50 + static_cast<int>(code); }

// A directory an unprivileged child can enter: the scratch directory is 0700.
std::string open_dir(const std::string& name) {
  fs::permissions(testing::scratch_dir(), fs::perms::owner_all | fs::perms::others_exec |
                                              fs::perms::group_exec);
  const std::string dir = testing::fresh_path(name, "");
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::all);
  return dir;
}

void give_to_nobody(const std::string& path) {
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(path.c_str(), kNobody, kNobody), 0) << path;
  }
}

std::unique_ptr<Store> new_store(const std::string& path) {
  auto store = Store::open(open_sqlite_storage(path));
  store->catalog().create({.id = "sku-1", .name = "Mug", .price = 100, .initial_stock = 5});
  return store;
}

TEST(SqliteOpen, WhatIsNotAStoreFileIsInvalidArgumentOrFailedPrecondition) {
  const std::string fifo = testing::fresh_path("fifo", ".db");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of([&] { open_sqlite_storage(fifo); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { open_sqlite_storage("/dev/null"); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([&] { open_sqlite_storage(testing::scratch_dir().string()); }),
            ErrorCode::kInvalidArgument);
  // Not a database.
  const std::string text = testing::fresh_path("text", ".db");
  std::ofstream(text) << std::string(8192, 'x');
  EXPECT_EQ(error_of([&] { Store::open(open_sqlite_storage(text)); }),
            ErrorCode::kFailedPrecondition);
  // A directory that does not exist.
  EXPECT_EQ(error_of([&] { open_sqlite_storage(testing::fresh_path("missing", "") + "/x.db"); }),
            ErrorCode::kFailedPrecondition);
  // A schema newer than this library's.
  const std::string newer = testing::fresh_path("newer", ".db");
  new_store(newer);
  {
    SQLite::Database db(newer, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations(version, applied_at) VALUES(999, 0)");
  }
  EXPECT_EQ(error_of([&] { open_sqlite_storage(newer); }), ErrorCode::kFailedPrecondition);
  // Read-only opens neither create nor migrate.
  SqliteOptions read_only;
  read_only.read_only = true;
  const std::string absent = testing::fresh_path("absent", ".db");
  EXPECT_EQ(error_of([&] { open_sqlite_storage(absent, read_only); }),
            ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(absent));
}

TEST(SqliteOpen, AReadOnlyFileIsFailedPreconditionNotInternal) {
  const std::string dir = open_dir("rofile");
  const std::string path = dir + "/shop.db";
  new_store(path);
  ::chmod(path.c_str(), 0444);
  const int code = as_unprivileged([&] {
    auto store = Store::open(open_sqlite_storage(path));
    store->catalog().create({.id = "sku-2", .name = "Cup", .price = 100});
    return 0;
  });
  EXPECT_EQ(code, exit_for(ErrorCode::kFailedPrecondition));
}

TEST(SqliteFiles, TheStoreAndItsWalAndShmAreCreatedOwnerOnly) {
  const mode_t old_umask = ::umask(022);
  const std::string path = testing::fresh_path("modes", ".db");
  auto store = new_store(path);
  for (const std::string& file : {path, path + "-wal", path + "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
  ::umask(old_umask);
}

std::int64_t page_size_of(const std::string& path) {
  return SQLite::Database(path, SQLite::OPEN_READONLY).execAndGet("PRAGMA page_size").getInt64();
}

// SqliteOptions::page_size applies to a file the open creates; a file keeps its own size after.
TEST(SqliteFiles, ANewFileGetsThePageSizeAskedForAndKeepsIt) {
  const std::string fresh = testing::fresh_path("pages", ".db");
  Store::open(open_sqlite_storage(fresh))->catalog().create({.id = "sku-1", .name = "Mug"});
  EXPECT_EQ(page_size_of(fresh), 2048) << "the default";
  const std::string big = testing::fresh_path("pages", ".db");
  Store::open(open_sqlite_storage(big, {.page_size = 8192}))
      ->catalog()
      .create({.id = "sku-1", .name = "Mug"});
  EXPECT_EQ(page_size_of(big), 8192);
  auto reopened = Store::open(open_sqlite_storage(big, {.page_size = 1024}));
  reopened->catalog().create({.id = "sku-2", .name = "Cup"});
  EXPECT_EQ(page_size_of(big), 8192) << "an existing file keeps its page size";
  EXPECT_EQ(reopened->catalog().list({}).items.size(), 2u);
}

TEST(SqliteFiles, APageSizeThatIsNotAPowerOfTwoIsInvalidArgumentAndCreatesNothing) {
  for (const int size : {0, 256, 1000, 3072, 131072, -4096}) {
    const std::string path = testing::fresh_path("pages", ".db");
    try {
      open_sqlite_storage(path, {.page_size = size});
      ADD_FAILURE() << size << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << size;
      EXPECT_EQ(e.subject(), "page_size") << size;
    }
    EXPECT_FALSE(fs::exists(path)) << size;
  }
}

// Another connection holds the write lock (an open write transaction) the whole time: opening
// the store, reading it and opening it read-only never wait for it.
TEST(SqliteOpen, OpeningAndReadingDoNotWaitForTheWriteLock) {
  const std::string path = testing::fresh_path("locked", ".db");
  new_store(path);
  SQLite::Database writer(path, SQLite::OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("UPDATE stock SET on_hand = on_hand + 1");

  SqliteOptions options;
  options.busy_budget_ms = 300;  // a write would give up quickly; these must not need it
  auto store = Store::open(open_sqlite_storage(path, options));
  EXPECT_EQ(store->stock().level("sku-1").on_hand, 5);
  SqliteOptions read_only = options;
  read_only.read_only = true;
  auto inspector = Store::open(open_sqlite_storage(path, read_only));
  EXPECT_EQ(inspector->stock().level("sku-1").on_hand, 5);
  writer.exec("ROLLBACK");
}

TEST(SqliteOpen, ReadOnlyOpensRefuseWritesAndWorkOnAReadOnlyDirectory) {
  const std::string dir = open_dir("rodir");
  const std::string path = dir + "/shop.db";
  new_store(path);  // closed: SQLite removed its -wal and -shm
  ASSERT_FALSE(fs::exists(path + "-wal"));
  give_to_nobody(path);
  ::chmod(dir.c_str(), 0555);  // nobody (or this user) may create files here
  SqliteOptions read_only;
  read_only.read_only = true;
  const int code = as_unprivileged([&] {
    auto store = Store::open(open_sqlite_storage(path, read_only));
    if (store->stock().level("sku-1").on_hand != 5) return 1;
    try {
      store->catalog().create({.id = "sku-2", .name = "Cup", .price = 100});
      return 2;
    } catch (const Error& e) {
      return e.code() == ErrorCode::kFailedPrecondition ? 0 : 3;
    }
  });
  EXPECT_EQ(code, 0);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  ::chmod(dir.c_str(), 0777);
}

// Counts the read units run through it, and the most products any one of them checked (one
// sum of live reservations per product).
class CountingStorage final : public testing::ObservedStorage {
 public:
  using ObservedStorage::ObservedStorage;
  int read_units = 0;
  int products_in_unit = 0;
  int most_products_in_a_unit = 0;

 protected:
  void before_statement(const Sql& sql, bool /*writes*/) override {
    if (sql.text.find("sum(qty)") != std::string::npos &&
        sql.text.find("FROM reservations") != std::string::npos) {
      ++products_in_unit;
    }
  }
  void after_unit(Access access, bool /*ok*/) override {
    if (access == Access::kRead) ++read_units;
    most_products_in_a_unit = std::max(most_products_in_a_unit, products_in_unit);
    products_in_unit = 0;
  }
};

// check_invariants() reads a page of rows per read unit (a short snapshot each), so it cannot
// pin the WAL for the length of a whole scan: no unit checks more than a page (500) of the
// 1,200 products (before: one unit checked them all).
TEST(SqliteCheck, TheCheckReadsInBoundedSnapshots) {
  const std::string path = testing::fresh_path("paged", ".db");
  {
    auto store = Store::open(open_sqlite_storage(path));
    for (int i = 0; i < 1200; ++i) {
      store->catalog().create(
          {.id = "sku-" + std::to_string(i), .name = "Mug", .price = 100, .initial_stock = 1});
    }
  }
  auto counting = std::make_unique<CountingStorage>(open_sqlite_storage(path));
  CountingStorage& storage = *counting;
  auto store = Store::open(std::move(counting));
  storage.read_units = 0;
  const InvariantReport report = check_invariants(*store, false);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.products, 1200);
  EXPECT_GE(storage.read_units, 3);
  EXPECT_LE(storage.most_products_in_a_unit, 500);
  EXPECT_GT(storage.most_products_in_a_unit, 0);
}

}  // namespace
}  // namespace commerce
