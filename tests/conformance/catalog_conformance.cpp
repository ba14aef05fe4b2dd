#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

NewProduct mug(std::string id = "mug", Money price = 12000) {
  return NewProduct{.id = std::move(id), .name = "Blue mug", .description = "Holds coffee",
                    .price = price, .brand = "Acme", .attributes = R"({"color":"blue"})"};
}

TEST_P(StorageConformance, CatalogCreateGetAndStockRow) {
  clock_->set(kStart + 5);
  Product created = store_->catalog().create(mug());
  EXPECT_EQ(created.created_at, kStart + 5);
  EXPECT_EQ(store_->catalog().get("mug"), created);
  EXPECT_EQ(store_->stock().level("mug"), (StockLevel{"mug", 0, 0, 0, 0}));
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().create(mug()), ErrorCode::kFailedPrecondition),
            "mug");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().get("nope"), ErrorCode::kNotFound), "nope");
}

TEST_P(StorageConformance, CatalogUpdateChangesOnlyGivenFields) {
  store_->catalog().create(mug());
  clock_->advance(10);
  Product updated = store_->catalog().update("mug", {.price = 15000});
  EXPECT_EQ(updated.price, 15000);
  EXPECT_EQ(updated.name, "Blue mug");
  EXPECT_EQ(updated.updated_at, kStart + 10);
  EXPECT_EQ(store_->catalog().get("mug"), updated);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().update("mug", {.price = -1}),
                                  ErrorCode::kInvalidArgument),
            "price");
  EXPECT_EQ(store_->catalog().get("mug").price, 15000);
  EXPECT_COMMERCE_ERROR(store_->catalog().update("ghost", {.price = 1}), ErrorCode::kNotFound);
}

TEST_P(StorageConformance, CatalogSoftDeleteHidesFromListsAndOrders) {
  store_->catalog().create(mug());
  store_->stock().adjust("mug", 5, "restock");
  Product removed = store_->catalog().remove("mug");
  EXPECT_EQ(removed.status, ProductStatus::kDeleted);
  EXPECT_EQ(store_->catalog().remove("mug").status, ProductStatus::kDeleted);  // idempotent
  EXPECT_EQ(store_->catalog().get("mug").status, ProductStatus::kDeleted);
  EXPECT_TRUE(store_->catalog().list().items.empty());
  EXPECT_EQ(store_->catalog().list({.status = ProductStatus::kDeleted}).items.size(), 1u);
  EXPECT_COMMERCE_ERROR(store_->catalog().update("mug", {.name = "x"}),
                        ErrorCode::kFailedPrecondition);
  EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {{"mug", 1}}),
                        ErrorCode::kFailedPrecondition);
}

TEST_P(StorageConformance, CatalogListFiltersAndPaginates) {
  store_->catalog().add_category("cups", "Cups");
  store_->catalog().add_category("pens", "Pens");
  for (int i = 0; i < 25; ++i) {
    NewProduct p = mug("p" + std::to_string(100 + i), 1000 * (i + 1));
    p.category = i % 2 ? "cups" : "pens";
    p.brand = i % 3 ? "Acme" : "Zeta";
    p.name = i == 7 ? "Special 50%_off Mug" : "Plain item";
    store_->catalog().create(p);
  }
  // Every page is bounded and the pages together list each product once, in id order.
  std::vector<std::string> seen;
  std::string cursor;
  do {
    auto page = store_->catalog().list({}, cursor, 10);
    EXPECT_LE(page.items.size(), 10u);
    for (auto& p : page.items) seen.push_back(p.id);
    cursor = page.next_cursor;
  } while (!cursor.empty());
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  EXPECT_EQ(store_->catalog().list({.category = "cups"}, {}, 100).items.size(), 12u);
  EXPECT_EQ(store_->catalog().list({.brand = "Zeta"}, {}, 100).items.size(), 9u);
  EXPECT_EQ(store_->catalog().list({.min_price = 5000, .max_price = 7000}, {}, 100).items.size(),
            3u);
  auto text = store_->catalog().list({.text = "50%_OFF"}, {}, 100).items;
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0].id, "p107");
  EXPECT_TRUE(store_->catalog().list({.text = "%"}, {}, 100).items.size() == 1u);
  EXPECT_TRUE(store_->catalog().list({.text = "holds COFFEE"}, {}, 100).items.size() == 25u);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().list({}, "not-hex", 10),
                                  ErrorCode::kInvalidArgument),
            "cursor");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().list({}, {}, 0), ErrorCode::kInvalidArgument),
            "limit");
}

