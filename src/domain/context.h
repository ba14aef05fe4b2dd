// What every domain service shares: the storage, the clock and the store's options.
#pragma once

#include <string>

#include "commerce/storage.h"
#include "commerce/store.h"
#include "storage/transaction.h"

namespace commerce::detail {

struct Context {
  Storage& storage;
  const Clock& clock;
  StoreOptions options;
};

// One command running inside one unit of work: the services' building blocks take this, so a
// caller (the order saga) can run several domain steps in one transaction.
struct Command {
  Transaction& tx;
  const Context& ctx;
  Timestamp now;
  std::string request_id;
};

}  // namespace commerce::detail
