// The message of a caught exception, for an Ack or a relay report.
#pragma once

#include <exception>
#include <string>

namespace commerce::detail {

inline std::string what_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace commerce::detail