// The text filter finds substrings of 3+ characters through an index on both adapters; the
// index follows renames, and its matches are the LIKE filter's (ASCII case-insensitive, pattern
// characters and quotes literal, non-ASCII text as is).
TEST_P(StorageConformance, CatalogTextSearchFollowsChanges) {
  auto ids = [&](const std::string& text, const std::string& cursor = {}, int limit = 100) {
    std::vector<std::string> out;
    for (const auto& p : store_->catalog().list({.text = text}, cursor, limit).items) {
      out.push_back(p.id);
    }
    return out;
  };
  NewProduct a = mug("a1");
  a.name = "Blue \"Moon\" Mug";
  a.description = "한정판 머그컵";
  store_->catalog().create(a);
  NewProduct b = mug("b1");
  b.name = "Red mugWARMER";
  store_->catalog().create(b);
  EXPECT_EQ(ids("MUG"), (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(ids("\"moon\""), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(ids("머그컵"), (std::vector<std::string>{"a1"}));
  EXPECT_EQ(ids("gwa"), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(ids("mugs").empty());
  // Paging through a text search lists each match once.
  const auto first = store_->catalog().list({.text = "mug"}, {}, 1);
  ASSERT_EQ(first.items.size(), 1u);
  EXPECT_EQ(ids("mug", first.next_cursor, 1), (std::vector<std::string>{"b1"}));
  // A rename: the old name is no longer found, the new one is.
  store_->catalog().update("b1", {.name = "Red kettle"});
  EXPECT_EQ(ids("warmer"), (std::vector<std::string>{}));
  EXPECT_EQ(ids("KETTLE"), (std::vector<std::string>{"b1"}));
  EXPECT_EQ(ids("mug"), (std::vector<std::string>{"a1"}));
}

TEST_P(StorageConformance, CatalogCategories) {
  store_->catalog().add_category("cups", "Cups");
  store_->catalog().add_category("cups", "Cups");  // idempotent
  EXPECT_COMMERCE_ERROR(store_->catalog().add_category("cups", "Mugs"),
                        ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->catalog().categories(), (std::vector<Category>{{"cups", "Cups"}}));
  NewProduct p = mug();
  p.category = "nope";
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().create(p), ErrorCode::kNotFound), "nope");
}

TEST_P(StorageConformance, CatalogStoresSqlMetacharactersVerbatim) {
  NewProduct p = mug();
  p.name = "Robert'); DROP TABLE products;-- \xea\xb8\xb0";
  p.description = "50% off \\ _ \" ' ; --";
  p.brand = "O'Brien";
  store_->catalog().create(p);
  Product back = store_->catalog().get("mug");
  EXPECT_EQ(back.name, p.name);
  EXPECT_EQ(back.description, p.description);
  EXPECT_EQ(back.brand, p.brand);
  EXPECT_EQ(store_->catalog().list().items.size(), 1u);
}

TEST_P(StorageConformance, PriceChangesDoNotTouchReservations) {
  store_->catalog().create(mug());
  store_->stock().adjust("mug", 3, "restock");
  store_->stock().reserve("o1", {{"mug", 2}});
  store_->catalog().update("mug", {.price = 99});
  EXPECT_EQ(store_->stock().reservations("o1").at(0).qty, 2);
}

TEST_P(StorageConformance, IdempotentCreateReturnsFirstResultAndConflictsOnOtherArguments) {
  Product first = store_->catalog().create(mug(), "req-1");
  clock_->advance(1000);
  EXPECT_EQ(store_->catalog().create(mug(), "req-1"), first);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->catalog().create(mug("other"), "req-1"),
                                  ErrorCode::kConflict),
            "req-1");
  // The key survives reopening: it is stored, not kept in memory.
  auto again = open_again();
  EXPECT_EQ(again->catalog().create(mug(), "req-1"), first);
  EXPECT_COMMERCE_ERROR(again->catalog().create(mug("other"), "req-1"), ErrorCode::kConflict);
  EXPECT_COMMERCE_ERROR(store_->catalog().get("other"), ErrorCode::kNotFound);
}

TEST_P(StorageConformance, StoreKeepsItsCurrency) {
  StoreOptions usd;
  usd.currency = "USD";
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(Store::open(location_, usd), ErrorCode::kFailedPrecondition),
            "currency");
  usd.currency = "usd";
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(Store::open(location_, usd), ErrorCode::kInvalidArgument),
            "currency");
  // An empty currency opens the store with the one it was created with.
  StoreOptions own;
  own.currency.clear();
  EXPECT_EQ(Store::open(location_, own)->options().currency, "KRW");
}

}  // namespace
}  // namespace commerce::testing
