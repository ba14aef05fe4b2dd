// Checkpoints the WAL from a thread of its own, so that writers never wait for a checkpoint.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sqlite_connection.h"

struct sqlite3;

namespace commerce::sqlite {

// SQLite checkpoints a WAL file on the connection whose commit took the WAL past 1,000 pages,
// inside that commit: the writer (under group commit, every caller of its batch) waits for the
// copy into the database file and its fsyncs. Here writers' connections only note the WAL's
// size after each commit (attach()), and this thread runs passive checkpoints on its own
// connection: they copy what they can while writers go on appending. The WAL restarts from its
// beginning only at a write transaction that finds it wholly copied, which a steady stream of
// writes never lets a concurrent checkpoint achieve: so the writer whose commit takes the WAL
// past kWriterCheckpointPages checkpoints it itself, as SQLite would have, copying what the
// thread has not copied yet (usually little); it first waits for a checkpoint of the thread's
// in progress (SQLite would refuse a second one), so its own always runs, and the WAL restarts
// after it. The WAL of a store written by one process stays within kWriterCheckpointPages
// pages and a commit's worth; most checkpoint work and fsyncs happen off the writers' path.
//
// Thread safety: attach() a connection before its first write; the hook it installs may run on
// any thread using that connection. After fork(), a child must open its own storage.
class Checkpointer {
 public:
  static constexpr int kCheckpointPages = 1000;         // SQLite's own wal_autocheckpoint
  static constexpr int kWriterCheckpointPages = 2000;  // ~8 MB: writers step in

  // Opens its own connection to `path`; starts the thread.
  Checkpointer(const std::string& path, const std::string& synchronous);
  ~Checkpointer();  // stops the thread
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Replaces `conn`'s automatic checkpoints by this thread's.
  void attach(Connection& conn);

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void request();
  void loop();

  std::unique_ptr<Connection> conn_;
  std::mutex checkpoint_mu_;  // held while this thread or a writer checkpoints
  std::mutex mu_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the rest is built
};

}  // namespace commerce::sqlite
