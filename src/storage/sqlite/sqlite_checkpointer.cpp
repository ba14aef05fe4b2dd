#include "sqlite_checkpointer.h"

#include <sqlite3.h>

namespace commerce::sqlite {

Checkpointer::Checkpointer(const std::string& path, const std::string& synchronous)
    : conn_(std::make_unique<Connection>(path, synchronous)), thread_([this] { loop(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::attach(Connection& conn) {
  sqlite3_wal_hook(conn.db().getHandle(), &Checkpointer::on_commit, this);
}

// Runs on the writer's thread, after its commit, outside SQLite's locks.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto& checkpointer = *static_cast<Checkpointer*>(self);
  if (pages >= kWriterCheckpointPages) {
    // Best effort, as SQLite's own automatic checkpoint: an error here is not the commit's.
    std::lock_guard lock(checkpointer.checkpoint_mu_);
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages) {
    checkpointer.request();
  }
  return SQLITE_OK;
}

void Checkpointer::request() {
  {
    std::lock_guard lock(mu_);
    if (wanted_) return;
    wanted_ = true;
  }
  wake_.notify_one();
}

void Checkpointer::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return wanted_ || stop_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    {
      // SQLITE_BUSY (another process checkpoints) and I/O errors are left for the next
      // request; the writers' own step keeps the WAL bounded meanwhile.
      std::lock_guard checkpointing(checkpoint_mu_);
      sqlite3_wal_checkpoint_v2(conn_->db().getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                nullptr, nullptr);
    }
    lock.lock();
  }
}

}  // namespace commerce::sqlite
