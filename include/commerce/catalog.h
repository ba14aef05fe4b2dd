// commerce/catalog.h: products and categories.
//
// Products carry the host's own string ids (a SKU). Prices are Money in the store's currency;
// changing a price never touches placed orders, which keep a snapshot. Deletion is soft.
// Catalog is thread-safe: every call is one storage transaction.
#pragma once

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

struct Product {
  std::string id;
  std::string name;
  std::string description;
  Money price = 0;
  std::string category;  // a Category id, or empty
  std::string brand;
  ProductStatus status = ProductStatus::kActive;
  std::string attributes = "{}";  // free-form JSON object text
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
// checked row by row.
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
  // Errors: InvalidArgument (a field, naming it), FailedPrecondition if the id exists,
  // NotFound if the category does not exist, Conflict (request_id reused).
  Product create(const NewProduct& product, const std::string& request_id = {});

  // Applies the set fields of `changes`. Errors: NotFound, InvalidArgument, FailedPrecondition
  // (deleted products cannot be changed), Conflict.
  Product update(const std::string& id, const ProductChanges& changes,
                 const std::string& request_id = {});

  // Soft delete: status becomes kDeleted; the product can no longer be ordered. Idempotent.
  // Errors: NotFound, Conflict.
  Product remove(const std::string& id, const std::string& request_id = {});

  // Errors: NotFound, InvalidArgument.
  Product get(const std::string& id) const;

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
