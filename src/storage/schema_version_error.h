// The error both adapters report for a store whose schema is newer than this library's.
#pragma once

#include <fmt/format.h>

#include "commerce/error.h"

namespace commerce::detail {

// FailedPrecondition: an older library must not touch a newer store; upgrading fixes it.
inline Error newer_schema_error(int current, int supported) {
  return Error::failed_precondition(
      Reason::kNone, "schema",
      fmt::format("the database schema is version {}, newer than this library's {}: use a "
                  "newer commerce-core",
                  current, supported));
}

}  // namespace commerce::detail
