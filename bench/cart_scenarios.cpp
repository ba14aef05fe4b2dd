#include "cart_scenarios.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "bench_support.h"
#include "commerce/error.h"

namespace commerce::bench {
namespace {

constexpr int kLines = 10;
constexpr Money kShippingFee = 3'000;
constexpr int kUsers = 100;

std::string line_product(int i) { return "cart-line-" + std::to_string(i); }

// The 10 lines every cart and order holds: one unit of each product.
std::vector<LineItem> ten_lines() {
  std::vector<LineItem> items;
  for (int i = 0; i < kLines; ++i) items.push_back({line_product(i), 1});
  return items;
}

// A fresh store: the 10 products with ample stock, the shipping option, the default tax, a
// gateway that approves every charge.
std::unique_ptr<Store> cart_store(const OpenFreshStore& open) {
  StoreOptions options;
  options.gateway = std::make_shared<FakeGateway>();
  options.shipping_options = {flat_shipping(kCartShipping, kShippingFee)};
  auto store = open(std::move(options));
  for (int i = 0; i < kLines; ++i) {
    store->catalog().create({.id = line_product(i),
                             .name = "Cart bench item " + std::to_string(i),
                             .price = 1'000 * (i + 1),
                             .initial_stock = 1'000'000'000});
  }
  return store;
}

// The duration of each call of a timed loop.
class Latencies {
 public:
  explicit Latencies(int calls) { seconds_.reserve(static_cast<std::size_t>(calls)); }

  template <class Call>
  void time(Call&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    seconds_.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  double total_seconds() const {
    double sum = 0;
    for (double s : seconds_) sum += s;
    return sum;
  }

  // Sets the counters p50_us and p99_us (nearest rank).
  void report_percentiles(benchmark::State& state) {
    if (seconds_.empty()) return;
    std::sort(seconds_.begin(), seconds_.end());
    auto quantile_us = [&](double q) {
      const double n = static_cast<double>(seconds_.size());
      const auto rank = static_cast<std::size_t>(std::ceil(q * n));
      return seconds_[std::max<std::size_t>(rank, 1) - 1] * 1e6;
    };
    state.counters["p50_us"] = quantile_us(0.50);
    state.counters["p99_us"] = quantile_us(0.99);
  }

 private:
  std::vector<double> seconds_;
};

void require_confirmed(const Order& order) {
  if (order.status != OrderStatus::kConfirmed) {
    throw Error::internal(fmt::format("bench order '{}' ended {}: {}", order.id,
                                      to_string(order.status), order.failure_reason));
  }
}

CartKey filled_cart(Store& store, const std::string& user) {
  const Cart cart = store.carts().open_for_user(user);
  const CartKey key = CartKey::for_user(cart.id, user);
  for (const LineItem& line : ten_lines()) store.carts().add(key, line.product_id, line.qty);
  return key;
}

void quote_scenario(benchmark::State& state, const OpenFreshStore& open, int quotes) {
  for (auto _ : state) {
    auto store = cart_store(open);
    const CartKey key = filled_cart(*store, user_id(0));
    const CartCheckout request{.shipping_option = kCartShipping};
    const Money total = store->carts().quote(key, request).total;  // warms the statements
    Latencies latencies(quotes);
    for (int i = 0; i < quotes; ++i) {
      latencies.time([&] {
        if (store->carts().quote(key, request).total != total) {
          throw Error::internal("the quote of an unchanged cart changed");
        }
      });
    }
    state.SetIterationTime(latencies.total_seconds());
    state.counters["quotes_per_s"] = quotes / latencies.total_seconds();
    latencies.report_percentiles(state);
  }
}

void checkout_scenario(benchmark::State& state, const OpenFreshStore& open, int orders) {
  for (auto _ : state) {
    auto store = cart_store(open);
    const CartCheckout request{.shipping_option = kCartShipping};
    Latencies latencies(orders);
    double fill_seconds = 0;
    for (int i = 0; i < orders; ++i) {
      const auto fill_start = std::chrono::steady_clock::now();
      const CartKey key = filled_cart(*store, user_id(i % kUsers));
      fill_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
      latencies.time([&] { require_confirmed(store->carts().checkout(key, request)); });
    }
    report(state, orders, latencies.total_seconds());
    state.counters["fill_us_per_cart"] = fill_seconds / orders * 1e6;
    latencies.report_percentiles(state);
  }
}

void place_scenario(benchmark::State& state, const OpenFreshStore& open, int orders) {
  for (auto _ : state) {
    auto store = cart_store(open);
    Latencies latencies(orders);
    for (int i = 0; i < orders; ++i) {
      const PlaceOrder request{
          .user_id = user_id(i % kUsers), .items = ten_lines(), .shipping_option = kCartShipping};
      latencies.time([&] { require_confirmed(store->orders().place(request)); });
    }
    report(state, orders, latencies.total_seconds());
    latencies.report_percentiles(state);
  }
}

}  // namespace

void register_cart_benchmarks(const std::string& prefix, OpenFreshStore open, int orders,
                              int quotes) {
  auto add = [&](const std::string& name, auto scenario, int count) {
    benchmark::RegisterBenchmark((prefix + name).c_str(),
                                 [open, scenario, count](benchmark::State& st) {
                                   scenario(st, open, count);
                                 })
        ->UseManualTime()
        ->Iterations(1)
        ->Unit(benchmark::kMillisecond);
  };
  add("cart/quote/10-lines", quote_scenario, quotes);
  add("cart/checkout/10-lines", checkout_scenario, orders);
  add("order/place/10-lines", place_scenario, orders);
}

}  // namespace commerce::bench
