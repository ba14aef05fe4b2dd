// Statements of the catalog: products and categories.
#include <map>
#include <mutex>

#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kProductColumns =
    "id, name, description, price, category, brand, status, attributes, created_at, updated_at";

Product product_from(const Query& q) {
  return Product{.id = q.text(0),
                 .name = q.text(1),
                 .description = q.text(2),
                 .price = q.int64(3),
                 .category = q.text(4),
                 .brand = q.text(5),
                 .status = parse_product_status(q.text(6)),
                 .attributes = q.text(7),
                 .created_at = q.int64(8),
                 .updated_at = q.int64(9)};
}

const Sql kInsertProduct{"INSERT INTO products(" + kProductColumns +
                         ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                         "ON CONFLICT(id) DO NOTHING"};
const Sql kUpdateProduct{
    "UPDATE products SET name = ?1, description = ?2, price = ?3, category = ?4, brand = ?5, "
    "status = ?6, attributes = ?7, updated_at = ?8 WHERE id = ?9"};
const Sql kFindProduct{.text = "SELECT " + kProductColumns + " FROM products WHERE id = ?1",
                       .lock_rows = true};
const Sql kInsertCategory{"INSERT INTO categories(id, name) VALUES(?1, ?2) ON CONFLICT(id) DO NOTHING"};
const Sql kFindCategory{.text = "SELECT id, name FROM categories WHERE id = ?1", .lock_rows = true};
const Sql kListCategories{"SELECT id, name FROM categories ORDER BY id"};

// LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'; ASCII
// lower-cased, as lower() does (SQLite's, and PostgreSQL's under the "C" collation).
std::string contains_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  out.push_back('%');
  return out;
}

// The product listing for the filters a ProductFilter sets: one statement per combination,
// built on first use. Parameters are numbered in the order they are bound, so PostgreSQL can
// infer every type.
const Sql& product_list_sql(const ProductFilter& filter) {
  const unsigned mask = (filter.category ? 1u : 0u) | (filter.brand ? 2u : 0u) |
                        (filter.min_price ? 4u : 0u) | (filter.max_price ? 8u : 0u) |
                        (filter.status ? 16u : 0u) | (filter.text.empty() ? 0u : 32u);
  static std::mutex mu;
  static std::map<unsigned, Sql> built;  // node-based: addresses stay stable
  std::lock_guard lock(mu);
  auto it = built.find(mask);
  if (it != built.end()) return it->second;
  std::string sql = "SELECT " + kProductColumns + " FROM products WHERE id > ?1";
  int n = 1;
  auto next = [&n] { return "?" + std::to_string(++n); };
  if (filter.category) sql += " AND category = " + next();
  if (filter.brand) sql += " AND brand = " + next();
  if (filter.min_price) sql += " AND price >= " + next();
  if (filter.max_price) sql += " AND price <= " + next();
  sql += filter.status ? " AND status = " + next() : std::string(" AND status <> 'deleted'");
  if (!filter.text.empty()) {
    const std::string p = next();
    sql += " AND (lower(name) LIKE " + p + " ESCAPE '\\' OR lower(description) LIKE " + p +
           " ESCAPE '\\')";
  }
  sql += " ORDER BY id LIMIT " + next();
  return built.emplace(mask, Sql{std::move(sql)}).first->second;
}

}  // namespace

bool Transaction::insert_product(const Product& p) {
  Query q(session_, kInsertProduct);
  q.bind(1, p.id).bind(2, p.name).bind(3, p.description).bind(4, p.price).bind(5, p.category);
  q.bind(6, p.brand).bind_name(7, to_string(p.status)).bind(8, p.attributes);
  q.bind(9, p.created_at).bind(10, p.updated_at);
  return q.run() == 1;
}

void Transaction::update_product(const Product& p) {
  Query q(session_, kUpdateProduct);
  q.bind(1, p.name).bind(2, p.description).bind(3, p.price).bind(4, p.category).bind(5, p.brand);
  q.bind_name(6, to_string(p.status)).bind(7, p.attributes).bind(8, p.updated_at).bind(9, p.id);
  q.run();
}

std::optional<Product> Transaction::find_product(const std::string& id) {
  Query q(session_, kFindProduct);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return product_from(q);
}

std::vector<Product> Transaction::list_products(const ProductFilter& filter,
                                                const std::string& after_id, int limit) {
  Query q(session_, product_list_sql(filter));
  int n = 1;
  q.bind(n, after_id);
  if (filter.category) q.bind(++n, *filter.category);
  if (filter.brand) q.bind(++n, *filter.brand);
  if (filter.min_price) q.bind(++n, *filter.min_price);
  if (filter.max_price) q.bind(++n, *filter.max_price);
  if (filter.status) q.bind_name(++n, to_string(*filter.status));
  const std::string pattern = filter.text.empty() ? std::string() : contains_pattern(filter.text);
  if (!filter.text.empty()) q.bind(++n, pattern);
  q.bind(++n, limit);
  std::vector<Product> out;
  while (q.step()) out.push_back(product_from(q));
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
