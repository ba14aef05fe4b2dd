// The inbox's built-in handlers (payment results, delivery updates) and the private access they
// need to the inbox's unit of work.
#pragma once

#include "commerce/inbox.h"

namespace commerce::detail {

struct InboxAccess {
  // The domain's view of the unit of work a message is applied in.
  static Command& command(InboxContext& ctx) { return *ctx.command_; }
};

// Registers PaymentCompleted, PaymentFailed and DeliveryUpdated on `inbox`. `orders` receives
// the follow-ups that must run after the message's transaction (may be null).
void register_builtin_handlers(Inbox& inbox, OrderBook* orders);

}  // namespace commerce::detail
