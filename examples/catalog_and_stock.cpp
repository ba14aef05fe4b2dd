// A shop's first minutes: stock a product, give a user points and a coupon, reserve an order.
// Usage: example_catalog_and_stock [DATABASE_FILE]   (default: a fresh file in /tmp)
#include <commerce/error.h>
#include <commerce/store.h>

#include <cstdio>
#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  const std::string path =
      argc > 1 ? argv[1] : (std::filesystem::temp_directory_path() / "commerce-example.db").string();
  std::filesystem::remove(path);
  auto store = commerce::Store::open(path);

  store->catalog().add_category("mugs", "Mugs");
  store->catalog().create({.id = "mug-blue", .name = "Blue mug", .price = 12000,
                           .category = "mugs", .initial_stock = 3});
  store->points().charge("alice", 5000, "welcome-alice");
  store->coupons().create_template({.code = "WELCOME10", .kind = commerce::CouponKind::kPercent,
                                    .value = 10, .valid_from = 0, .valid_until = 4102444800000,
                                    .total_limit = 100, .per_user_limit = 1});
  const auto coupon = store->coupons().issue("WELCOME10", "alice");

  store->stock().reserve("order-1", {{"mug-blue", 2}});
  const auto level = store->stock().level("mug-blue");
  std::printf("mug-blue: on hand %lld, reserved %lld, available %lld\n",
              static_cast<long long>(level.on_hand), static_cast<long long>(level.reserved),
              static_cast<long long>(level.available));
  std::printf("coupon %s would take %lld off 24000\n", coupon.id.c_str(),
              static_cast<long long>(store->coupons().quote(coupon.id, "alice", 24000)));

  try {
    store->stock().reserve("order-2", {{"mug-blue", 2}});
  } catch (const commerce::Error& e) {
    std::printf("order-2 refused: %s (product %s)\n", e.what(), e.subject().c_str());
  }
  std::printf("alice has %lld points\n", static_cast<long long>(store->points().balance("alice")));
  return 0;
}
