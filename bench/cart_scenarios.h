// Carts (issue 18), on any storage: a 10-line cart's quote, and its checkout beside placing an
// order with the same 10 lines directly, in the same run. Names (prefix "" on SQLite,
// "postgres/" on PostgreSQL):
//   <prefix>cart/quote/10-lines      Carts::quote of one user's 10-line cart, repeated `quotes`
//                                    times: quotes_per_s, p50_us and p99_us (per call).
//   <prefix>cart/checkout/10-lines   `orders` carts, each filled with the 10 lines (not timed:
//                                    the shopper's work) and checked out (timed): orders_per_s,
//                                    p50_us, p99_us of checkout; fill_us_per_cart for the filling.
//   <prefix>order/place/10-lines     `orders` orders placed with the same 10 lines directly.
// The store: 10 products (1,000 .. 10,000, ample stock), a flat shipping option (kCartShipping,
// 3,000), the default tax calculator (korean_vat), payment by card through a FakeGateway.
// Every order must end CONFIRMED (else the run reports an error). One thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "commerce/store.h"

namespace commerce::bench {

inline const std::string kCartShipping = "parcel";

// Opens a store with `options` over a fresh, empty database of the benchmark's storage.
using OpenFreshStore = std::function<std::unique_ptr<Store>(StoreOptions options)>;

// Registers the three benchmarks above, names prefixed with `prefix`.
void register_cart_benchmarks(const std::string& prefix, OpenFreshStore open, int orders,
                              int quotes);

}  // namespace commerce::bench
