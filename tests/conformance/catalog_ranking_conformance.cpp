// Product listings ranked by relevance (ProductOrder::kRelevance) on every adapter: the order
// rules that hold whatever the backend's text score (the name is the text, then the name holds
// it, then only the description does; ties by id), pages that list every match once, and the
// refusals of a ranking without a text of 3+ characters and of cursors from elsewhere.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

// The fixed catalog: for the text "mug", two products named exactly that (any case), two whose
// names hold it, two that mention it only in the description, one that does not match, and a
// deleted one named "mug".
void create_kitchen(Catalog& catalog) {
  struct Row {
    const char* id;
    const char* name;
    const char* description;
  };
  const Row rows[] = {
      {"bowl", "Bowl", "for soup"},
      {"cup", "Cup", "a mug, a mug, a mug: a cup"},
      {"mug", "Mug", "plain"},
      {"mug-rack", "Mug rack for the kitchen wall", "wood"},
      {"old-mug", "mug", "plain"},
      {"plate", "Plate", "goes with any mug"},
      {"red-mug", "Red Mug", "red"},
      {"xmug", "MUG", "plain"},
  };
  for (const Row& r : rows) {
    catalog.create({.id = r.id, .name = r.name, .description = r.description, .price = 100});
  }
  catalog.remove("old-mug");
}

ProductFilter ranked(std::string text) {
  return {.text = std::move(text), .order = ProductOrder::kRelevance};
}

// Every page of `filter` at `limit` a page, in order; at most `max_rows` rows (pages that
// repeat rows would go on forever).
std::vector<std::string> all_pages(const Catalog& catalog, const ProductFilter& filter,
                                   int limit, std::size_t max_rows) {
  std::vector<std::string> out;
  std::string cursor;
  do {
    const auto page = catalog.list(filter, cursor, limit);
    EXPECT_LE(page.items.size(), static_cast<std::size_t>(limit));
    for (const auto& p : page.items) out.push_back(p.id);
    cursor = page.next_cursor;
  } while (!cursor.empty() && out.size() <= max_rows);
  return out;
}

std::set<std::string> as_set(std::vector<std::string> ids) { return {ids.begin(), ids.end()}; }

TEST_P(StorageConformance, RankingPutsExactNamesThenNamesThenDescriptions) {
  create_kitchen(store_->catalog());
  const auto ranking = ids_of(store_->catalog().list(ranked("mUg"), {}, 50));
  ASSERT_EQ(ranking.size(), 6u);
  // The names equal to the text, tied (the same texts score the same): by id.
  EXPECT_EQ(std::vector<std::string>(ranking.begin(), ranking.begin() + 2),
            (std::vector<std::string>{"mug", "xmug"}));
  // The names that hold it, then the descriptions only, each in the backend's own order.
  EXPECT_EQ(as_set({ranking.begin() + 2, ranking.begin() + 4}),
            (std::set<std::string>{"mug-rack", "red-mug"}));
  EXPECT_EQ(as_set({ranking.begin() + 4, ranking.end()}),
            (std::set<std::string>{"cup", "plate"}));
  // The same matches as the listing by id.
  EXPECT_EQ(as_set(ranking), as_set(ids_of(store_->catalog().list({.text = "mug"}, {}, 50))));

  // The other filters apply; a rename moves a product between tiers.
  store_->catalog().update("plate", {.brand = "Zeta"});
  EXPECT_EQ(ids_of(store_->catalog().list(
                {.brand = "Zeta", .text = "mug", .order = ProductOrder::kRelevance}, {}, 50)),
            (std::vector<std::string>{"plate"}));
  store_->catalog().update("plate", {.name = "MUG"});
  const auto renamed = ids_of(store_->catalog().list(ranked("mug"), {}, 50));
  ASSERT_EQ(renamed.size(), 6u);
  EXPECT_EQ(as_set({renamed.begin(), renamed.begin() + 3}),
            (std::set<std::string>{"mug", "plate", "xmug"}));
  EXPECT_EQ(renamed.back(), "cup");
}

// Pages of a ranking seek from the cursor's (score, id): at any page size they list the ranking
// of one page, each match once, across runs of equal scores (the "twin" products) and tiers.
TEST_P(StorageConformance, RankingPagesListEveryMatchOnce) {
  create_kitchen(store_->catalog());
  for (int i = 0; i < 7; ++i) {
    store_->catalog().create({.id = "twin-" + std::to_string(i), .name = "Travel mug",
                              .description = "the same", .price = 100});
  }
  const auto whole = ids_of(store_->catalog().list(ranked("mug"), {}, 50));
  ASSERT_EQ(whole.size(), 13u);
  EXPECT_EQ(as_set(whole).size(), 13u);
  // The twins tie: consecutive, by id.
  const auto first_twin = std::find(whole.begin(), whole.end(), "twin-0");
  ASSERT_LE(first_twin + 7, whole.end());
  for (int i = 0; i < 7; ++i) EXPECT_EQ(first_twin[i], "twin-" + std::to_string(i));
  for (int limit : {1, 2, 3, 5}) {
    EXPECT_EQ(all_pages(store_->catalog(), ranked("mug"), limit, whole.size()), whole)
        << "limit " << limit;
  }
}

TEST_P(StorageConformance, RankingRefusesShortTextsAndForeignCursors) {
  create_kitchen(store_->catalog());
  Catalog& catalog = store_->catalog();
  for (const std::string text : {"", "mu", "\xC3\xA9\xC3\xA9"}) {  // "éé": 4 bytes, 2 characters
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.list(ranked(text), {}, 10),
                                    ErrorCode::kInvalidArgument),
              "order")
        << text;
  }
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(parse_product_order("best"), ErrorCode::kInvalidArgument),
            "order");
  EXPECT_EQ(parse_product_order("relevance"), ProductOrder::kRelevance);
  EXPECT_EQ(to_string(ProductOrder::kId), "id");

  const std::string relevance_cursor = catalog.list(ranked("mug"), {}, 2).next_cursor;
  const std::string id_cursor = catalog.list({.text = "mug"}, {}, 2).next_cursor;
  ASSERT_FALSE(relevance_cursor.empty());
  ASSERT_FALSE(id_cursor.empty());
  auto refused = [&](const ProductFilter& filter, const std::string& cursor) {
    return EXPECT_COMMERCE_ERROR(catalog.list(filter, cursor, 2), ErrorCode::kInvalidArgument);
  };
  EXPECT_EQ(refused(ranked("mug"), id_cursor), "cursor");           // from a listing by id
  EXPECT_EQ(refused({.text = "mug"}, relevance_cursor), "cursor");  // to a listing by id
  EXPECT_EQ(refused(ranked("cup"), relevance_cursor), "cursor");    // of another text
  EXPECT_EQ(refused(ranked("mug"), "zz"), "cursor");                // not hex
  // Any one digit changed (the score, the check or the id): refused.
  for (std::size_t i = 0; i < relevance_cursor.size(); ++i) {
    std::string tampered = relevance_cursor;
    tampered[i] = tampered[i] == '0' ? '1' : '0';
    EXPECT_EQ(refused(ranked("mug"), tampered), "cursor") << "digit " << i;
  }
  // The genuine cursor goes on.
  EXPECT_EQ(catalog.list(ranked("mug"), relevance_cursor, 50).items.size(), 4u);
}

}  // namespace
}  // namespace commerce::testing
