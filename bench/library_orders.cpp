#include "library_orders.h"

#include <fmt/format.h>

#include "commerce/error.h"

namespace commerce::bench {

bool library_place(Store& store, const std::string& user, const std::string& coupon,
                   const std::vector<std::pair<std::string, std::int64_t>>& items, Money points) {
  PlaceOrder request{.user_id = user,
                     .coupon_id = coupon,
                     .coupon_required = true,
                     .points_to_use = points,
                     .payment_method = "card"};
  for (const auto& [product, qty] : items) request.items.push_back({product, qty});
  const Order order = store.orders().place(request);
  if (order.status == OrderStatus::kConfirmed) return true;
  if (order.status == OrderStatus::kFailed) return false;
  throw Error::internal(fmt::format("bench order '{}' ended {}: {}", order.id,
                                    to_string(order.status), order.failure_reason));
}

}  // namespace commerce::bench
