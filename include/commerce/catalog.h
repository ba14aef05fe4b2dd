// commerce/catalog.h: products and categories.
//
// Products carry the host's own string ids (a SKU). Prices are Money in the store's currency;
// changing a price never touches placed orders, which keep a snapshot. Deletion is soft.
// Catalog is thread-safe: every call is one storage transaction.
//
// Variants (docs/variants.md): a product may have option axes (size: S/M/L, colour: red/blue).
// Its variants are products too, each a row with its own id, price, status and stock, naming
// its parent in `parent_id` and one allowed value per axis of the parent in `options`. Orders,
// reservations and stock name the variant's id like any product's. A product with axes is not
// itself orderable; a product without axes is its own sellable unit, as before.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/page.h"

namespace commerce {

namespace detail {
struct Context;
}

enum class ProductStatus { kActive, kInactive, kDeleted };

// An option axis of a product: its name and its allowed values, in the order shown.
struct OptionAxis {
  std::string name;                 // 1..64 bytes of UTF-8 text without control characters
  std::vector<std::string> values;  // 1..100 distinct values, each as `name` is checked
  bool operator==(const OptionAxis&) const = default;
};

// A variant's option values: axis name -> value.
using OptionValues = std::map<std::string, std::string>;

struct Product {
  std::string id;
  std::string name;
  std::string description;
  Money price = 0;
  std::string category;  // a Category id, or empty
  std::string brand;
  ProductStatus status = ProductStatus::kActive;
  std::string attributes = "{}";  // free-form JSON object text
  std::string parent_id;          // a variant's product; empty for a top-level product
  OptionValues options;           // a variant's value on each axis of its parent; else empty
  std::vector<OptionAxis> axes;   // a product with variants: its option axes; else empty
  Timestamp created_at = 0;
  Timestamp updated_at = 0;

  bool operator==(const Product&) const = default;
};

struct NewProduct {
  std::string id;  // required: 1..128 printable ASCII characters, no spaces or quotes
  std::string name;  // required, UTF-8, at most 512 bytes
  std::string description;  // UTF-8, at most 16384 bytes
  Money price = 0;          // >= 0
  std::string category;
  std::string brand;
  ProductStatus status = ProductStatus::kActive;
  std::string attributes = "{}";  // a JSON object
  std::int64_t initial_stock = 0;  // units on hand at creation, >= 0
  // Option axes (at most 8, distinct names): the product is then sold through its variants
  // (Catalog::add_variant) and is not itself orderable. Fixed at creation.
  std::vector<OptionAxis> axes;
};

// A variant of a product with option axes. Its description, category, brand and attributes are
// its parent's at creation; change them (and price, status, name) with Catalog::update.
struct NewVariant {
  std::string id;          // required, as NewProduct::id; unique among all products
  OptionValues options;    // exactly one allowed value for each axis of the parent
  Money price = 0;         // >= 0
  ProductStatus status = ProductStatus::kActive;
  std::int64_t initial_stock = 0;  // units on hand at creation, >= 0
  std::string name;  // empty: the parent's name and the values, "T-shirt (M, red)" in axis order
};

// A variant on its product's page with the units that can be ordered now (stock available).
struct VariantAvailability {
  Product variant;
  std::int64_t available = 0;
  bool operator==(const VariantAvailability&) const = default;
};

// Fields left empty are not changed.
struct ProductChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<Money> price;
  std::optional<std::string> category;
  std::optional<std::string> brand;
  std::optional<ProductStatus> status;  // kActive or kInactive; use Catalog::remove to delete
  std::optional<std::string> attributes;
};

