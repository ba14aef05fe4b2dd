// The WAL-write-batching VFS (src/storage/sqlite/wal_write_batching.h): a commit's frames reach
// the WAL in a few large writes; what SQLite reads back, commits or rolls back is what it wrote;
// a write that fails fails the commit and leaves the database as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "scratch_dir.h"
#include "storage/sqlite/wal_write_batching.h"

namespace commerce::sqlite {
namespace {

// A VFS below the batching one: passes everything to the default VFS, counting the writes to
// WAL files, and failing them with SQLITE_FULL while `fail_wal_writes` is set.
struct Counter {
  std::atomic<int> wal_writes{0};
  std::atomic<bool> fail_wal_writes{false};
};
Counter g_counter;

struct CountingFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<CountingFile*>(f)->real; }

int c_close(sqlite3_file* f) { return real_of(f)->pMethods->xClose(real_of(f)); }
int c_read(sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
  return real_of(f)->pMethods->xRead(real_of(f), b, n, o);
}
int c_write(sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
  if (reinterpret_cast<CountingFile*>(f)->wal) {
    if (g_counter.fail_wal_writes) return SQLITE_FULL;
    ++g_counter.wal_writes;
  }
  return real_of(f)->pMethods->xWrite(real_of(f), b, n, o);
}
int c_truncate(sqlite3_file* f, sqlite3_int64 s) {
  return real_of(f)->pMethods->xTruncate(real_of(f), s);
}
int c_sync(sqlite3_file* f, int fl) { return real_of(f)->pMethods->xSync(real_of(f), fl); }
int c_size(sqlite3_file* f, sqlite3_int64* s) {
  return real_of(f)->pMethods->xFileSize(real_of(f), s);
}
int c_lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
int c_unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
int c_reserved(sqlite3_file* f, int* o) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), o);
}
int c_control(sqlite3_file* f, int op, void* a) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, a);
}
int c_sector(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int c_device(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int c_shm_map(sqlite3_file* f, int r, int s, int e, void volatile** o) {
  return real_of(f)->pMethods->xShmMap(real_of(f), r, s, e, o);
}
int c_shm_lock(sqlite3_file* f, int o, int n, int fl) {
  return real_of(f)->pMethods->xShmLock(real_of(f), o, n, fl);
}
void c_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int c_shm_unmap(sqlite3_file* f, int d) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), d);
}

// Version 2: no memory-mapped I/O (the tests do not turn it on).
const sqlite3_io_methods kCountingMethods = {
    2,        c_close,     c_read,     c_write,   c_truncate,      c_sync,     c_size,
    c_lock,   c_unlock,    c_reserved, c_control, c_sector,        c_device,   c_shm_map,
    c_shm_lock, c_shm_barrier, c_shm_unmap, nullptr, nullptr};

sqlite3_vfs g_counting_vfs;

int c_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out) {
  auto* below = static_cast<sqlite3_vfs*>(vfs->pAppData);
  auto* f = reinterpret_cast<CountingFile*>(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->real->pMethods = nullptr;
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  const int rc = below->xOpen(below, name, f->real, flags, out);
  if (f->real->pMethods != nullptr) f->base.pMethods = &kCountingMethods;
  return rc;
}

// The batching VFS over the counting one, registered once per process.
const char* batching_over_counting() {
  static const char* const name = [] {
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    g_counting_vfs = *base;
    g_counting_vfs.iVersion = 2;
    g_counting_vfs.zName = "test-counting";
    g_counting_vfs.pAppData = base;
    g_counting_vfs.szOsFile = static_cast<int>(sizeof(CountingFile)) + base->szOsFile;
    g_counting_vfs.xOpen = c_open;
    g_counting_vfs.pNext = nullptr;
    // The default VFS's other methods ignore pAppData, except through the vfs pointer they get:
    // delete, access and full-pathname go to the default VFS itself.
    g_counting_vfs.xDelete = [](sqlite3_vfs*, const char* n, int s) {
      sqlite3_vfs* b = sqlite3_vfs_find(nullptr);
      return b->xDelete(b, n, s);
    };
    g_counting_vfs.xAccess = [](sqlite3_vfs*, const char* n, int fl, int* o) {
      sqlite3_vfs* b = sqlite3_vfs_find(nullptr);
      return b->xAccess(b, n, fl, o);
    };
    g_counting_vfs.xFullPathname = [](sqlite3_vfs*, const char* n, int s, char* o) {
      sqlite3_vfs* b = sqlite3_vfs_find(nullptr);
      return b->xFullPathname(b, n, s, o);
    };
    if (sqlite3_vfs_register(&g_counting_vfs, 0) != SQLITE_OK) std::abort();
    register_wal_write_batching_vfs("test-batching", &g_counting_vfs);
    return "test-batching";
  }();
  return name;
}

class Db {
 public:
  Db(const std::string& path, const char* vfs) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs) !=
        SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA wal_autocheckpoint=0");  // the WAL keeps every frame: the tests count them
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  int exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    last_error_ = error != nullptr ? error : "";
    sqlite3_free(error);
    return rc;
  }
  void ok(const std::string& sql) { ASSERT_EQ(exec(sql), SQLITE_OK) << sql << ": " << last_error_; }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out = t != nullptr ? reinterpret_cast<const char*>(t) : "";
    } else {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    }
    sqlite3_finalize(st);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
  std::string last_error_;
};

class WalBatchingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vfs_ = batching_over_counting();
    g_counter.fail_wal_writes = false;
    path_ = testing::fresh_path("batching", ".db");
  }
  std::uintmax_t wal_size() const { return std::filesystem::file_size(path_ + "-wal"); }

  const char* vfs_ = nullptr;
  std::string path_;
};

// 300 rows of ~600 bytes, each in a table and an index: ~100 pages.
const char* const kFill =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
    "INSERT INTO t(k, v) SELECT hex(randomblob(8)), hex(randomblob(300)) FROM n";

TEST_F(WalBatchingTest, ACommitsFramesReachTheWalInAFewLargeWrites) {
  Db db(path_, vfs_);
  db.ok("CREATE TABLE t(k TEXT, v TEXT); CREATE INDEX t_by_k ON t(k)");
  const int frame_bytes = std::stoi(db.text("PRAGMA page_size")) + 24;
  const std::uintmax_t before = wal_size();
  const int writes_before = g_counter.wal_writes;
  db.ok(kFill);
  const auto frames = static_cast<int>((wal_size() - before) / frame_bytes);
  const int writes = g_counter.wal_writes - writes_before;
  ASSERT_GT(frames, 50);
  // Unbatched, SQLite writes a frame as two writes (header, page): 2 * frames. Batched, at most
  // 120 KiB a write.
  EXPECT_LE(writes, frames * frame_bytes / (120 << 10) + 2) << frames << " frames";
  Db other(path_, nullptr);
  EXPECT_EQ(other.text("SELECT count(*) FROM t"), "300");
  EXPECT_EQ(other.text("PRAGMA integrity_check"), "ok");
}

// A page cache of 10 pages, the table, and a transaction begun that fills it with `rounds` x 300
// rows: far more than the cache holds.
void begin_spilling(Db& db, int rounds) {
  db.ok("PRAGMA cache_size=10");
  db.ok("CREATE TABLE t(k TEXT, v TEXT); CREATE INDEX t_by_k ON t(k)");
  db.ok("BEGIN");
  for (int i = 0; i < rounds; ++i) db.ok(kFill);
}

// A transaction larger than the page cache spills frames that are not a commit's; SQLite reads
// them back from the WAL before it commits.
TEST_F(WalBatchingTest, SpilledFramesAreReadBackAndCommitted) {
  Db db(path_, vfs_);
  begin_spilling(db, 5);
  EXPECT_EQ(db.text("SELECT count(*) FROM t WHERE length(v) = 600"), "1500");
  EXPECT_EQ(db.text("PRAGMA integrity_check"), "ok");
  db.ok("COMMIT");
  Db other(path_, nullptr);
  EXPECT_EQ(other.text("SELECT count(*) FROM t WHERE length(v) = 600"), "1500");
  EXPECT_EQ(other.text("PRAGMA integrity_check"), "ok");
}

// Frames spilled by a transaction rolled back are never published; the next writer (on another
// thread, which cannot write this thread's gathered frames) appends its own at the same offsets,
// and readers see those.
TEST_F(WalBatchingTest, ASpilledTransactionRolledBackLeavesNothingBehind) {
  Db db(path_, vfs_);
  begin_spilling(db, 3);
  db.ok("ROLLBACK");
  std::thread([&] {
    Db other(path_, vfs_);
    other.ok("INSERT INTO t VALUES('a', 'b')");
  }).join();
  EXPECT_EQ(db.text("SELECT count(*) FROM t"), "1");
  db.ok("INSERT INTO t VALUES('c', 'd')");
  Db reader(path_, nullptr);
  EXPECT_EQ(reader.text("SELECT group_concat(k, '') FROM (SELECT k FROM t ORDER BY k)"), "ac");
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
}

// The gathered frames are written at the commit frame, inside SQLite's write of it: a failure
// there (a full disk) is the commit's error, and the database stays as it was.
TEST_F(WalBatchingTest, AWalWriteThatFailsFailsTheCommitAndChangesNothing) {
  Db db(path_, vfs_);
  db.ok("CREATE TABLE t(k TEXT, v TEXT); CREATE INDEX t_by_k ON t(k)");
  db.ok("INSERT INTO t VALUES('before', '')");
  g_counter.fail_wal_writes = true;
  // A commit of a few pages: its frames are gathered whole, and written only at its commit frame.
  EXPECT_EQ(db.exec("INSERT INTO t VALUES('lost', 'x')") & 0xff, SQLITE_FULL);
  g_counter.fail_wal_writes = false;
  Db reader(path_, nullptr);
  EXPECT_EQ(reader.text("SELECT group_concat(k) FROM t"), "before");
  db.ok("INSERT INTO t VALUES('after', '')");
  EXPECT_EQ(reader.text("SELECT group_concat(k) FROM (SELECT k FROM t ORDER BY k)"),
            "after,before");
  EXPECT_EQ(reader.text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace commerce::sqlite
