// Search and pages at catalog scale (SQLite): milliseconds per first page of the product
// listing for a rare and a common text, a text of two characters, a narrow and a wide price
// range, and no filter, on a catalog of COMMERCE_BENCH_PRODUCTS products (default 1,000,000).
// Beside each, in the same run, the baseline: the listing as it was before the indexes (the
// LIKE filter and the price range walked in id order), by hand on the same file. The texts are
// also ranked by relevance (ProductOrder::kRelevance), which scores every match: those cases
// ("/relevance") have no baseline of their own, the listing by id of the same text stands
// beside them. The figure
// that matters is that the library's time does not grow with the catalog; the ratio
// (baseline ms / library ms) shows what the indexes buy.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "bench_support.h"
#include "commerce/sqlite_storage.h"

namespace commerce::bench {
namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
  }
}

// Product i: "Product <i> <four letters>x", described "A fine item number <i>", priced
// (i * 7919) mod 1,000,000; so "<i>" (six digits or more) names one product, "product" every one.
std::string seeded_catalog(int products) {
  static std::string path;
  if (!path.empty()) return path;
  path = fresh_db_path("search");
  Store::open(path);  // the schema, as the library writes it
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  check(sqlite3_exec(db,
                     ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                      std::to_string(products) +
                      ") INSERT INTO products(id, name, description, price, category, brand, "
                      "status, attributes, created_at, updated_at) "
                      "SELECT printf('p%07d', i), 'Product ' || i || ' ' || char(97 + i % 26) || "
                      "char(97 + (i / 26) % 26) || char(97 + (i / 676) % 26) || 'x', "
                      "'A fine item number ' || i, (i * 7919) % 1000000, 'c' || (i % 50), "
                      "'b' || (i % 20), 'active', '{}', 0, 0 FROM n")
                         .c_str(),
                     nullptr, nullptr, nullptr),
        db, "seed products");
  sqlite3_close(db);
  return path;
}

// The listing before the indexes: the same filters, walked in id order.
int baseline_page(sqlite3* db, const ProductFilter& f) {
  std::string sql = "SELECT id, name, description, price FROM products WHERE id > '' "
                    "AND status <> 'deleted'";
  if (f.min_price) sql += " AND +price >= " + std::to_string(*f.min_price);
  if (f.max_price) sql += " AND +price <= " + std::to_string(*f.max_price);
  if (!f.text.empty()) {
    sql += " AND (lower(name) LIKE '%" + f.text + "%' OR lower(description) LIKE '%" + f.text +
           "%')";
  }
  sql += " ORDER BY id LIMIT 50";
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), db, "prepare");
  int rows = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) ++rows;
  sqlite3_finalize(stmt);
  return rows;
}

// How many products hold `text` (3+ ASCII characters, no quotes): the rows a ranking scores.
int matches(sqlite3* db, const std::string& text) {
  const std::string sql =
      "SELECT count(*) FROM products_text WHERE products_text MATCH '\"" + text + "\"'";
  sqlite3_stmt* stmt = nullptr;
  check(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), db, "prepare");
  check(sqlite3_step(stmt), db, "count matches");
  const int n = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  return n;
}

void search_scenario(benchmark::State& state, const ProductFilter& filter, bool library) {
  const int products = env_int("COMMERCE_BENCH_PRODUCTS", 1'000'000);
  const std::string path = seeded_catalog(products);
  auto store = Store::open(path);
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  constexpr int kRounds = 5;
  int rows = 0;
  for (auto _ : state) {
    library ? (void)store->catalog().list(filter, {}, 50) : (void)baseline_page(db, filter);
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < kRounds; ++r) {
      rows = library ? static_cast<int>(store->catalog().list(filter, {}, 50).items.size())
                     : baseline_page(db, filter);
    }
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
        kRounds);
  }
  state.counters["rows"] = rows;
  if (filter.text.size() >= 3) state.counters["matches"] = matches(db, filter.text);
  sqlite3_close(db);
  state.counters["products"] = products;
  state.SetLabel(library ? "library" : "raw");
}

void register_all() {
  const struct {
    const char* name;
    ProductFilter filter;
  } cases[] = {
      {"text_rare", {.text = "123456"}},
      {"text_rare_relevance", {.text = "123456", .order = ProductOrder::kRelevance}},
      {"text_none", {.text = "zzzzq"}},
      {"text_none_relevance", {.text = "zzzzq", .order = ProductOrder::kRelevance}},
      {"text_some", {.text = "4242"}},  // in 0.05 % of the products
      {"text_some_relevance", {.text = "4242", .order = ProductOrder::kRelevance}},
      {"text_many", {.text = "123"}},  // in 0.4 % of the products
      {"text_many_relevance", {.text = "123", .order = ProductOrder::kRelevance}},
      {"text_common", {.text = "product"}},
      {"text_common_relevance", {.text = "product", .order = ProductOrder::kRelevance}},
      {"text_short", {.text = "zq"}},
      {"price_narrow", {.min_price = 500'000, .max_price = 500'100}},
      {"price_wide", {.min_price = 0, .max_price = 1'000'000}},
      {"no_filter", {}},
  };
  for (const auto& c : cases) {
    for (bool library : {true, false}) {
      if (!library && c.filter.order == ProductOrder::kRelevance) continue;  // no baseline
      const std::string name =
          std::string("search/") + c.name + "/" + (library ? "library" : "raw");
      const ProductFilter filter = c.filter;
      benchmark::RegisterBenchmark(name.c_str(), [filter, library](benchmark::State& st) {
        search_scenario(st, filter, library);
      })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  commerce::bench::register_all();
  return commerce::bench::run_registered(argc, argv);
}
