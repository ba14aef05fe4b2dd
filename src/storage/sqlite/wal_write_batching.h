// A SQLite VFS that hands the WAL file a commit's frames in one write instead of two per page.
#pragma once

struct sqlite3_vfs;

namespace commerce::sqlite {

// The name of a VFS, registered on first call (not as the default), that wraps SQLite's default
// one and changes one thing: consecutive appends to a WAL file are gathered in memory and
// written with one pwrite.
//
// Why: SQLite writes each WAL frame as two writes (its 24-byte header, then the page), so an
// order's commit of ~35 pages was ~70 system calls; they were most of the ordering thread's
// kernel time (docs/performance.md, "The WAL's writes").
//
// Why it is safe: the gathered bytes reach the file before anything could depend on them.
//   - A commit frame's page (its header names the database size) ends a commit: the gathered
//     frames are written at once, inside that xWrite, so a failure (a full disk) is that write's
//     error and SQLite fails the commit as it would have.
//   - Any other call into this VFS, on any file, by the same thread (a read, a sync, a size, a
//     truncate, a lock, the shared-memory barrier before a commit is published to readers, a
//     close) first writes what this thread has gathered. Frames that are not a commit's (a cache
//     spill) are therefore in the file before they are read back, synced or published, and
//     before the write lock is let go.
//   - A process killed with frames gathered loses only a commit that was never published: as if
//     it had died before writing them, which recovery already handles.
// What it assumes: a write transaction begins and ends on one thread (SqliteStorage runs each
// unit, and each group-commit batch, on one thread).
//
// Thread safety: the VFS may be used by any number of connections on any threads.
const char* wal_write_batching_vfs();

// Registers (not as the default) a VFS of this kind named `name` (kept, not copied) that wraps
// `wrapped`, and returns it; wal_write_batching_vfs() is this over the default VFS. The tests
// put one over a VFS that counts and fails writes. Not thread-safe: register before use.
sqlite3_vfs* register_wal_write_batching_vfs(const char* name, sqlite3_vfs* wrapped);

}  // namespace commerce::sqlite
