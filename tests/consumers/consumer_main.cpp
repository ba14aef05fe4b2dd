// A host program that links commerce::core and nothing else of this repository: it opens a store
// on a SQLite file, stocks a product and reserves it. Exits 0 only if the numbers add up.
// Usage: commerce_consumer DATABASE_FILE
#include <commerce/error.h>
#include <commerce/store.h>

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATABASE_FILE\n", argv[0]);
    return 2;
  }
  std::filesystem::remove(argv[1]);
  try {
    auto store = commerce::Store::open(argv[1]);
    store->catalog().create(
        {.id = "consumer-sku", .name = "Consumer mug", .price = 9900, .initial_stock = 3});
    store->stock().reserve("consumer-order", {{"consumer-sku", 2}});
    const auto level = store->stock().level("consumer-sku");
    std::printf("consumer: on hand %lld, reserved %lld, available %lld\n",
                static_cast<long long>(level.on_hand), static_cast<long long>(level.reserved),
                static_cast<long long>(level.available));
    return level.on_hand == 3 && level.reserved == 2 && level.available == 1 ? 0 : 1;
  } catch (const commerce::Error& e) {
    std::fprintf(stderr, "consumer: %s (%s)\n", e.what(), e.subject().c_str());
    return 1;
  }
}
