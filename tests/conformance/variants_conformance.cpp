// Variants (docs/variants.md): a product with option axes is sold through its variants, product
// rows naming their parent, each with its own options, price, status and stock.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/payments.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

NewProduct tee() {
  return NewProduct{.id = "tee",
                    .name = "T-shirt",
                    .description = "Cotton",
                    .price = 20000,
                    .brand = "Acme",
                    .axes = {{"size", {"S", "M", "L"}}, {"colour", {"red", "blue"}}}};
}

NewVariant tee_variant(std::string id, std::string size, std::string colour,
                       std::int64_t stock = 0) {
  return NewVariant{.id = std::move(id),
                    .options = {{"size", std::move(size)}, {"colour", std::move(colour)}},
                    .price = 21000,
                    .initial_stock = stock};
}

TEST_P(StorageConformance, VariantsAreProductRowsNamingTheirParent) {
  Catalog& catalog = store_->catalog();
  const Product parent = catalog.create(tee());
  EXPECT_EQ(parent.axes, tee().axes);
  EXPECT_EQ(catalog.get("tee"), parent);

  clock_->advance(5);
  const Product red = catalog.add_variant("tee", tee_variant("tee-s-red", "S", "red", 3));
  EXPECT_EQ(red.parent_id, "tee");
  EXPECT_EQ(red.options, (OptionValues{{"colour", "red"}, {"size", "S"}}));
  EXPECT_EQ(red.name, "T-shirt (S, red)");  // the parent's name and values in axis order
  EXPECT_EQ(red.description, "Cotton");
  EXPECT_EQ(red.brand, "Acme");
  EXPECT_EQ(red.price, 21000);
  EXPECT_TRUE(red.axes.empty());
  EXPECT_EQ(red.created_at, kStart + 5);
  EXPECT_EQ(catalog.get("tee-s-red"), red);
  EXPECT_EQ(store_->stock().level("tee-s-red"), (StockLevel{"tee-s-red", 3, 0, 3, 0}));

  NewVariant named = tee_variant("tee-m-blue", "M", "blue");
  named.name = "Blue tee, medium";
  EXPECT_EQ(catalog.add_variant("tee", named).name, "Blue tee, medium");

  // The product's page: its variants with what can be ordered now.
  store_->stock().reserve("o1", {{"tee-s-red", 1}});
  EXPECT_EQ(catalog.variants("tee"),
            (std::vector<VariantAvailability>{{catalog.get("tee-m-blue"), 0}, {red, 2}}));
  // A product without axes is its own one variant; so is a variant.
  catalog.create({.id = "mug", .name = "Mug", .price = 100, .initial_stock = 4});
  EXPECT_EQ(catalog.variants("mug"),
            (std::vector<VariantAvailability>{{catalog.get("mug"), 4}}));
  EXPECT_EQ(catalog.variants("tee-s-red"), (std::vector<VariantAvailability>{{red, 2}}));
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.variants("ghost"), ErrorCode::kNotFound), "ghost");

  // A variant's events name its parent and options; a top-level product's do not.
  catalog.update("tee-s-red", {.price = 19000});
  std::vector<nlohmann::json> variant_events;
  for (const Event& e : events_of(*store_)) {
    if (e.type != "ProductCreated" && e.type != "ProductUpdated") continue;
    const auto payload = nlohmann::json::parse(e.payload);
    if (e.key == "tee" || e.key == "mug") {
      EXPECT_FALSE(payload.contains("parent_id")) << e.payload;
    }
    if (e.key == "tee-s-red") variant_events.push_back(payload);
  }
  ASSERT_EQ(variant_events.size(), 2u);
  for (const auto& payload : variant_events) {
    EXPECT_EQ(payload["parent_id"], "tee");
    EXPECT_EQ(payload["options"], (nlohmann::json{{"colour", "red"}, {"size", "S"}}));
  }
  EXPECT_EQ(variant_events[1]["price"], 19000);
  EXPECT_EQ(catalog.get("tee-s-red").options, red.options);  // update() keeps the options
}

