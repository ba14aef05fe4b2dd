// RecordFile: an append-only file of text lines that several processes share, for the fakes of
// external services (FakeGateway, FakeCarrier) whose ledger must outlive a killed process, as a
// real provider's would. Each line is appended and fsynced before the call that wrote it
// answers; a torn last line (a kill mid-write) is never read.
//
// Thread safety: none of its own; the fakes call it under their mutex, between lock() and unlock().
#pragma once

#include <functional>
#include <string>

namespace commerce::detail {

class RecordFile {
 public:
  // Opens (creating, owner only) `path`. Errors: file_open_error().
  RecordFile(std::string path, const std::string& what);
  ~RecordFile();
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  // Locks the file (flock) against other processes, then calls `apply` with every complete
  // line they (or this process before a crash) appended since the last lock(). Errors:
  // Unavailable (the file stays unlocked).
  void lock(const std::function<void(const std::string&)>& apply);
  void unlock();

  // Appends `line` and fsyncs; call it between lock() and unlock(). Errors: Unavailable.
  void append(const std::string& line);

 private:
  const std::string path_;
  int fd_ = -1;
  long long offset_ = 0;  // how far the lines have been applied
};

}  // namespace commerce::detail
