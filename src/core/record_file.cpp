#include "core/record_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "commerce/error.h"
#include "core/file_error.h"

namespace commerce::detail {

RecordFile::RecordFile(std::string path, const std::string& what) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC,
               static_cast<mode_t>(kPrivateFileMode));
  if (fd_ < 0) throw file_open_error(path_, what, errno);
}

RecordFile::~RecordFile() { ::close(fd_); }

void RecordFile::lock(const std::function<void(const std::string&)>& apply) {
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) throw Error::unavailable(path_, "cannot lock the record");
  }
  std::string chunk(64 * 1024, '\0');
  std::string pending;
  for (;;) {
    const ssize_t n = ::pread(fd_, chunk.data(), chunk.size(),
                              offset_ + static_cast<off_t>(pending.size()));
    if (n <= 0) break;
    pending.append(chunk.data(), static_cast<std::size_t>(n));
  }
  std::size_t start = 0;
  try {
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos;
         start = end + 1) {
      apply(pending.substr(start, end - start));
    }
  } catch (...) {
    unlock();
    throw;
  }
  offset_ += static_cast<long long>(start);  // a torn last line is never consumed
}

void RecordFile::unlock() { ::flock(fd_, LOCK_UN); }

void RecordFile::append(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd_) != 0) {
    throw Error::unavailable(path_, "cannot append to the record");
  }
  offset_ += static_cast<long long>(text.size());  // the file is locked: ours is the last line
}

}  // namespace commerce::detail