TEST_P(StorageConformance, BadVariantsAreRefusedAndChangeNothing) {
  Catalog& catalog = store_->catalog();
  catalog.create(tee());
  catalog.add_variant("tee", tee_variant("tee-s-red", "S", "red"));
  catalog.create({.id = "mug", .name = "Mug", .price = 100});
  const auto events_before = events_of(*store_).size();
  const auto products_before = catalog.list({}, {}, 100).items;

  auto refused = [&](const NewVariant& v, ErrorCode code, const std::string& parent = "tee") {
    return EXPECT_COMMERCE_ERROR(catalog.add_variant(parent, v), code);
  };
  NewVariant v = tee_variant("x", "S", "red");
  v.options.erase("colour");
  EXPECT_EQ(refused(v, ErrorCode::kInvalidArgument), "options");  // an axis without a value
  v.options["colour"] = "green";
  EXPECT_EQ(refused(v, ErrorCode::kInvalidArgument), "options");  // not an allowed value
  v.options["colour"] = "red";
  v.options["fit"] = "slim";
  EXPECT_EQ(refused(v, ErrorCode::kInvalidArgument), "options");  // an axis the parent lacks
  v.options.erase("fit");
  v.options["size"] = "";
  EXPECT_EQ(refused(v, ErrorCode::kInvalidArgument), "options");
  // The same combination as tee-s-red.
  EXPECT_EQ(refused(tee_variant("x", "S", "red"), ErrorCode::kFailedPrecondition), "options");
  EXPECT_EQ(refused(tee_variant("mug", "M", "red"), ErrorCode::kFailedPrecondition), "mug");
  EXPECT_EQ(refused(tee_variant("x", "M", "red"), ErrorCode::kFailedPrecondition, "mug"), "mug");
  EXPECT_EQ(refused(tee_variant("x", "M", "red"), ErrorCode::kNotFound, "ghost"), "ghost");
  EXPECT_EQ(refused(tee_variant("x y", "M", "red"), ErrorCode::kInvalidArgument), "id");
  NewVariant cheap = tee_variant("x", "M", "red");
  cheap.price = -1;
  EXPECT_EQ(refused(cheap, ErrorCode::kInvalidArgument), "price");

  NewProduct bad = tee();
  bad.id = "bad";
  bad.axes[0].values.push_back("S");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.create(bad), ErrorCode::kInvalidArgument), "axes");
  bad.axes = {{"size", {}}};
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.create(bad), ErrorCode::kInvalidArgument), "axes");
  bad.axes = {{"size", {"S"}}, {"size", {"M"}}};
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.create(bad), ErrorCode::kInvalidArgument), "axes");

  EXPECT_EQ(catalog.list({}, {}, 100).items, products_before);
  EXPECT_EQ(events_of(*store_).size(), events_before);
  EXPECT_EQ(catalog.variants("tee").size(), 1u);
  EXPECT_COMMERCE_ERROR(store_->stock().level("x"), ErrorCode::kNotFound);
}

TEST_P(StorageConformance, VariantRequestsAreIdempotent) {
  store_->catalog().create(tee());
  const Product first = store_->catalog().add_variant("tee", tee_variant("a", "S", "red"), "r-1");
  clock_->advance(100);
  EXPECT_EQ(store_->catalog().add_variant("tee", tee_variant("a", "S", "red"), "r-1"), first);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store_->catalog().add_variant("tee", tee_variant("a", "M", "red"), "r-1"),
                ErrorCode::kConflict),
            "r-1");
}

