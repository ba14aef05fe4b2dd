#include "wal_write_batching.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace commerce::sqlite {

namespace {

constexpr const char* kVfsName = "commerce-wal-batching";
// At most this many bytes are gathered: SQLite's unix VFS writes a request's size modulo 128 KiB
// (it never asks for more itself), so a larger write would be cut short.
constexpr std::size_t kMaxGathered = std::size_t{120} << 10;
// A WAL frame header: page number, then the database size in pages (non-zero: a commit frame).
constexpr int kFrameHeaderBytes = 24;

// The frames a WAL file was given but has not written yet: bytes for [offset, offset + size).
struct Gathered {
  std::vector<unsigned char> bytes;
  sqlite3_int64 offset = 0;
  bool commit_header_seen = false;  // the last write was a commit frame's header
};

struct File {
  sqlite3_file base;  // pMethods: ours
  sqlite3_file* real;  // the wrapped VFS's file, allocated right after this struct
  Gathered* gathered;  // WAL files only; null otherwise
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

// The WAL file of this thread with gathered bytes, if any.
thread_local File* t_gathering = nullptr;

void drop_gathered(File* f) {
  if (t_gathering == f) t_gathering = nullptr;
  f->gathered->bytes.clear();
  f->gathered->commit_header_seen = false;
}

// Writes `f`'s gathered bytes. If that fails they are kept (and written again before the next
// call goes through) and the error is returned: SQLite fails what it was doing.
int write_gathered(File* f) {
  Gathered& g = *f->gathered;
  if (!g.bytes.empty()) {
    const int rc = f->real->pMethods->xWrite(f->real, g.bytes.data(),
                                             static_cast<int>(g.bytes.size()), g.offset);
    if (rc != SQLITE_OK) return rc;
  }
  drop_gathered(f);
  return SQLITE_OK;
}

// Before any call but an append to the WAL being gathered: write what this thread gathered.
int settle() { return t_gathering != nullptr ? write_gathered(t_gathering) : SQLITE_OK; }

// A file closed with frames it could not write drops them: they belong to a transaction that
// failed (SQLite closes a connection's files only outside a transaction).
int x_close(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  int rc = settle();
  if (f->gathered != nullptr) {
    drop_gathered(f);
    delete f->gathered;
    f->gathered = nullptr;
  }
  const int closed = f->real->pMethods->xClose(f->real);
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* file, void* buf, int amount, sqlite3_int64 offset) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xRead(real_of(file), buf, amount, offset);
}

int x_write(sqlite3_file* file, const void* buf, int amount, sqlite3_int64 offset) {
  File* f = reinterpret_cast<File*>(file);
  if (f->gathered == nullptr || amount <= 0) {
    if (const int rc = settle(); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xWrite(f->real, buf, amount, offset);
  }
  if (t_gathering != f) {  // another WAL file's bytes first
    if (const int rc = settle(); rc != SQLITE_OK) return rc;
  }
  Gathered& g = *f->gathered;
  const bool appends = offset == g.offset + static_cast<sqlite3_int64>(g.bytes.size());
  const bool fits = g.bytes.size() + static_cast<std::size_t>(amount) <= kMaxGathered;
  if (!g.bytes.empty() && !(appends && fits)) {
    if (const int rc = write_gathered(f); rc != SQLITE_OK) return rc;
  }
  if (g.bytes.empty()) g.offset = offset;
  const auto* bytes = static_cast<const unsigned char*>(buf);
  g.bytes.insert(g.bytes.end(), bytes, bytes + amount);
  t_gathering = f;
  const bool ends_commit = g.commit_header_seen;
  g.commit_header_seen = amount == kFrameHeaderBytes &&
                         (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
  if (ends_commit) return write_gathered(f);
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xTruncate(real_of(file), size);
}

int x_sync(sqlite3_file* file, int flags) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xSync(real_of(file), flags);
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xFileSize(real_of(file), size);
}

int x_lock(sqlite3_file* file, int level) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xLock(real_of(file), level);
}

int x_unlock(sqlite3_file* file, int level) {
  const int rc = settle();
  const int unlocked = real_of(file)->pMethods->xUnlock(real_of(file), level);
  return rc != SQLITE_OK ? rc : unlocked;
}

int x_check_reserved_lock(sqlite3_file* file, int* out) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}

int x_file_control(sqlite3_file* file, int op, void* arg) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}

// Pure queries: no I/O, so nothing needs writing first (SQLite asks them while writing frames).
int x_sector_size(sqlite3_file* file) {
  return real_of(file)->pMethods->xSectorSize(real_of(file));
}

int x_device_characteristics(sqlite3_file* file) {
  return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}

int x_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xShmMap(real_of(file), region, size, extend, out);
}

// An unlock always happens (SQLite does not look at an unlock's result). Frames that could not
// be written when the write lock (slot 0) is let go belong to a transaction that failed: they
// are dropped, so that they can never land after another connection has taken the lock and
// appended frames of its own at the same offsets.
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  const int rc = settle();
  const bool unlock = (flags & SQLITE_SHM_UNLOCK) != 0;
  if (rc != SQLITE_OK && !unlock) return rc;
  if (rc != SQLITE_OK && offset == 0 && t_gathering != nullptr) drop_gathered(t_gathering);
  const int locked = real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
  return rc != SQLITE_OK ? rc : locked;
}

