// The product listing: filters, cursor pages by id, and search that does not grow with the
// catalog.
//
// A page walks products in id order from the cursor and stops at `limit` matches. That is
// cheap when matches are common and costs a walk over the whole catalog when they are rare (a
// word in one product of a million: 0.6 s). Rare matches are found through an index instead:
// a text of 3+ characters through the trigram indexes (SQLite: the FTS5 table products_text;
// PostgreSQL: pg_trgm indexes under the LIKE filter), a price range through products_by_price.
// PostgreSQL's planner weighs the two ways by its statistics. SQLite has none by default, so on
// SQLite the listing first asks the index how many rows match, stopping at kRareMatches: below
// that the page reads the matches from the index (and sorts them by id); at or above it the page
// walks ids as before (matches are then common enough to fill a page soon). Either way a page
// costs at most about kRareMatches index entries or a walk that finds matches at a density of
// kRareMatches / catalog size or more.
#include <limits>
#include <map>
#include <mutex>

#include "product_rows.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::kProductColumns;
using statements::product_from;

namespace {

constexpr std::int64_t kRareMatches = 2000;

// How the page finds its rows (SQLite; PostgreSQL's planner chooses for itself).
enum class Path : unsigned {
  kWalk = 0,     // ids in order from the cursor, filters checked row by row
  kText = 64,    // the text's matches from the full-text index
  kPrice = 128,  // the price range from products_by_price
};

// Unicode characters in `text` (UTF-8; counting needs no validation).
std::size_t characters(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Whether the trigram indexes can find `text`: it has a trigram (3+ characters).
bool indexed_text(const ProductFilter& filter) { return characters(filter.text) >= 3; }

bool price_range(const ProductFilter& filter) {
  return filter.min_price.has_value() || filter.max_price.has_value();
}

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

// The FTS5 query that matches `text` as a substring of the lower-cased texts products_text
// holds: one phrase, ASCII lower-cased, its quotes doubled.
std::string phrase(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  out.push_back('"');
  return out;
}

// SQLite: how many products match, counted up to kRareMatches.
const Sql kTextMatches{
    "SELECT count(*) FROM (SELECT 1 FROM products_text WHERE products_text MATCH ?1 LIMIT ?2)"};
const Sql kPriceMatches{
    "SELECT count(*) FROM (SELECT 1 FROM products INDEXED BY products_by_price "
    "WHERE price >= ?1 AND price <= ?2 LIMIT ?3)"};

// The listing's variant filters in product_list_sql's mask: 256 a parent filter, 512 one naming
// a product (not ""), and from 1024 up the number of option values (at most 8).
unsigned variant_mask(const ProductFilter& filter) {
  const bool parent = filter.parent_id.has_value();
  return (parent ? 256u : 0u) | (parent && !filter.parent_id->empty() ? 512u : 0u) |
         static_cast<unsigned>(filter.options.size() << 10);
}

// The listing's conditions on a variant's parent and options, numbering its parameters with
// `next`. Each option value's variants come from the index product_option_values_by_value.
template <typename Next>
std::string variant_conditions(const ProductFilter& filter, Next next) {
  std::string out;
  if (filter.parent_id) {
    out += " AND parent_id = " + next();
    // The partial index of variants by parent (products_variant_options) holds these rows.
    if (!filter.parent_id->empty()) out += " AND parent_id <> ''";
  }
  for (std::size_t i = 0; i < filter.options.size(); ++i) {
    const std::string axis = next();
    out += " AND id IN (SELECT product_id FROM product_option_values WHERE axis = " + axis +
           " AND value = " + next() + ")";
  }
  return out;
}

// The listing for the filters a ProductFilter sets and the path: one statement per
// combination, built on first use. Parameters are numbered in the order they are bound, so
// PostgreSQL can infer every type. The PostgreSQL text is the same for every path.
const Sql& product_list_sql(const ProductFilter& filter, Path path) {
  const unsigned mask = (filter.category ? 1u : 0u) | (filter.brand ? 2u : 0u) |
                        (filter.min_price ? 4u : 0u) | (filter.max_price ? 8u : 0u) |
                        (filter.status ? 16u : 0u) | (filter.text.empty() ? 0u : 32u) |
                        static_cast<unsigned>(path) | variant_mask(filter);
  static std::mutex mu;
  static std::map<unsigned, Sql> built;  // node-based: addresses stay stable
  std::lock_guard lock(mu);
  auto it = built.find(mask);
  if (it != built.end()) return it->second;

  std::string sqlite = "SELECT " + kProductColumns + " FROM products";
  if (path == Path::kPrice) sqlite += " INDEXED BY products_by_price";
  std::string where = " WHERE id > ?1";
  std::string postgres_where = where;
  int n = 1;
  auto next = [&n] { return "?" + std::to_string(++n); };
  auto both = [&](const std::string& condition) {
    where += condition;
    postgres_where += condition;
  };
  if (filter.category) both(" AND category = " + next());
  if (filter.brand) both(" AND brand = " + next());
  // "+price": not through the price index, whose matches come out of id order.
  const std::string price = path == Path::kPrice ? "price" : "+price";
  if (filter.min_price) {
    const std::string p = next();
    where += " AND " + price + " >= " + p;
    postgres_where += " AND price >= " + p;
  }
  if (filter.max_price) {
    const std::string p = next();
    where += " AND " + price + " <= " + p;
    postgres_where += " AND price <= " + p;
  }
  both(filter.status ? " AND status = " + next() : std::string(" AND status <> 'deleted'"));
  if (!filter.text.empty()) {
    const std::string p = next();
    const std::string like = " AND (lower(name) LIKE " + p +
                             " ESCAPE '\\' OR lower(description) LIKE " + p + " ESCAPE '\\')";
    postgres_where += like;
    where += path == Path::kText ? " AND rowid IN (SELECT rowid FROM products_text "
                                   "WHERE products_text MATCH " + p + ")"
                                 : like;
  }
  both(variant_conditions(filter, next));
  const std::string order = " ORDER BY id LIMIT " + next();
  Sql sql{sqlite + where + order,
          "SELECT " + kProductColumns + " FROM products" + postgres_where + order};
  return built.emplace(mask, std::move(sql)).first->second;
}

}  // namespace

std::vector<Product> Transaction::list_products(const ProductFilter& filter,
                                                const std::string& after_id, int limit) {
  const bool sqlite = session_.dialect() == SqlDialect::kSqlite;
  Path path = Path::kWalk;
  if (sqlite && indexed_text(filter)) {
    const std::string query = phrase(filter.text);
    Query probe(session_, kTextMatches);
    if (probe.bind(1, query).bind(2, kRareMatches).single_int64() < kRareMatches) {
      path = Path::kText;
    }
  }
  if (sqlite && path == Path::kWalk && price_range(filter)) {
    Query probe(session_, kPriceMatches);
    probe.bind(1, filter.min_price.value_or(0));
    probe.bind(2, filter.max_price.value_or(std::numeric_limits<Money>::max()));
    if (probe.bind(3, kRareMatches).single_int64() < kRareMatches) path = Path::kPrice;
  }

  Query q(session_, product_list_sql(filter, path));
  int n = 1;
  q.bind(n, after_id);
  if (filter.category) q.bind(++n, *filter.category);
  if (filter.brand) q.bind(++n, *filter.brand);
  if (filter.min_price) q.bind(++n, *filter.min_price);
  if (filter.max_price) q.bind(++n, *filter.max_price);
  if (filter.status) q.bind_name(++n, to_string(*filter.status));
  const std::string text =
      path == Path::kText ? phrase(filter.text) : contains_pattern(filter.text);
  if (!filter.text.empty()) q.bind(++n, text);
  if (filter.parent_id) q.bind(++n, *filter.parent_id);
  for (const auto& [axis, value] : filter.options) {
    q.bind(++n, axis);
    q.bind(++n, value);
  }
  q.bind(++n, limit);
  std::vector<Product> out;
  while (q.step()) out.push_back(product_from(q));
  return out;
}

}  // namespace commerce
