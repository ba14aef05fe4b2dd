// A relay over any storage adapter and clock, for the library's own tests (which wrap the
// store's storage to count its units of work); hosts make relays of a Store.
#pragma once

#include <utility>

#include "commerce/outbox_relay.h"
#include "commerce/storage.h"

namespace commerce::detail {

struct RelayAccess {
  static OutboxRelay over(Storage& storage, const Clock& clock, EventSink& sink,
                          RelayOptions options = {}) {
    return OutboxRelay(storage, clock, sink, std::move(options));
  }
};

}  // namespace commerce::detail