// Runs between the two copies of the WAL index header when a commit is published: the commit's
// frames are in the file already (written at its commit frame). Anything else gathered is
// written here; a failure leaves it gathered, for the next call to write or report.
void x_shm_barrier(sqlite3_file* file) {
  (void)settle();
  real_of(file)->pMethods->xShmBarrier(real_of(file));
}

int x_shm_unmap(sqlite3_file* file, int delete_flag) {
  const int rc = settle();
  const int unmapped = real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
  return rc != SQLITE_OK ? rc : unmapped;
}

int x_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xFetch(real_of(file), offset, amount, out);
}

int x_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xUnfetch(real_of(file), offset, page);
}

// The wrapped file's methods with ours in front; as many as the wrapped file has (version 1
// has no shared memory, version 2 no memory mapping).
const sqlite3_io_methods kMethods[3] = {
    {1, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
     x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, nullptr,
     nullptr, nullptr, nullptr, nullptr, nullptr},
    {2, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
     x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, x_shm_map,
     x_shm_lock, x_shm_barrier, x_shm_unmap, nullptr, nullptr},
    {3, x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock,
     x_check_reserved_lock, x_file_control, x_sector_size, x_device_characteristics, x_shm_map,
     x_shm_lock, x_shm_barrier, x_shm_unmap, x_fetch, x_unfetch},
};

// The VFS a batching VFS wraps.
sqlite3_vfs* below(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int x_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  File* f = reinterpret_cast<File*>(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->gathered = nullptr;
  f->real->pMethods = nullptr;
  const int rc = below(vfs)->xOpen(below(vfs), name, f->real, flags, out_flags);
  const sqlite3_io_methods* real_methods = f->real->pMethods;
  if (real_methods == nullptr) return rc;  // nothing to close
  f->base.pMethods = &kMethods[std::clamp(real_methods->iVersion, 1, 3) - 1];
  if (rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) != 0) f->gathered = new Gathered;
  return rc;
}

int x_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return below(vfs)->xDelete(below(vfs), name, sync_dir);
}

int x_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  if (const int rc = settle(); rc != SQLITE_OK) return rc;
  return below(vfs)->xAccess(below(vfs), name, flags, out);
}

int x_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return below(vfs)->xFullPathname(below(vfs), name, size, out);
}

void* x_dl_open(sqlite3_vfs* vfs, const char* name) {
  return below(vfs)->xDlOpen(below(vfs), name);
}
void x_dl_error(sqlite3_vfs* vfs, int size, char* out) {
  below(vfs)->xDlError(below(vfs), size, out);
}
void (*x_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return below(vfs)->xDlSym(below(vfs), handle, symbol);
}
void x_dl_close(sqlite3_vfs* vfs, void* handle) { below(vfs)->xDlClose(below(vfs), handle); }
int x_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return below(vfs)->xRandomness(below(vfs), size, out);
}
int x_sleep(sqlite3_vfs* vfs, int micros) { return below(vfs)->xSleep(below(vfs), micros); }
int x_current_time(sqlite3_vfs* vfs, double* out) {
  return below(vfs)->xCurrentTime(below(vfs), out);
}
int x_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return below(vfs)->xGetLastError != nullptr ? below(vfs)->xGetLastError(below(vfs), size, out)
                                              : 0;
}
int x_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return below(vfs)->xCurrentTimeInt64(below(vfs), out);
}

}  // namespace

sqlite3_vfs* register_wal_write_batching_vfs(const char* name, sqlite3_vfs* wrapped) {
  if (wrapped == nullptr || wrapped->iVersion < 2) {
    throw std::runtime_error("SQLite has no VFS of version 2 or later to wrap");
  }
  // Registered VFSs live as long as the process: SQLite keeps a pointer.
  auto* vfs = new sqlite3_vfs{};
  vfs->iVersion = 2;
  vfs->szOsFile = static_cast<int>(sizeof(File)) + wrapped->szOsFile;
  vfs->mxPathname = wrapped->mxPathname;
  vfs->zName = name;
  vfs->pAppData = wrapped;
  vfs->xOpen = x_open;
  vfs->xDelete = x_delete;
  vfs->xAccess = x_access;
  vfs->xFullPathname = x_full_pathname;
  vfs->xDlOpen = x_dl_open;
  vfs->xDlError = x_dl_error;
  vfs->xDlSym = x_dl_sym;
  vfs->xDlClose = x_dl_close;
  vfs->xRandomness = x_randomness;
  vfs->xSleep = x_sleep;
  vfs->xCurrentTime = x_current_time;
  vfs->xGetLastError = x_get_last_error;
  vfs->xCurrentTimeInt64 = x_current_time_int64;
  if (sqlite3_vfs_register(vfs, 0) != SQLITE_OK) {
    throw std::runtime_error(std::string("cannot register the SQLite VFS ") + name);
  }
  return vfs;
}

const char* wal_write_batching_vfs() {
  static std::once_flag once;
  std::call_once(once,
                 [] { register_wal_write_batching_vfs(kVfsName, sqlite3_vfs_find(nullptr)); });
  return kVfsName;
}

}  // namespace commerce::sqlite
