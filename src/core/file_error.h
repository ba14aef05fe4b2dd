// file_open_error(): the commerce::Error for a file the library could not open, with the code
// that says what to do: FailedPrecondition when the path or its permissions must be fixed,
// Unavailable when trying again later may work (no file descriptors, interrupted, I/O error).
#pragma once

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "commerce/error.h"

namespace commerce::detail {

// Permissions of the files the library creates (JSON-lines sink, fake gateway record, SQLite
// store): owner only; they hold user ids, balances and orders.
inline constexpr int kPrivateFileMode = 0600;

inline Error file_open_error(const std::string& path, const std::string& what, int err) {
  const std::string message = fmt::format("cannot open {} '{}': {}", what, path, std::strerror(err));
  switch (err) {
    case EACCES:
    case EPERM:
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EROFS:
    case ELOOP:
    case ENAMETOOLONG:
    case ENXIO:
    case ETXTBSY:
      return Error::failed_precondition(Reason::kNone, path, message);
    default:
      return Error::unavailable(path, message);
  }
}

}  // namespace commerce::detail