// Every set field must match. `text` matches name or description as a substring,
// case-insensitively for ASCII. By default deleted products are not listed; set `status` to list
// them. Rare matches are found through indexes, so a page costs about the same at a million
// products as at a thousand: a text of 3 or more characters through trigram indexes, a price
// range through a price index (docs/performance.md, "Search"); a text of 1-2 characters is
// checked row by row. `options` lists variants having every given axis value (at most 8 pairs),
// found through the option values' index; `parent_id` set to "" lists top-level products only,
// set to a product id that product's variants only.
//
// `order` kRelevance ranks the matches of `text` (3 or more characters, else InvalidArgument
// naming "order") best first: products whose lower-cased name is the text, then those whose
// name contains it, then those that match in the description only; within each of these
// three, by the backend's text score (SQLite: FTS5 bm25 with the name weighted 10x the
// description; PostgreSQL: pg_trgm similarity of the name, weighted 2x, and the description to
// the text), then by id. The scores differ between the backends, the three tiers and the ties
// by id do not. A relevance page scores every match of the text before it returns the best
// `limit`, so it costs in proportion to the matches (docs/performance.md, "Search").
enum class ProductOrder {
  kId,         // by id (the default)
  kRelevance,  // best match of `text` first (above)
};

struct ProductFilter {
  std::optional<std::string> category;
  std::optional<std::string> brand;
  std::optional<Money> min_price;
  std::optional<Money> max_price;
  std::optional<ProductStatus> status;
  std::string text;
  OptionValues options;
  std::optional<std::string> parent_id;
  ProductOrder order = ProductOrder::kId;
};

struct Category {
  std::string id;
  std::string name;
  bool operator==(const Category&) const = default;
};

std::string_view to_string(ProductStatus status);
// Throws InvalidArgument naming "status" for an unknown name.
ProductStatus parse_product_status(std::string_view name);
std::string_view to_string(ProductOrder order);  // "id", "relevance"
// Throws InvalidArgument naming "order" for an unknown name.
ProductOrder parse_product_order(std::string_view name);

class Catalog {
 public:
  explicit Catalog(const detail::Context& ctx) : ctx_(ctx) {}

  // Creates a product, its stock row (with `initial_stock` on hand) and a ProductCreated event.
  // Errors: InvalidArgument (a field, naming it; "axes" for bad option axes), FailedPrecondition
  // if the id exists, NotFound if the category does not exist, Conflict (request_id reused).
  Product create(const NewProduct& product, const std::string& request_id = {});

  // Adds a variant of `parent_id` (a product with option axes): a product row naming its
  // parent, with its own stock row (`initial_stock` on hand) and a ProductCreated event that
  // carries parent_id and options. Errors: InvalidArgument naming "options" (not exactly one
  // allowed value per axis of the parent) or another field; NotFound (parent); FailedPrecondition
  // naming the parent if it has no axes or is deleted, naming "options" if another variant of
  // the parent has the same values, naming the id if it exists; Conflict (request_id reused).
  // Nothing is written on an error.
  Product add_variant(const std::string& parent_id, const NewVariant& variant,
                      const std::string& request_id = {});

  // Applies the set fields of `changes`. Errors: NotFound, InvalidArgument, FailedPrecondition
  // (deleted products cannot be changed), Conflict.
  Product update(const std::string& id, const ProductChanges& changes,
                 const std::string& request_id = {});

  // Soft delete: status becomes kDeleted; the product can no longer be ordered. Idempotent.
  // Removing a product with variants removes its variants too (each with a ProductDeleted
  // event), in the same unit. Errors: NotFound, Conflict.
  Product remove(const std::string& id, const std::string& request_id = {});

  // Errors: NotFound, InvalidArgument.
  Product get(const std::string& id) const;

  // The product's page: its variants (any status but deleted, by id) with the units available
  // now; a product without axes is its own one variant. A variant's id gives its own entry.
  // Errors: NotFound, InvalidArgument.
  std::vector<VariantAvailability> variants(const std::string& product_id) const;

  // Products matching `filter`, ordered by id or, with `filter.order` kRelevance, best match
  // first (ProductFilter). A cursor belongs to the order and, for relevance, to the text it was
  // returned for. Errors: InvalidArgument (a bad, tampered or mismatched cursor, naming
  // "cursor"; a bad limit; relevance without a text of 3+ characters, naming "order").
  Page<Product> list(const ProductFilter& filter = {}, const std::string& cursor = {},
                     int limit = kDefaultPageSize) const;

  // Adds a category; idempotent for the same id and name. Errors: InvalidArgument,
  // FailedPrecondition if the id exists with another name.
  Category add_category(const std::string& id, const std::string& name);
  std::vector<Category> categories() const;

 private:
  const detail::Context& ctx_;
};

}  // namespace commerce
