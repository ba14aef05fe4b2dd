// Statements of the catalog: products, their variants' option values and categories (the
// product listing and its search: product_listing.cpp).
#include "product_rows.h"
#include "query.h"
#include "row_batch.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::kProductColumns;
using statements::product_from;

namespace {

// Does nothing on any conflict: the id, or a variant's options taken in its parent.
const Sql kInsertProduct{"INSERT INTO products(" + kProductColumns +
                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                         "ON CONFLICT DO NOTHING"};
const Sql kInsertOptionValue{
    "INSERT INTO product_option_values(product_id, axis, value) VALUES(?1, ?2, ?3)"};
const Sql kFindVariants{
    .text = "SELECT " + kProductColumns + " FROM products "
            "WHERE parent_id = ?1 AND parent_id <> '' ORDER BY id",  // the variants' index
    .lock_rows = true};
// A product page's variants: not deleted, by id, each with its units available over the active
// locations (0 without stock rows) from a scalar subquery on the stock's key, so the page is one
// statement whatever the number of variants. Parameters: the parent, the deleted status.
const Sql kFindVariantsAvailable{
    "SELECT " + kProductColumns + ", CAST(coalesce((SELECT sum((s.on_hand - s.reserved) * l.active) "
    "FROM stock s JOIN stock_locations l ON l.id = s.location_id "
    "WHERE s.product_id = products.id), 0) AS BIGINT) "
    "FROM products WHERE parent_id = ?1 AND parent_id <> '' AND status <> ?2 "
    "ORDER BY id"};  // the variants' index
const Sql kUpdateProduct{
    "UPDATE products SET name = ?1, description = ?2, price = ?3, category = ?4, brand = ?5, "
    "status = ?6, attributes = ?7, updated_at = ?8 WHERE id = ?9"};
const Sql kFindProduct{.text = "SELECT " + kProductColumns + " FROM products WHERE id = ?1",
                       .lock_rows = true};
// Several products by id in one statement (PostgreSQL: one round trip), locked as kFindProduct
// locks one, or not.
const std::string kProductsByIds =
    "SELECT " + kProductColumns + " FROM products WHERE id IN (VALUES";
const statements::RowBatch kLockProducts{kProductsByIds, 1, ") ORDER BY id", true};
const statements::RowBatch kReadProducts{kProductsByIds, 1, ") ORDER BY id", false};
const Sql kInsertCategory{"INSERT INTO categories(id, name) VALUES(?1, ?2) ON CONFLICT(id) DO NOTHING"};
const Sql kFindCategory{.text = "SELECT id, name FROM categories WHERE id = ?1", .lock_rows = true};
const Sql kListCategories{"SELECT id, name FROM categories ORDER BY id"};

}  // namespace

bool Transaction::insert_product(const Product& p) {
  Query q(session_, kInsertProduct);
  q.bind(1, p.id).bind(2, p.name).bind(3, p.description).bind(4, p.price).bind(5, p.category);
  q.bind(6, p.brand).bind_name(7, to_string(p.status)).bind(8, p.attributes);
  q.bind(9, p.created_at).bind(10, p.updated_at).bind(11, p.parent_id);
  const std::string options = statements::options_text(p.options);
  const std::string axes = statements::axes_text(p.axes);
  q.bind(12, options).bind(13, axes);
  return q.run() == 1;
}

void Transaction::insert_option_values(const std::string& product_id,
                                       const OptionValues& options) {
  for (const auto& [axis, value] : options) {
    Query q(session_, kInsertOptionValue);
    q.bind(1, product_id).bind(2, axis).bind(3, value).run();
  }
}

std::vector<Product> Transaction::find_variants(const std::string& parent_id) {
  Query q(session_, kFindVariants);
  q.bind(1, parent_id);
  std::vector<Product> out;
  while (q.step()) out.push_back(product_from(q));
  return out;
}

std::vector<VariantAvailability> Transaction::find_variants_available(
    const std::string& parent_id) {
  Query q(session_, kFindVariantsAvailable);
  q.bind(1, parent_id).bind_name(2, to_string(ProductStatus::kDeleted));
  std::vector<VariantAvailability> out;
  while (q.step()) {
    out.push_back({product_from(q), q.int64(statements::kProductColumnCount)});
  }
  return out;
}

void Transaction::update_product(const Product& p) {
  Query q(session_, kUpdateProduct);
  q.bind(1, p.name).bind(2, p.description).bind(3, p.price).bind(4, p.category).bind(5, p.brand);
  q.bind_name(6, to_string(p.status)).bind(7, p.attributes).bind(8, p.updated_at).bind(9, p.id);
  q.run_later();
}

std::optional<Product> Transaction::find_product(const std::string& id) {
  Query q(session_, kFindProduct);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return product_from(q);
}

std::vector<Product> Transaction::find_products(const std::vector<std::string>& ids, bool lock) {
  std::vector<Product> out;
  if (session_.dialect() == SqlDialect::kSqlite) {
    // No round trips to save: a lookup by key each costs less than SQLite's IN (VALUES ...),
    // which builds a temporary table (callgrind: +32k instructions an order of 2 products).
    // Nothing to lock: the write unit holds the database.
    for (const std::string& id : ids) {
      if (auto product = find_product(id)) out.push_back(std::move(*product));
    }
    return out;
  }
  (lock ? kLockProducts : kReadProducts).select(
      session_, ids, [](Query& q, int at, const std::string& id) { q.bind(at, id); },
      [&](const Query& q) { out.push_back(product_from(q)); });
  return out;
}

bool Transaction::insert_category(const Category& c) {
  Query q(session_, kInsertCategory);
  return q.bind(1, c.id).bind(2, c.name).run() == 1;
}

std::optional<Category> Transaction::find_category(const std::string& id) {
  Query q(session_, kFindCategory);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return Category{q.text(0), q.text(1)};
}

std::vector<Category> Transaction::list_categories() {
  Query q(session_, kListCategories);
  std::vector<Category> out;
  while (q.step()) out.push_back({q.text(0), q.text(1)});
  return out;
}

}  // namespace commerce
