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
//
// A ranking (ProductOrder::kRelevance) has no such bound: it scores every match of the text
// (SQLite: bm25 over products_text; PostgreSQL: pg_trgm similarity, through the wrapper
// text_similarity a migration makes in the store's schema, the products found through the
// trigram indexes under the LIKE filter) and sorts them for the best `limit`, so its cost grows
// with the matches, not with the catalog. The score is one integer:
//   tier * 10^16 + a text score in [0, 10^15],
// tier 2 when the lower-cased name is the text, 1 when the name contains it, 0 when only the
// description does; so the tiers hold on both backends, whatever their text scores. Pages seek
// on (score, id) from the cursor's position: no page skips or repeats a row of a catalog that
// does not change between them.
#include <limits>
#include <map>
#include <mutex>

#include "core/utf8.h"
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
  kRank = 1u << 16,  // every match of the text, scored (both backends; above variant_mask's bits)
};

bool price_range(const ProductFilter& filter) {
  return filter.min_price.has_value() || filter.max_price.has_value();
}

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'; ASCII
// lower-cased, as lower() does (SQLite's, and PostgreSQL's under the "C" collation).
std::string contains_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(lower_ascii(c));
  }
  out.push_back('%');
  return out;
}

// `text` ASCII lower-cased, as the ranking compares it with lower(name).
std::string lowered(const std::string& text) {
  std::string out;
  for (const char c : text) out.push_back(lower_ascii(c));
  return out;
}

// The FTS5 query that matches `text` as a substring of the lower-cased texts products_text
// holds: one phrase, ASCII lower-cased, its quotes doubled. A ranking builds the same phrase in
// SQL from the lowered text (rank_sql), so both dialects bind the same parameters.
std::string phrase(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(lower_ascii(c));
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

// A ranking's statement (Path::kRank): the products of `where` (SQLite: among the matches of
// the text in products_text; PostgreSQL: `postgres_where` holds the LIKE filter) scored, then
// the page after the cursor's (score, id) ?1. Parameters: `pattern`, the LIKE pattern;
// `text`, the lowered text; `score`, the cursor's score; `limit`.
Sql rank_sql(const std::string& where, const std::string& postgres_where,
             const std::string& pattern, const std::string& text, const std::string& score,
             const std::string& limit) {
  const std::string tier = "CASE WHEN lower(name) = " + text + " THEN 2 WHEN lower(name) LIKE " +
                           pattern + " ESCAPE '\\' THEN 1 ELSE 0 END * 10000000000000000";
  // x / (1 + x) of bm25's x = -text_rank >= 0 (more negative is better): in [0, 1).
  const std::string sqlite_scored =
      "SELECT " + kProductColumns + ", " + tier +
      " + CAST(1e15 * -text_rank / (1 - text_rank) AS INTEGER) AS score FROM products JOIN "
      "(SELECT rowid AS text_row, bm25(products_text, 10.0, 1.0) AS text_rank FROM products_text "
      "WHERE products_text MATCH '\"' || replace(" + text + ", '\"', '\"\"') || '\"') "
      "ON products.rowid = text_row" + where;
  // Similarity in [0, 1] of the name, weighted 2, and of the description.
  const std::string postgres_scored =
      "SELECT " + kProductColumns + ", " + tier +
      " + CAST(1000000000000000 * (2 * text_similarity(lower(name), " + text +
      ") + text_similarity(lower(description), " + text + ")) / 3 AS BIGINT) AS score "
      "FROM products" + postgres_where;
  const std::string page = ") AS ranked WHERE score < " + score + " OR (score = " + score +
                           " AND id > ?1) ORDER BY score DESC, id LIMIT " + limit;
  const std::string columns = "SELECT " + kProductColumns + ", score FROM (";
  return Sql{columns + sqlite_scored + page, columns + postgres_scored + page};
}

// The listing for the filters a ProductFilter sets and the path: one statement per
// combination, built on first use. Parameters are numbered in the order they are bound, so
// PostgreSQL can infer every type. The PostgreSQL text is the same for every path but the
// ranking.
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

  const bool rank = path == Path::kRank;
  std::string sqlite = "SELECT " + kProductColumns + " FROM products";
  if (path == Path::kPrice) sqlite += " INDEXED BY products_by_price";
  // A ranking seeks on (score, id) outside the scoring query (rank_sql).
  std::string where = rank ? " WHERE true" : " WHERE id > ?1";
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
  std::string pattern;  // the LIKE pattern's parameter
  if (!filter.text.empty()) {
    const std::string p = pattern = next();
    const std::string like = " AND (lower(name) LIKE " + p +
                             " ESCAPE '\\' OR lower(description) LIKE " + p + " ESCAPE '\\')";
    postgres_where += like;
    if (path == Path::kText) {
      where += " AND rowid IN (SELECT rowid FROM products_text WHERE products_text MATCH " + p +
               ")";
    } else if (!rank) {
      where += like;  // a ranking's matches come from products_text (rank_sql)
    }
  }
  both(variant_conditions(filter, next));
  if (rank) {
    const std::string text = next(), score = next(), limit = next();
    return built.emplace(mask, rank_sql(where, postgres_where, pattern, text, score, limit))
        .first->second;
  }
  const std::string order = " ORDER BY id LIMIT " + next();
  Sql sql{sqlite + where + order,
          "SELECT " + kProductColumns + " FROM products" + postgres_where + order};
  return built.emplace(mask, std::move(sql)).first->second;
}

// Binds ?1, the cursor's id, and the filters' parameters in the order product_list_sql numbers
// them (`text`: the text filter's, if any); returns the last number bound.
int bind_filters(Query& q, const ProductFilter& filter, const std::string& after_id,
                 const std::string& text) {
  int n = 1;
  q.bind(n, after_id);
  if (filter.category) q.bind(++n, *filter.category);
  if (filter.brand) q.bind(++n, *filter.brand);
  if (filter.min_price) q.bind(++n, *filter.min_price);
  if (filter.max_price) q.bind(++n, *filter.max_price);
  if (filter.status) q.bind_name(++n, to_string(*filter.status));
  if (!filter.text.empty()) q.bind(++n, text);
  if (filter.parent_id) q.bind(++n, *filter.parent_id);
  for (const auto& [axis, value] : filter.options) {
    q.bind(++n, axis);
    q.bind(++n, value);
  }
  return n;
}

}  // namespace

std::vector<Product> Transaction::list_products(const ProductFilter& filter,
                                                const std::string& after_id, int limit) {
  const bool sqlite = session_.dialect() == SqlDialect::kSqlite;
  Path path = Path::kWalk;
  if (sqlite && detail::has_trigram(filter.text)) {
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
  const std::string text =
      path == Path::kText ? phrase(filter.text) : contains_pattern(filter.text);
  const int n = bind_filters(q, filter, after_id, text);
  q.bind(n + 1, limit);
  std::vector<Product> out;
  while (q.step()) out.push_back(product_from(q));
  return out;
}

std::vector<RankedProduct> Transaction::rank_products(const ProductFilter& filter,
                                                      const RankPosition& after, int limit) {
  Query q(session_, product_list_sql(filter, Path::kRank));
  const std::string pattern = contains_pattern(filter.text);
  const std::string text = lowered(filter.text);
  int n = bind_filters(q, filter, after.id, pattern);
  q.bind(++n, text);
  q.bind(++n, after.score);
  q.bind(++n, limit);
  std::vector<RankedProduct> out;
  while (q.step()) out.push_back({product_from(q), q.int64(statements::kProductColumnCount)});
  return out;
}

}  // namespace commerce
