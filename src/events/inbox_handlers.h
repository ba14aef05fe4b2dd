// The inbox's built-in handlers (payment results, delivery updates).
#pragma once

#include "commerce/inbox.h"

namespace commerce::detail {

// Registers PaymentCompleted, PaymentFailed and DeliveryUpdated on `inbox`. `orders` receives
// the follow-ups that must run after the message's transaction (may be null).
void register_builtin_handlers(Inbox& inbox, OrderBook* orders);

}  // namespace commerce::detail
