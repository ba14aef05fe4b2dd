// The erasure of personal data (issue 19: PIPA, GDPR): the shipping addresses of finished orders
// and closed carts (commerce/orders.h, OrderBook::erase_personal_data*; Store::compact()).
#pragma once

#include "commerce/clock.h"
#include "context.h"

namespace commerce::detail {

// In `cmd`'s unit of work: erases the addresses of at most `limit` finished orders last updated
// before `before`, oldest first, each with its OrderPersonalDataErased event; returns how many.
int erase_old_order_addresses(Command& cmd, Timestamp before, int limit);

}  // namespace commerce::detail
