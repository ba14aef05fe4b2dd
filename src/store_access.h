// The library's own way to a Store's storage adapter (the outbox relay, invariant checks and
// repair); hosts get domain operations instead (commerce/unit.h). The library's tests and
// benchmarks use it to look at stored rows directly.
#pragma once

#include "commerce/storage.h"
#include "commerce/store.h"

namespace commerce::detail {

struct StoreAccess {
  static Storage& storage(Store& store);
};

inline Storage& storage_of(Store& store) { return StoreAccess::storage(store); }

}  // namespace commerce::detail