TEST_P(StorageConformance, ListingFiltersByOptionValuesAndParent) {
  Catalog& catalog = store_->catalog();
  catalog.create(tee());
  catalog.add_variant("tee", tee_variant("tee-1", "S", "red"));
  catalog.add_variant("tee", tee_variant("tee-2", "M", "red"));
  catalog.add_variant("tee", tee_variant("tee-3", "M", "blue"));
  catalog.add_variant("tee", tee_variant("tee-4", "L", "blue"));
  NewProduct cap = tee();
  cap.id = "cap";
  cap.name = "Cap";
  cap.axes = {{"colour", {"red", "black"}}};
  catalog.create(cap);
  catalog.add_variant("cap", {.id = "cap-red", .options = {{"colour", "red"}}, .price = 5});
  catalog.create({.id = "mug", .name = "Red mug", .price = 100});

  auto list = [&](const ProductFilter& filter) { return ids_of(catalog.list(filter, {}, 100)); };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(list({.options = {{"colour", "red"}}}), (Ids{"cap-red", "tee-1", "tee-2"}));
  // Every value must match on one variant.
  EXPECT_EQ(list({.options = {{"colour", "red"}, {"size", "M"}}}), (Ids{"tee-2"}));
  EXPECT_EQ(list({.options = {{"colour", "blue"}, {"size", "S"}}}), Ids{});
  EXPECT_EQ(list({.options = {{"colour", "green"}}}), Ids{});
  // With the other filters.
  EXPECT_EQ(list({.max_price = 10, .options = {{"colour", "red"}}}), (Ids{"cap-red"}));
  EXPECT_EQ(list({.text = "T-shirt", .options = {{"colour", "red"}}}), (Ids{"tee-1", "tee-2"}));
  // By parent: "" top-level products only, an id that product's variants.
  EXPECT_EQ(list({.parent_id = ""}), (Ids{"cap", "mug", "tee"}));
  EXPECT_EQ(list({.parent_id = "tee"}), (Ids{"tee-1", "tee-2", "tee-3", "tee-4"}));
  EXPECT_EQ(list({.options = {{"size", "M"}}, .parent_id = "cap"}), Ids{});
  EXPECT_EQ(list({}).size(), 8u);  // unset: everything, as before
  // A deleted variant leaves the listing.
  catalog.remove("tee-2");
  EXPECT_EQ(list({.options = {{"colour", "red"}}}), (Ids{"cap-red", "tee-1"}));
  // Pages through an option filter list each match once.
  const auto first = catalog.list({.options = {{"colour", "blue"}}}, {}, 1);
  EXPECT_EQ(ids_of(first), (Ids{"tee-3"}));
  EXPECT_EQ(ids_of(catalog.list({.options = {{"colour", "blue"}}}, first.next_cursor, 1)),
            (Ids{"tee-4"}));

  OptionValues many;
  for (int i = 0; i < 9; ++i) many["axis" + std::to_string(i)] = "v";
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.list({.options = many}), ErrorCode::kInvalidArgument),
            "options");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.list({.options = {{"colour", ""}}}),
                                  ErrorCode::kInvalidArgument),
            "options");
}

TEST_P(StorageConformance, AVariantIsOrderedAndItsParentIsNot) {
  auto gateway = std::make_shared<FakeGateway>();
  StoreOptions options;
  options.clock = clock_;
  options.gateway = gateway;
  auto store = Store::open(location_, options);
  Catalog& catalog = store->catalog();
  catalog.create(tee());
  catalog.add_variant("tee", tee_variant("tee-m-red", "M", "red", 5));
  catalog.add_variant("tee", tee_variant("tee-l-red", "L", "red", 5));

  const Order order = store->orders().place(
      {.user_id = "u1", .items = {{"tee-m-red", 2}}, .payment_method = "card"});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  ASSERT_EQ(order.items.size(), 1u);
  EXPECT_EQ(order.items[0].product_id, "tee-m-red");
  EXPECT_EQ(order.items[0].name, "T-shirt (M, red)");
  EXPECT_EQ(order.total, 42000);
  EXPECT_EQ(store->stock().level("tee-m-red"), (StockLevel{"tee-m-red", 3, 0, 3, 2}));
  EXPECT_EQ(store->stock().level("tee-l-red").available, 5);

  // The parent sells through its variants: neither an order nor a reservation may hold it.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store->orders().place({.user_id = "u1", .items = {{"tee", 1}}}),
                ErrorCode::kFailedPrecondition),
            "tee");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store->stock().reserve("o2", {{"tee", 1}}),
                                  ErrorCode::kFailedPrecondition),
            "tee");
  EXPECT_TRUE(store->stock().reservations("o2").empty());

  // Removing the parent removes its variants: none can be ordered, the page is empty.
  catalog.remove("tee");
  EXPECT_EQ(catalog.get("tee-l-red").status, ProductStatus::kDeleted);
  EXPECT_TRUE(catalog.variants("tee").empty());
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store->orders().place({.user_id = "u1", .items = {{"tee-l-red", 1}}}),
                ErrorCode::kFailedPrecondition),
            "tee-l-red");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(catalog.add_variant("tee", tee_variant("x", "S", "red")),
                                  ErrorCode::kFailedPrecondition),
            "tee");
  // The order placed before keeps its lines.
  EXPECT_EQ(store->orders().get(order.id).items, order.items);
}

}  // namespace
}  // namespace commerce::testing
