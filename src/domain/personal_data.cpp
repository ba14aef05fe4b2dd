// The erasure of personal data: an order's (or a closed cart's) shipping address removed, the
// rest of the order kept (commerce/orders.h, docs/orders.md).
#include "domain/personal_data.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "domain/event_writer.h"
#include "domain/order_saga.h"
#include "domain/validate.h"

namespace commerce::detail {

namespace {

bool finished(OrderStatus status) {
  return status == OrderStatus::kDelivered || status == OrderStatus::kCancelled ||
         status == OrderStatus::kFailed;
}

void announce_erased(Command& cmd, const std::string& order_id) {
  emit(cmd, "OrderPersonalDataErased", order_id, {{"order_id", order_id}});
}

}  // namespace

int erase_old_order_addresses(Command& cmd, Timestamp before, int limit) {
  const std::vector<std::string> erased = cmd.tx.erase_old_order_addresses(before, limit, cmd.now);
  for (const std::string& order_id : erased) announce_erased(cmd, order_id);
  return static_cast<int>(erased.size());
}

int OrderSaga::erase_personal_data_before(Timestamp older_than, int limit) {
  check_limit(limit);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return erase_old_order_addresses(cmd, older_than, limit);
  });
}

Order OrderSaga::erase_personal_data(const std::string& order_id) {
  check_id("order_id", order_id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const auto order = tx.find_order(order_id);
    if (!order) throw Error::not_found("order", order_id);
    if (!finished(order->status)) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order_id,
          fmt::format("order '{}' is {}: its address is erased once it is delivered, cancelled "
                      "or failed",
                      order_id, to_string(order->status)));
    }
    if (tx.try_erase_order_address(order_id, cmd.now)) announce_erased(cmd, order_id);
  });
  return get(order_id);
}

}  // namespace commerce::detail

namespace commerce {

int OrderBook::erase_personal_data_before(Timestamp older_than, int limit) {
  return saga_->erase_personal_data_before(older_than, limit);
}

Order OrderBook::erase_personal_data(const std::string& order_id) {
  return saga_->erase_personal_data(order_id);
}

}  // namespace commerce
