// Bad input to every write command of catalog, stock, points and coupons, and to orders.place
// (prices that overflow, points beyond the total): zero, negative and huge numbers, empty ids,
// overflowing amounts, SQL metacharacters, long strings and non-UTF-8 bytes in every string
// field. Each must throw commerce::Error with the right code and a subject that names the field,
// and leave the database logically unchanged: a dump of every row of every table
// (sqlite_dump.h) taken before and after must be identical. SQL metacharacters in free text
// (names, descriptions, brands, reasons) are data: they are stored verbatim and harm nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "sqlite_dump.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

constexpr Timestamp kNow = 1'800'000'000'000;
constexpr Timestamp kFarFuture = 4'102'444'800'000;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// Ids the seeded store holds.
struct Seed {
  std::string percent_coupon;  // PCT10, issued to alice
  std::string fixed_coupon;    // FIX500, issued to alice
  std::string alice_cart;      // alice's open cart: mug x1
  GuestCart guest;             // an open guest cart: mug x1
  GuestCart expired_guest;     // a guest cart past its expiry, not swept yet: mug x1
  GuestCart merged_guest;      // a guest cart merged into bob's cart at sign-in
  std::string share_token;     // of alice's cart
  std::string delivered_order;  // carol's, tee-s-red x1 paid by points, delivered
  std::string confirmed_order;  // carol's, tee-s-red x1 paid by points, not shipped
};

using Call = std::function<void(Store&, const Seed&, const std::string&)>;

struct BadCase {
  std::string name;  // letters, digits and underscores
  std::function<void(Store&, const Seed&)> call;
  ErrorCode code;
  std::string subject;  // the field (or id) the error must name
  // The id the error must name when it is one the seed made (subject is then empty).
  std::function<std::string(const Seed&)> seeded_subject;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

struct BadString {
  std::string label;
  std::string value;
};

// Values no id field accepts (ids are 1..128 of A-Z a-z 0-9 - _ . : @ / + #).
std::vector<BadString> bad_ids(bool empty_is_bad = true) {
  std::vector<BadString> v = {
      {"sql_quote", "x'; DROP TABLE products; --"},
      {"sql_or", "x\" OR 1=1 --"},
      {"semicolon", "a;b"},
      {"like_wildcard", "100%"},
      {"space", "a b"},
      {"too_long", std::string(129, 'a')},
      {"non_utf8", "ab\xff\xfe"},
      {"non_ascii_utf8", "caf\xc3\xa9"},
      {"nul_byte", std::string("a\0b", 3)},
      {"newline", "a\nb"},
  };
  if (empty_is_bad) v.insert(v.begin(), {"empty", ""});
  return v;
}

// Values no free-text field accepts (UTF-8 without control characters, at most max_bytes).
std::vector<BadString> bad_texts(std::size_t max_bytes, bool required) {
  std::vector<BadString> v = {
      {"too_long", std::string(max_bytes + 1, 'a')},
      {"too_long_multibyte",
       [&] {
         std::string s;
         while (s.size() <= max_bytes) s += "\xea\xb0\x80";  // U+AC00, 3 bytes
         return s;
       }()},
      {"non_utf8", "ab\xff"},
      {"overlong_utf8", "\xc0\xaf"},
      {"truncated_utf8", "ok\xe2\x82"},
      {"surrogate_utf8", "\xed\xa0\x80"},
      {"above_max_codepoint", "\xf4\x90\x80\x80"},
      {"control_char", "a\x01z"},
      {"nul_byte", std::string("a\0b", 3)},
  };
  if (required) v.insert(v.begin(), {"empty", ""});
  return v;
}

class CaseList {
 public:
  void add(std::string name, std::function<void(Store&, const Seed&)> call, std::string subject,
           ErrorCode code = ErrorCode::kInvalidArgument) {
    cases_.push_back({std::move(name), std::move(call), code, std::move(subject), {}});
  }
  void add_seeded(std::string name, std::function<void(Store&, const Seed&)> call,
                  std::function<std::string(const Seed&)> subject, ErrorCode code) {
    cases_.push_back({std::move(name), std::move(call), code, {}, std::move(subject)});
  }
  void strings(const std::string& prefix, const std::string& subject,
               const std::vector<BadString>& values, const Call& call) {
    for (const auto& v : values) {
      add(
          prefix + "_" + v.label,
          [call, value = v.value](Store& s, const Seed& seed) { call(s, seed, value); }, subject);
    }
  }
  void ids(const std::string& prefix, const std::string& subject, const Call& call) {
    strings(prefix, subject, bad_ids(), call);
  }
  void request_ids(const std::string& prefix, const Call& call) {
    strings(prefix + "_request_id", "request_id", bad_ids(false), call);
  }
  std::vector<BadCase> take() { return std::move(cases_); }

 private:
  std::vector<BadCase> cases_;
};

NewProduct good_product() { return {.id = "new-sku", .name = "New", .price = 100}; }

NewCouponTemplate good_template() {
  return {.code = "NEWCODE",
          .name = "New",
          .kind = CouponKind::kFixed,
          .value = 100,
          .valid_from = 0,
          .valid_until = kFarFuture,
          .total_limit = 10,
          .per_user_limit = 1};
}

void catalog_cases(CaseList& c) {
  using S = const std::string&;
  // create
  c.ids("create_id", "id", [](Store& s, const Seed&, S v) {
    auto p = good_product();
    p.id = v;
    s.catalog().create(p);
  });
  c.strings("create_name", "name", bad_texts(512, true), [](Store& s, const Seed&, S v) {
    auto p = good_product();
    p.name = v;
    s.catalog().create(p);
  });
  c.strings("create_description", "description", bad_texts(16384, false),
            [](Store& s, const Seed&, S v) {
              auto p = good_product();
              p.description = v;
              s.catalog().create(p);
            });
  c.strings("create_category", "category", bad_ids(false), [](Store& s, const Seed&, S v) {
    auto p = good_product();
    p.category = v;
    s.catalog().create(p);
  });
  c.strings("create_brand", "brand", bad_texts(512, false), [](Store& s, const Seed&, S v) {
    auto p = good_product();
    p.brand = v;
    s.catalog().create(p);
  });
  auto bad_json = bad_texts(65536, true);
  bad_json.push_back({"json_array", "[1, 2]"});
  bad_json.push_back({"json_unclosed", "{\"a\": 1"});
  bad_json.push_back({"json_sql", "'; DROP TABLE products; --"});
  bad_json.push_back({"json_non_utf8_string", "{\"a\": \"\xff\"}"});
  c.strings("create_attributes", "attributes", bad_json, [](Store& s, const Seed&, S v) {
    auto p = good_product();
    p.attributes = v;
    s.catalog().create(p);
  });
  c.request_ids("create",
                [](Store& s, const Seed&, S v) { s.catalog().create(good_product(), v); });
  for (auto [label, price] : {std::pair{"minus_one", -1LL}, {"min", kMin}}) {
    c.add(
        std::string("create_price_") + label,
        [price](Store& s, const Seed&) {
          auto p = good_product();
          p.price = price;
          s.catalog().create(p);
        },
        "price");
  }
  for (auto [label, n] : {std::pair{"minus_one", -1LL},
                          {"above_limit", 1'000'000'001LL},
                          {"max", kMax},
                          {"min", kMin}}) {
    c.add(
        std::string("create_initial_stock_") + label,
        [n](Store& s, const Seed&) {
          auto p = good_product();
          p.initial_stock = n;
          s.catalog().create(p);
        },
        "initial_stock");
  }
  c.add(
      "create_status_deleted",
      [](Store& s, const Seed&) {
        auto p = good_product();
        p.status = ProductStatus::kDeleted;
        s.catalog().create(p);
      },
      "status");

  // update
  c.ids("update_id", "id",
        [](Store& s, const Seed&, S v) { s.catalog().update(v, {.name = "Renamed"}); });
  c.strings("update_name", "name", bad_texts(512, true),
            [](Store& s, const Seed&, S v) { s.catalog().update("mug", {.name = v}); });
  c.strings("update_description", "description", bad_texts(16384, false),
            [](Store& s, const Seed&, S v) { s.catalog().update("mug", {.description = v}); });
  c.strings("update_category", "category", bad_ids(false),
            [](Store& s, const Seed&, S v) { s.catalog().update("mug", {.category = v}); });
  c.strings("update_brand", "brand", bad_texts(512, false),
            [](Store& s, const Seed&, S v) { s.catalog().update("mug", {.brand = v}); });
  c.strings("update_attributes", "attributes", bad_json,
            [](Store& s, const Seed&, S v) { s.catalog().update("mug", {.attributes = v}); });
  c.request_ids("update", [](Store& s, const Seed&, S v) {
    s.catalog().update("mug", {.name = "Renamed"}, v);
  });
  for (auto [label, price] : {std::pair{"minus_one", -1LL}, {"min", kMin}}) {
    c.add(
        std::string("update_price_") + label,
        [price](Store& s, const Seed&) { s.catalog().update("mug", {.price = price}); }, "price");
  }
  c.add(
      "update_status_deleted",
      [](Store& s, const Seed&) { s.catalog().update("mug", {.status = ProductStatus::kDeleted}); },
      "status");

  // remove
  c.ids("remove_id", "id", [](Store& s, const Seed&, S v) { s.catalog().remove(v); });
  c.request_ids("remove", [](Store& s, const Seed&, S v) { s.catalog().remove("mug", v); });

  // add_category
  c.ids("add_category_id", "id",
        [](Store& s, const Seed&, S v) { s.catalog().add_category(v, "Cups"); });
  c.strings("add_category_name", "name", bad_texts(512, true),
            [](Store& s, const Seed&, S v) { s.catalog().add_category("cups", v); });
}

void stock_cases(CaseList& c) {
  using S = const std::string&;
  c.ids("reserve_order_id", "order_id", [](Store& s, const Seed&, S v) {
    s.stock().reserve(v, {{"mug", 1}});
  });
  c.ids("reserve_product_id", "items[0].product_id", [](Store& s, const Seed&, S v) {
    s.stock().reserve("order-9", {{v, 1}});
  });
  c.add(
      "reserve_no_items", [](Store& s, const Seed&) { s.stock().reserve("order-9", {}); }, "items");
  c.add(
      "reserve_too_many_lines",
      [](Store& s, const Seed&) {
        s.stock().reserve("order-9", std::vector<LineItem>(1001, {"mug", 1}));
      },
      "items");
  for (auto [label, qty] : {std::pair{"zero", 0LL},
                            {"minus_one", -1LL},
                            {"above_limit", 1'000'001LL},
                            {"max", kMax},
                            {"min", kMin}}) {
    c.add(
        std::string("reserve_qty_") + label,
        [qty](Store& s, const Seed&) {
          s.stock().reserve("order-9", {{"mug", qty}});
        },
        "items[0].qty");
    c.add(
        std::string("reserve_second_line_qty_") + label,
        [qty](Store& s, const Seed&) {
          s.stock().reserve("order-9", {{"mug", 1}, {"pricey", qty}});
        },
        "items[1].qty");
  }
  // The same product twice: each line is valid, the sum is not.
  c.add(
      "reserve_summed_qty_above_limit",
      [](Store& s, const Seed&) {
        s.stock().reserve("order-9", {{"mug", 600'000}, {"mug", 600'000}});
      },
      "items[1].qty");
  c.add(
      "reserve_expires_at_negative",
      [](Store& s, const Seed&) {
        s.stock().reserve("order-9", {{"mug", 1}}, -1);
      },
      "expires_at");

  c.ids("commit_order_id", "order_id", [](Store& s, const Seed&, S v) { s.stock().commit(v); });
  c.ids("release_order_id", "order_id", [](Store& s, const Seed&, S v) { s.stock().release(v); });

  c.ids("stock_adjust_product_id", "product_id",
        [](Store& s, const Seed&, S v) { s.stock().adjust(v, 1, "restock"); });
  c.strings("stock_adjust_reason", "reason", bad_texts(512, true),
            [](Store& s, const Seed&, S v) { s.stock().adjust("mug", 1, v); });
  c.request_ids("stock_adjust",
                [](Store& s, const Seed&, S v) { s.stock().adjust("mug", 1, "restock", v); });
  for (auto [label, delta] : {std::pair{"zero", 0LL},
                              {"above_limit", 1'000'000'001LL},
                              {"below_limit", -1'000'000'001LL},
                              {"max", kMax},
                              {"min", kMin}}) {
    c.add(
        std::string("stock_adjust_delta_") + label,
        [delta](Store& s, const Seed&) { s.stock().adjust("mug", delta, "restock"); }, "delta");
  }

  for (auto [label, limit] : {std::pair{"zero", 0}, {"minus_one", -1}, {"above_max", 501}}) {
    c.add(
        std::string("release_expired_limit_") + label,
        [limit](Store& s, const Seed&) { s.stock().release_expired(limit); }, "limit");
  }
}

// Stock locations, transfers, thresholds and backorder limits (issue 17). The seed has the
// locations "default" (mug: 10 on hand, 2 reserved) and "north" (empty).
void location_cases(CaseList& c) {
  using S = const std::string&;
  c.ids("location_create_id", "id", [](Store& s, const Seed&, S v) {
    s.locations().create({.id = v, .name = "Somewhere"});
  });
  c.strings("location_create_name", "name", bad_texts(200, true), [](Store& s, const Seed&, S v) {
    s.locations().create({.id = "south", .name = v});
  });
  c.strings("location_create_region", "region", bad_texts(64, false),
            [](Store& s, const Seed&, S v) {
              s.locations().create({.id = "south", .name = "South", .region = v});
            });
  for (auto [label, priority] : {std::pair{"above", 1'000'001LL}, {"below", -1'000'001LL}}) {
    c.add(
        std::string("location_create_priority_") + label,
        [priority](Store& s, const Seed&) {
          s.locations().create({.id = "south", .name = "South", .priority = priority});
        },
        "priority");
    c.add(
        std::string("location_update_priority_") + label,
        [priority](Store& s, const Seed&) {
          s.locations().update("north", {.priority = priority});
        },
        "priority");
  }
  c.add(
      "location_create_existing",
      [](Store& s, const Seed&) { s.locations().create({.id = "north", .name = "Again"}); },
      "north", ErrorCode::kFailedPrecondition);
  c.add(
      "location_update_unknown",
      [](Store& s, const Seed&) { s.locations().update("nowhere", {.active = false}); },
      "nowhere", ErrorCode::kNotFound);
  c.add(
      "location_update_empty_name",
      [](Store& s, const Seed&) { s.locations().update("north", {.name = ""}); }, "name");

  c.add(
      "stock_adjust_unknown_location",
      [](Store& s, const Seed&) { s.stock().adjust("mug", 1, "restock", {}, "nowhere"); },
      "location_id");
  c.ids("stock_transfer_product_id", "product_id", [](Store& s, const Seed&, S v) {
    s.stock().transfer(v, "default", "north", 1, "move");
  });
  c.ids("stock_transfer_from", "from_location_id", [](Store& s, const Seed&, S v) {
    s.stock().transfer("mug", v, "north", 1, "move");
  });
  c.add(
      "stock_transfer_unknown_to",
      [](Store& s, const Seed&) { s.stock().transfer("mug", "default", "nowhere", 1, "move"); },
      "to_location_id");
  c.add(
      "stock_transfer_to_itself",
      [](Store& s, const Seed&) { s.stock().transfer("mug", "default", "default", 1, "move"); },
      "to_location_id");
  // 10 on hand, 2 of them reserved: 8 may move.
  for (auto [label, qty] : {std::pair{"zero", 0LL},
                            {"minus_one", -1LL},
                            {"above_available", 9LL},
                            {"above_limit", 1'000'000'001LL}}) {
    c.add(
        std::string("stock_transfer_qty_") + label,
        [qty](Store& s, const Seed&) { s.stock().transfer("mug", "default", "north", qty, "move"); },
        "qty");
  }
  c.add(
      "stock_transfer_from_empty_location",
      [](Store& s, const Seed&) { s.stock().transfer("mug", "north", "default", 1, "move"); },
      "qty");
  c.strings("stock_transfer_reason", "reason", bad_texts(512, true),
            [](Store& s, const Seed&, S v) { s.stock().transfer("mug", "default", "north", 1, v); });
  for (auto [label, n] : {std::pair{"negative", -1LL}, {"above_limit", 1'000'000'001LL}}) {
    c.add(
        std::string("stock_low_threshold_") + label,
        [n](Store& s, const Seed&) { s.stock().set_low_threshold("mug", "default", n); },
        "low_threshold");
    c.add(
        std::string("stock_backorder_limit_") + label,
        [n](Store& s, const Seed&) { s.stock().set_backorder_limit("mug", "default", n); },
        "backorder_limit");
  }
  c.add(
      "stock_low_threshold_unknown_location",
      [](Store& s, const Seed&) { s.stock().set_low_threshold("mug", "nowhere", 1); },
      "location_id");
  c.add(
      "stock_backorder_limit_unknown_location",
      [](Store& s, const Seed&) { s.stock().set_backorder_limit("mug", "nowhere", 1); },
      "location_id");
  c.add(
      "reserve_region_too_long",
      [](Store& s, const Seed&) { s.stock().reserve("order-9", {{"mug", 1}}, 0, std::string(65, 'r')); },
      "region");
  c.add(
      "place_region_too_long",
      [](Store& s, const Seed&) {
        s.orders().place({.user_id = "alice", .items = {{"mug", 1}}, .region = std::string(65, 'r')});
      },
      "region");
}

void points_cases(CaseList& c) {
  using S = const std::string&;
  const std::vector<std::pair<const char*, long long>> bad_amounts = {
      {"zero", 0},
      {"minus_one", -1},
      {"above_limit", 1'000'000'000'000'001LL},
      {"max", kMax},
      {"min", kMin}};

  c.ids("charge_user_id", "user_id", [](Store& s, const Seed&, S v) { s.points().charge(v, 10); });
  c.request_ids("charge", [](Store& s, const Seed&, S v) { s.points().charge("alice", 10, v); });
  for (auto [label, amount] : bad_amounts) {
    c.add(
        std::string("charge_amount_") + label,
        [amount](Store& s, const Seed&) { s.points().charge("alice", amount); }, "amount");
  }
  // whale's balance is 10 below INT64_MAX: one more charge would overflow.
  c.add(
      "charge_balance_overflow", [](Store& s, const Seed&) { s.points().charge("whale", 100); },
      "amount");

  c.ids("use_user_id", "user_id",
        [](Store& s, const Seed&, S v) { s.points().use(v, 10, "order-9"); });
  c.ids("use_order_id", "order_id",
        [](Store& s, const Seed&, S v) { s.points().use("alice", 10, v); });
  for (auto [label, amount] : bad_amounts) {
    c.add(
        std::string("use_amount_") + label,
        [amount](Store& s, const Seed&) { s.points().use("alice", amount, "order-9"); }, "amount");
  }

  c.ids("restore_order_id", "order_id", [](Store& s, const Seed&, S v) { s.points().restore(v); });

  c.ids("points_adjust_user_id", "user_id",
        [](Store& s, const Seed&, S v) { s.points().adjust(v, 10, "goodwill"); });
  c.strings("points_adjust_reason", "reason", bad_texts(512, true),
            [](Store& s, const Seed&, S v) { s.points().adjust("alice", 10, v); });
  c.request_ids("points_adjust",
                [](Store& s, const Seed&, S v) { s.points().adjust("alice", 10, "goodwill", v); });
  for (auto [label, delta] : {std::pair{"zero", 0LL},
                              {"above_limit", 1'000'000'000'000'001LL},
                              {"below_limit", -1'000'000'000'000'001LL},
                              {"max", kMax},
                              {"min", kMin}}) {
    c.add(
        std::string("points_adjust_delta_") + label,
        [delta](Store& s, const Seed&) { s.points().adjust("alice", delta, "goodwill"); }, "delta");
  }
  c.add(
      "points_adjust_balance_overflow",
      [](Store& s, const Seed&) { s.points().adjust("whale", 100, "goodwill"); }, "delta");
}

void coupon_cases(CaseList& c) {
  using S = const std::string&;
  auto with = [](std::function<void(NewCouponTemplate&)> edit) {
    return [edit](Store& s, const Seed&) {
      auto t = good_template();
      edit(t);
      s.coupons().create_template(t);
    };
  };
  auto ids = bad_ids();
  ids.push_back({"too_long_for_code", std::string(65, 'C')});
  c.strings("template_code", "code", ids, [](Store& s, const Seed&, S v) {
    auto t = good_template();
    t.code = v;
    s.coupons().create_template(t);
  });
  c.strings("template_name", "name", bad_texts(512, false), [](Store& s, const Seed&, S v) {
    auto t = good_template();
    t.name = v;
    s.coupons().create_template(t);
  });
  c.request_ids("template", [](Store& s, const Seed&, S v) {
    s.coupons().create_template(good_template(), v);
  });
  for (auto [label, n] : {std::pair{"zero", 0LL}, {"minus_one", -1LL}, {"min", kMin}}) {
    const std::string l = label;
    c.add("template_value_" + l, with([n](auto& t) { t.value = n; }), "value");
    c.add("template_total_limit_" + l, with([n](auto& t) { t.total_limit = n; }), "total_limit");
    c.add("template_per_user_limit_" + l, with([n](auto& t) { t.per_user_limit = n; }),
          "per_user_limit");
  }
  for (auto [label, n] : {std::pair{"minus_one", -1LL}, {"min", kMin}}) {
    const std::string l = label;
    c.add("template_max_discount_" + l, with([n](auto& t) { t.max_discount = n; }), "max_discount");
    c.add("template_min_order_amount_" + l, with([n](auto& t) { t.min_order_amount = n; }),
          "min_order_amount");
    c.add("template_valid_from_" + l, with([n](auto& t) { t.valid_from = n; }), "valid_from");
  }
  for (auto [label, n] : {std::pair{"101", 101LL}, {"max", kMax}}) {
    c.add(std::string("template_percent_value_") + label, with([n](auto& t) {
            t.kind = CouponKind::kPercent;
            t.value = n;
          }),
          "value");
  }
  c.add("template_valid_until_equal", with([](auto& t) { t.valid_until = t.valid_from; }),
        "valid_until");
  c.add("template_valid_until_before", with([](auto& t) {
          t.valid_from = 1000;
          t.valid_until = 999;
        }),
        "valid_until");

  c.ids("issue_code", "code", [](Store& s, const Seed&, S v) { s.coupons().issue(v, "alice"); });
  c.ids("issue_user_id", "user_id",
        [](Store& s, const Seed&, S v) { s.coupons().issue("FIX500", v); });
  c.request_ids("issue", [](Store& s, const Seed&, S v) { s.coupons().issue("FIX500", "bob", v); });

  c.ids("revoke_coupon_id", "coupon_id", [](Store& s, const Seed&, S v) { s.coupons().revoke(v); });
  c.request_ids("revoke",
                [](Store& s, const Seed& seed, S v) { s.coupons().revoke(seed.fixed_coupon, v); });

  for (bool required : {true, false}) {
    const std::string p = required ? "use_required" : "use_optional";
    c.ids(p + "_coupon_id", "coupon_id", [required](Store& s, const Seed&, S v) {
      s.coupons().use(v, "alice", "order-9", 10'000, required);
    });
    c.ids(p + "_user_id", "user_id", [required](Store& s, const Seed& seed, S v) {
      s.coupons().use(seed.fixed_coupon, v, "order-9", 10'000, required);
    });
    c.ids(p + "_order_id", "order_id", [required](Store& s, const Seed& seed, S v) {
      s.coupons().use(seed.fixed_coupon, "alice", v, 10'000, required);
    });
    for (auto [label, n] : {std::pair{"minus_one", -1LL}, {"min", kMin}}) {
      c.add(
          p + "_subtotal_" + label,
          [required, n](Store& s, const Seed& seed) {
            s.coupons().use(seed.fixed_coupon, "alice", "order-9", n, required);
          },
          "subtotal");
    }
    // 10% of a subtotal near INT64_MAX: subtotal x 10 overflows before the division.
    c.add(
        p + "_percent_of_huge_subtotal_overflows",
        [required](Store& s, const Seed& seed) {
          s.coupons().use(seed.percent_coupon, "alice", "order-9", kMax, required);
        },
        "subtotal");
  }
  c.add(
      "quote_percent_of_huge_subtotal_overflows",
      [](Store& s, const Seed& seed) { s.coupons().quote(seed.percent_coupon, "alice", kMax / 2); },
      "subtotal");
  c.ids("coupon_restore_order_id", "order_id",
        [](Store& s, const Seed&, S v) { s.coupons().restore(v); });
}

// A shipping address with one bad field, given to orders.place and to a cart: refused naming
// "shipping_address.<field>".
void address_cases(CaseList& c) {
  using S = const std::string&;
  using Member = std::string Address::*;
  const auto good = [] {
    return Address{.name = "Kim Minji", .phone = "010-1234-5678", .line1 = "1 Teheran-ro",
                   .city = "Seoul", .postal_code = "06236", .country = "KR"};
  };
  const auto both = [&c, good](const std::string& field, Member member,
                               const std::vector<BadString>& values) {
    const std::string subject = "shipping_address." + field;
    c.strings("place_address_" + field, subject, values,
              [good, member](Store& s, const Seed&, S v) {
                Address a = good();
                a.*member = v;
                s.orders().place({.user_id = "alice", .items = {{"mug", 1}},
                                  .shipping_address = a});
              });
    c.strings("cart_address_" + field, subject, values,
              [good, member](Store& s, const Seed& seed, S v) {
                Address a = good();
                a.*member = v;
                s.carts().set_shipping_address(CartKey::for_user(seed.alice_cart, "alice"), a);
              });
  };
  const std::vector<BadString> one_line = {{"newline", "a\nb"}, {"tab", "a\tb"}};
  const auto texts = [&](std::size_t max_bytes, bool required) {
    auto v = bad_texts(max_bytes, required);
    v.insert(v.end(), one_line.begin(), one_line.end());
    if (required) v.push_back({"blank", "   "});
    return v;
  };
  both("name", &Address::name, texts(100, true));
  both("line1", &Address::line1, texts(200, true));
  both("line2", &Address::line2, texts(200, false));
  both("city", &Address::city, texts(100, true));
  both("region", &Address::region, texts(100, false));
  both("phone", &Address::phone,
       {{"letters", "call 010"}, {"too_long", std::string(33, '1')}, {"no_digit", "+()"},
        {"non_ascii", "\xef\xbc\x91"}, {"newline", "010\n1234"}});
  both("postal_code", &Address::postal_code,
       {{"empty", ""}, {"too_long", std::string(17, '1')}, {"hash", "062#36"},
        {"only_dashes", "--"}, {"non_ascii", "\xea\xb0\x80"}});
  both("country", &Address::country,
       {{"empty", ""}, {"lower_case", "kr"}, {"three_letters", "KOR"}, {"digits", "82"},
        {"non_ascii", "\xc3\x9c\xc3\x9c"}});
}

// orders.place with amounts that overflow int64 or exceed what the order leaves to pay. The seed
// has "pricey" at INT64_MAX and "pricey2" at INT64_MAX - 1; the store has no payment gateway,
// but these are refused before that matters.
void order_cases(CaseList& c) {
  const auto place = [](std::vector<LineItem> items, Money points = 0, bool coupon = false) {
    return [items = std::move(items), points, coupon](Store& s, const Seed& seed) {
      s.orders().place({.user_id = "alice",
                        .items = items,
                        .coupon_id = coupon ? seed.fixed_coupon : std::string(),
                        .coupon_required = coupon,
                        .points_to_use = points});
    };
  };
  // Each line fits; their sum does not.
  c.add("place_two_lines_priced_near_max_overflow", place({{"pricey", 1}, {"pricey2", 1}}),
        "items");
  c.add("place_cheap_line_plus_max_price_overflows", place({{"mug", 1}, {"pricey", 1}}), "items");
  // price x qty overflows.
  c.add("place_max_price_times_two_overflows", place({{"pricey", 2}}), "items");
  c.add("place_near_max_price_times_max_qty_overflows", place({{"pricey2", 1'000'000}}), "items");
  c.add("place_second_line_price_times_qty_overflows", place({{"mug", 1}, {"pricey2", 3}}),
        "items");
  // The same product on two lines: the merged quantity overflows price x qty.
  c.add("place_merged_lines_price_times_qty_overflows", place({{"pricey", 1}, {"pricey", 1}}),
        "items");
  // Points beyond what the order leaves to pay (mug: 12000; FIX500 takes 500 off).
  c.add("place_points_beyond_subtotal", place({{"mug", 1}}, 12'001), "points_to_use");
  c.add("place_points_max", place({{"mug", 1}}, kMax), "points_to_use");
  c.add("place_points_beyond_subtotal_minus_coupon", place({{"mug", 1}}, 11'501, true),
        "points_to_use");
  for (auto [label, points] : {std::pair{"minus_one", -1LL}, {"min", kMin}}) {
    c.add(std::string("place_points_") + label, place({{"mug", 1}}, points), "points_to_use");
  }
  address_cases(c);
  // The erasure of personal data.
  c.ids("erase_personal_data_order_id", "order_id",
        [](Store& s, const Seed&, const std::string& v) { s.orders().erase_personal_data(v); });
  for (auto [label, limit] : {std::pair{"zero", 0}, {"minus_one", -1}, {"above_max", 501}}) {
    c.add(std::string("erase_personal_data_before_limit_") + label,
          [limit](Store& s, const Seed&) { s.orders().erase_personal_data_before(kMax, limit); },
          "limit");
  }
}

NewVariant good_variant() {
  return {.id = "tee-m-blue", .options = {{"size", "M"}, {"colour", "blue"}}, .price = 100};
}

// Variants of the seeded "tee" (axes size S/M, colour red/blue; variant tee-s-red exists).
void variant_cases(CaseList& c) {
  using S = const std::string&;
  c.ids("add_variant_parent", "parent_id",
        [](Store& s, const Seed&, S v) { s.catalog().add_variant(v, good_variant()); });
  c.ids("add_variant_id", "id", [](Store& s, const Seed&, S v) {
    auto variant = good_variant();
    variant.id = v;
    s.catalog().add_variant("tee", variant);
  });
  c.strings("add_variant_value", "options", bad_texts(64, true), [](Store& s, const Seed&, S v) {
    auto variant = good_variant();
    variant.options["size"] = v;
    s.catalog().add_variant("tee", variant);
  });
  c.strings("add_variant_axis", "options", bad_texts(64, true), [](Store& s, const Seed&, S v) {
    auto variant = good_variant();
    variant.options.erase("size");
    variant.options[v] = "M";
    s.catalog().add_variant("tee", variant);
  });
  c.strings("add_variant_name", "name", bad_texts(512, false), [](Store& s, const Seed&, S v) {
    auto variant = good_variant();
    variant.name = v;
    s.catalog().add_variant("tee", variant);
  });
  c.request_ids("add_variant", [](Store& s, const Seed&, S v) {
    s.catalog().add_variant("tee", good_variant(), v);
  });
  const std::vector<std::pair<std::string, OptionValues>> bad_options = {
      {"missing_axis", {{"size", "M"}}},
      {"unknown_axis", {{"size", "M"}, {"colour", "blue"}, {"fit", "slim"}}},
      {"unknown_value", {{"size", "XL"}, {"colour", "blue"}}},
      {"none", {}}};
  for (const auto& [label, options] : bad_options) {
    c.add("add_variant_options_" + label, [options](Store& s, const Seed&) {
      auto variant = good_variant();
      variant.options = options;
      s.catalog().add_variant("tee", variant);
    }, "options");
  }
  c.add("add_variant_options_taken", [](Store& s, const Seed&) {
    auto variant = good_variant();
    variant.options = {{"size", "S"}, {"colour", "red"}};
    s.catalog().add_variant("tee", variant);
  }, "options", ErrorCode::kFailedPrecondition);
  c.add("add_variant_parent_without_axes",
        [](Store& s, const Seed&) { s.catalog().add_variant("mug", good_variant()); }, "mug",
        ErrorCode::kFailedPrecondition);
  c.add("add_variant_parent_unknown",
        [](Store& s, const Seed&) { s.catalog().add_variant("ghost", good_variant()); }, "ghost",
        ErrorCode::kNotFound);
  c.add("add_variant_id_taken", [](Store& s, const Seed&) {
    auto variant = good_variant();
    variant.id = "mug";
    s.catalog().add_variant("tee", variant);
  }, "mug", ErrorCode::kFailedPrecondition);
  c.add("add_variant_price_minus_one", [](Store& s, const Seed&) {
    auto variant = good_variant();
    variant.price = -1;
    s.catalog().add_variant("tee", variant);
  }, "price");
  c.add("add_variant_initial_stock_minus_one", [](Store& s, const Seed&) {
    auto variant = good_variant();
    variant.initial_stock = -1;
    s.catalog().add_variant("tee", variant);
  }, "initial_stock");
  const std::vector<std::pair<std::string, std::vector<OptionAxis>>> bad_axes = {
      {"axis_twice", {{"size", {"S"}}, {"size", {"M"}}}},
      {"value_twice", {{"size", {"S", "S"}}}},
      {"no_values", {{"size", {}}}},
      {"empty_name", {{"", {"S"}}}},
      {"empty_value", {{"size", {""}}}},
      {"too_many", std::vector<OptionAxis>(9, OptionAxis{"a", {"x"}})}};
  for (const auto& [label, axes] : bad_axes) {
    c.add("create_axes_" + label, [axes](Store& s, const Seed&) {
      auto p = good_product();
      p.axes = axes;
      s.catalog().create(p);
    }, "axes");
  }
  // Ordering the product with axes itself.
  c.add("place_parent_with_axes", [](Store& s, const Seed&) {
    s.orders().place({.user_id = "alice", .items = {{"tee", 1}}});
  }, "tee", ErrorCode::kFailedPrecondition);
  c.add("reserve_parent_with_axes",
        [](Store& s, const Seed&) { s.stock().reserve("order-9", {{"tee", 1}}); }, "tee",
        ErrorCode::kFailedPrecondition);
}

// Carts (issue 18). The seed has alice's cart, an open, an expired and a merged guest cart.
void cart_cases(CaseList& c) {
  using S = const std::string&;
  const auto alice = [](const Seed& seed) { return CartKey::for_user(seed.alice_cart, "alice"); };
  const auto guest = [](const Seed& seed) {
    return CartKey::for_guest(seed.guest.cart.id, seed.guest.guest_token);
  };
  // The key.
  c.ids("cart_get_cart_id", "cart_id",
        [](Store& s, const Seed&, S v) { s.carts().get(CartKey::for_user(v, "alice")); });
  c.strings("cart_add_user_id", "user_id", bad_ids(false), [](Store& s, const Seed& seed, S v) {
    s.carts().add(CartKey::for_user(seed.alice_cart, v), "mug", 1);
  });
  std::vector<BadString> bad_tokens = bad_ids(false);
  bad_tokens.push_back({"too_short", std::string(42, 'a')});
  bad_tokens.push_back({"too_long_by_one", std::string(44, 'a')});
  bad_tokens.push_back({"not_url_safe", std::string(42, 'a') + "+"});
  c.strings("cart_add_guest_token", "guest_token", bad_tokens,
            [](Store& s, const Seed& seed, S v) {
              s.carts().add(CartKey::for_guest(seed.guest.cart.id, v), "mug", 1);
            });
  c.add("cart_add_key_without_owner", [](Store& s, const Seed& seed) {
    s.carts().add(CartKey{seed.alice_cart, "", ""}, "mug", 1);
  }, "user_id");
  c.add("cart_add_key_with_both_owners", [](Store& s, const Seed& seed) {
    s.carts().add(CartKey{seed.guest.cart.id, "alice", seed.guest.guest_token}, "mug", 1);
  }, "guest_token");
  c.add("cart_add_unknown_cart", [](Store& s, const Seed&) {
    s.carts().add(CartKey::for_user("0190a5c4-0000-7000-8000-000000000000", "alice"), "mug", 1);
  }, "0190a5c4-0000-7000-8000-000000000000", ErrorCode::kNotFound);
  c.add("cart_add_foreign_users_cart", [](Store& s, const Seed& seed) {
    s.carts().add(CartKey::for_user(seed.alice_cart, "mallory"), "mug", 1);
  }, "user_id", ErrorCode::kNotFound);
  c.add("cart_add_wrong_guest_token", [](Store& s, const Seed& seed) {
    const auto key = CartKey::for_guest(seed.guest.cart.id, seed.expired_guest.guest_token);
    s.carts().add(key, "mug", 1);
  }, "guest_token", ErrorCode::kNotFound);
  c.add("cart_add_user_key_on_guest_cart", [](Store& s, const Seed& seed) {
    s.carts().add(CartKey::for_user(seed.guest.cart.id, "alice"), "mug", 1);
  }, "user_id", ErrorCode::kNotFound);
  // Expired and closed carts: the error names the cart.
  const auto expired = [](const Seed& seed) { return seed.expired_guest.cart.id; };
  const auto merged = [](const Seed& seed) { return seed.merged_guest.cart.id; };
  for (const char* op : {"get", "add", "share"}) {
    c.add_seeded(std::string("cart_") + op + "_expired_guest_cart", [op](Store& s,
                                                                          const Seed& seed) {
      const GuestCart& g = seed.expired_guest;
      const auto key = CartKey::for_guest(g.cart.id, g.guest_token);
      if (std::string(op) == "get") s.carts().get(key);
      if (std::string(op) == "add") s.carts().add(key, "mug", 1);
      if (std::string(op) == "share") s.carts().share(key);
    }, expired, ErrorCode::kFailedPrecondition);
  }
  for (const char* op : {"add", "set", "remove", "clear", "copy"}) {
    c.add_seeded(std::string("cart_") + op + "_merged_cart", [op](Store& s, const Seed& seed) {
      const GuestCart& g = seed.merged_guest;
      const auto key = CartKey::for_guest(g.cart.id, g.guest_token);
      const std::string name = op;
      if (name == "add") s.carts().add(key, "mug", 1);
      if (name == "set") s.carts().set_quantity(key, "mug", 2);
      if (name == "remove") s.carts().remove(key, "mug");
      if (name == "clear") s.carts().clear(key);
      if (name == "copy") s.carts().copy_shared(seed.share_token, key);
    }, merged, ErrorCode::kFailedPrecondition);
  }
  // Lines.
  c.ids("cart_add_product_id", "product_id",
        [alice](Store& s, const Seed& seed, S v) { s.carts().add(alice(seed), v, 1); });
  c.ids("cart_set_product_id", "product_id",
        [guest](Store& s, const Seed& seed, S v) { s.carts().set_quantity(guest(seed), v, 1); });
  c.ids("cart_remove_product_id", "product_id",
        [guest](Store& s, const Seed& seed, S v) { s.carts().remove(guest(seed), v); });
  c.add("cart_add_unknown_product",
        [alice](Store& s, const Seed& seed) { s.carts().add(alice(seed), "nope", 1); }, "nope",
        ErrorCode::kNotFound);
  c.add("cart_add_parent_with_axes",
        [guest](Store& s, const Seed& seed) { s.carts().add(guest(seed), "tee", 1); }, "tee",
        ErrorCode::kFailedPrecondition);
  for (auto [label, qty] : {std::pair{"zero", 0LL},
                            {"minus_one", -1LL},
                            {"above_limit", kMaxCartLineQty + 1},
                            {"max", kMax},
                            {"min", kMin}}) {
    c.add(std::string("cart_add_qty_") + label,
          [alice, qty](Store& s, const Seed& seed) { s.carts().add(alice(seed), "mug", qty); },
          "qty");
    if (qty == 0) continue;  // 0 removes the line
    c.add(std::string("cart_set_qty_") + label, [guest, qty](Store& s, const Seed& seed) {
      s.carts().set_quantity(guest(seed), "mug", qty);
    }, "qty");
  }
  c.request_ids("cart_add", [alice](Store& s, const Seed& seed, S v) {
    s.carts().add(alice(seed), "mug", 1, v);
  });
  c.request_ids("cart_sign_in", [](Store& s, const Seed& seed, S v) {
    s.carts().sign_in(seed.guest.guest_token, "carol", v);
  });
  c.add("cart_add_qty_past_the_line_limit", [alice](Store& s, const Seed& seed) {
    s.carts().add(alice(seed), "mug", kMaxCartLineQty);  // the line holds 1
  }, "qty");
  for (auto [label, limit] : {std::pair{"zero", 0}, {"minus_one", -1}, {"above_max", 501}}) {
    c.add(std::string("cart_sweep_limit_") + label,
          [limit](Store& s, const Seed&) { s.carts().sweep(limit); }, "limit");
  }
  // Sign-in.
  c.strings("cart_sign_in_guest_token", "guest_token", bad_tokens,
            [](Store& s, const Seed&, S v) { s.carts().sign_in(v, "carol"); });
  c.ids("cart_sign_in_user_id", "user_id", [](Store& s, const Seed& seed, S v) {
    s.carts().sign_in(seed.guest.guest_token, v);
  });
  c.add("cart_sign_in_unknown_token", [](Store& s, const Seed&) {
    s.carts().sign_in(std::string(43, 'A'), "carol");
  }, "guest_token", ErrorCode::kNotFound);
  c.add_seeded("cart_sign_in_expired_token", [](Store& s, const Seed& seed) {
    s.carts().sign_in(seed.expired_guest.guest_token, "carol");
  }, expired, ErrorCode::kFailedPrecondition);
  c.add_seeded("cart_sign_in_merged_token", [](Store& s, const Seed& seed) {
    s.carts().sign_in(seed.merged_guest.guest_token, "carol");
  }, merged, ErrorCode::kFailedPrecondition);
  // Sharing.
  std::vector<BadString> bad_share_tokens = bad_ids(false);
  bad_share_tokens.push_back({"too_short", std::string(31, 'a')});
  c.strings("cart_copy_share_token", "share_token", bad_share_tokens,
            [guest](Store& s, const Seed& seed, S v) { s.carts().copy_shared(v, guest(seed)); });
  c.add("cart_copy_unknown_share_token", [guest](Store& s, const Seed& seed) {
    s.carts().copy_shared(std::string(32, 'A'), guest(seed));
  }, "share_token", ErrorCode::kNotFound);
  c.add("cart_copy_into_foreign_cart", [](Store& s, const Seed& seed) {
    s.carts().copy_shared(seed.share_token, CartKey::for_user(seed.alice_cart, "mallory"));
  }, "user_id", ErrorCode::kNotFound);
  // Wishlists.
  c.ids("wishlist_add_user_id", "user_id",
        [](Store& s, const Seed&, S v) { s.carts().add_to_wishlist(v, "mug"); });
  c.ids("wishlist_add_product_id", "product_id",
        [](Store& s, const Seed&, S v) { s.carts().add_to_wishlist("alice", v); });
  c.add("wishlist_add_unknown_product",
        [](Store& s, const Seed&) { s.carts().add_to_wishlist("alice", "nope"); }, "nope",
        ErrorCode::kNotFound);
  c.ids("wishlist_remove_user_id", "user_id",
        [](Store& s, const Seed&, S v) { s.carts().remove_from_wishlist(v, "mug"); });
  c.add("wishlist_list_cursor",
        [](Store& s, const Seed&) { s.carts().wishlist("alice", "zz"); }, "cursor");
  c.add("wishlist_list_limit",
        [](Store& s, const Seed&) { s.carts().wishlist("alice", "", 0); }, "limit");
}

// Partial cancellation and returns (issue 20, commerce/returns.h).
void give_back_cases(CaseList& c) {
  using S = const std::string&;
  c.ids("cancel_items_order_id", "order_id",
        [](Store& s, const Seed&, S v) { s.orders().cancel_items(v, {{"tee-s-red", 1}}); });
  c.add("cancel_items_no_items",
        [](Store& s, const Seed& seed) { s.orders().cancel_items(seed.confirmed_order, {}); },
        "items");
  c.add("cancel_items_qty_zero",
        [](Store& s, const Seed& seed) {
          s.orders().cancel_items(seed.confirmed_order, {{"tee-s-red", 0}});
        },
        "items[0].qty");
  c.add("cancel_items_more_than_ordered",
        [](Store& s, const Seed& seed) {
          s.orders().cancel_items(seed.confirmed_order, {{"tee-s-red", 2}});
        },
        "items");
  c.add("cancel_items_product_not_in_order",
        [](Store& s, const Seed& seed) {
          s.orders().cancel_items(seed.confirmed_order, {{"mug", 1}});
        },
        "items");
  c.add("cancel_items_unknown_order",
        [](Store& s, const Seed&) { s.orders().cancel_items("nope", {{"tee-s-red", 1}}); }, "nope",
        ErrorCode::kNotFound);
  c.add_seeded(
      "cancel_items_delivered_order",
      [](Store& s, const Seed& seed) {
        s.orders().cancel_items(seed.delivered_order, {{"tee-s-red", 1}});
      },
      [](const Seed& seed) { return seed.delivered_order; }, ErrorCode::kFailedPrecondition);
  c.strings("cancel_items_reason", "reason", bad_texts(512, false),
            [](Store& s, const Seed& seed, S v) {
    s.orders().cancel_items(seed.confirmed_order, {{"tee-s-red", 1}}, v);
  });
  c.request_ids("cancel_items", [](Store& s, const Seed& seed, S v) {
    s.orders().cancel_items(seed.confirmed_order, {{"tee-s-red", 1}}, "", v);
  });
  const auto ask = [](std::string user, std::vector<LineItem> items, std::string reason) {
    return [=](Store& s, const Seed& seed) {
      s.returns().request({.order_id = seed.delivered_order,
                           .user_id = user,
                           .items = items,
                           .reason = reason});
    };
  };
  c.ids("return_order_id", "order_id", [](Store& s, const Seed&, S v) {
    s.returns().request({.order_id = v, .items = {{"tee-s-red", 1}}, .reason = "x"});
  });
  // An empty user_id is "not checked" (an operator asking): not bad input.
  c.strings("return_user_id", "user_id", bad_ids(false), [](Store& s, const Seed& seed, S v) {
    s.returns().request(
        {.order_id = seed.delivered_order, .user_id = v, .items = {{"tee-s-red", 1}}, .reason = "x"});
  });
  c.add("return_no_reason", ask("carol", {{"tee-s-red", 1}}, ""), "reason");
  const auto exchange = [](std::vector<LineItem> replacement) {
    return [=](Store& s, const Seed& seed) {
      s.returns().request({.order_id = seed.delivered_order,
                           .items = {{"tee-s-red", 1}},
                           .reason = "x",
                           .replacement = replacement});
    };
  };
  c.add("exchange_replacement_qty_zero", exchange({{"mug", 0}}), "replacement[0].qty");
  c.add("exchange_replacement_qty_negative", exchange({{"mug", 1}, {"tee-s-red", -2}}),
        "replacement[1].qty");
  c.ids("exchange_replacement_product_id", "replacement[0].product_id",
        [](Store& s, const Seed& seed, S v) {
    s.returns().request({.order_id = seed.delivered_order,
                         .items = {{"tee-s-red", 1}},
                         .reason = "x",
                         .replacement = {{v, 1}}});
  });
  c.add("exchange_replacement_too_many_lines",
        exchange(std::vector<LineItem>(101, LineItem{"mug", 1})), "replacement");
  c.add("return_more_than_delivered", ask("carol", {{"tee-s-red", 2}}, "x"), "items");
  c.add("return_product_not_in_order", ask("carol", {{"mug", 1}}, "x"), "items");
  c.add("return_qty_negative", ask("carol", {{"tee-s-red", -1}}, "x"), "items[0].qty");
  c.add_seeded("return_foreign_order", ask("alice", {{"tee-s-red", 1}}, "x"),
               [](const Seed& seed) { return seed.delivered_order; }, ErrorCode::kNotFound);
  c.add("return_unknown_order",
        [](Store& s, const Seed&) {
          s.returns().request({.order_id = "nope", .items = {{"tee-s-red", 1}}, .reason = "x"});
        },
        "nope", ErrorCode::kNotFound);
  c.add_seeded(
      "return_nothing_delivered",
      [](Store& s, const Seed& seed) {
        s.returns().request(
            {.order_id = seed.confirmed_order, .items = {{"tee-s-red", 1}}, .reason = "x"});
      },
      [](const Seed& seed) { return seed.confirmed_order; }, ErrorCode::kFailedPrecondition);
  c.ids("return_approve_id", "return_id", [](Store& s, const Seed&, S v) { s.returns().approve(v); });
  c.ids("return_reject_id", "return_id",
        [](Store& s, const Seed&, S v) { s.returns().reject(v, "no"); });
  c.ids("return_receive_id", "return_id",
        [](Store& s, const Seed&, S v) { s.returns().receive(v, {}); });
  c.add("return_approve_unknown", [](Store& s, const Seed&) { s.returns().approve("nope"); },
        "nope", ErrorCode::kNotFound);
  c.add("return_reject_no_reason", [](Store& s, const Seed&) { s.returns().reject("nope", ""); },
        "reason");
  c.add("return_receive_unknown",
        [](Store& s, const Seed&) { s.returns().receive("nope", {{"tee-s-red", 1, 0, "north"}}); },
        "nope", ErrorCode::kNotFound);
}

std::vector<BadCase> all_cases() {
  CaseList c;
  cart_cases(c);
  catalog_cases(c);
  variant_cases(c);
  stock_cases(c);
  location_cases(c);
  points_cases(c);
  coupon_cases(c);
  order_cases(c);
  give_back_cases(c);
  return c.take();
}

std::string fresh_file() { return commerce::testing::fresh_path("store", ".db"); }

// A store with a little of everything: categories, products, stock, a live reservation, points
// (one user 10 short of the int64 limit), coupon templates and issued coupons. It is built once
// per process and copied for every test (copying a closed SQLite file is cheaper than seeding).
class SeededStore {
 protected:
  void seed() {
    static const auto [templ, seed] = build_template();
    path_ = fresh_file();
    std::filesystem::copy_file(templ, path_);
    seed_ = seed;
    store_ = Store::open(path_, {.clock = std::make_shared<ManualClock>(kNow)});
  }

  void discard() {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  Seed seed_;

 private:
  static std::pair<std::string, Seed> build_template() {
    const std::string path = fresh_file();
    Seed seed;
    auto clock = std::make_shared<ManualClock>(kNow);
    auto store = Store::open(path, {.clock = clock});
    auto& s = *store;
    s.catalog().add_category("mugs", "Mugs");
    s.catalog().create({.id = "mug",
                        .name = "Blue mug",
                        .description = "A mug",
                        .price = 12000,
                        .category = "mugs",
                        .brand = "Acme",
                        .initial_stock = 10});
    s.catalog().create({.id = "pricey", .name = "Priceless", .price = kMax, .initial_stock = 5});
    s.catalog().create(
        {.id = "pricey2", .name = "Nearly priceless", .price = kMax - 1, .initial_stock = 5});
    s.catalog().create(
        {.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M"}}, {"colour", {"red", "blue"}}}});
    s.catalog().add_variant("tee", {.id = "tee-s-red",
                                    .options = {{"size", "S"}, {"colour", "red"}},
                                    .price = 100,
                                    .initial_stock = 3});
    s.stock().reserve("order-1", {{"mug", 2}});
    s.locations().create({.id = "north", .name = "North", .priority = 1});
    s.points().charge("alice", 5000, "charge-alice");
    s.points().use("alice", 100, "order-p");
    run_unit(commerce::detail::storage_of(s), Storage::Access::kWrite, [](Transaction& tx) {
      if (!tx.try_credit_points("whale", kMax - 10)) throw std::runtime_error("seed whale");
      tx.insert_points_entry({.id = "00000000-0000-7000-8000-000000000001",
                              .user_id = "whale",
                              .kind = PointsEntryKind::kCharge,
                              .amount = kMax - 10,
                              .balance_after = kMax - 10,
                              .created_at = kNow});
    });
    s.coupons().create_template({.code = "PCT10",
                                 .name = "Ten percent",
                                 .kind = CouponKind::kPercent,
                                 .value = 10,
                                 .valid_from = 0,
                                 .valid_until = kFarFuture,
                                 .total_limit = 100,
                                 .per_user_limit = 1});
    s.coupons().create_template({.code = "FIX500",
                                 .name = "500 off",
                                 .value = 500,
                                 .valid_from = 0,
                                 .valid_until = kFarFuture,
                                 .total_limit = 100,
                                 .per_user_limit = 2});
    seed.percent_coupon = s.coupons().issue("PCT10", "alice").id;
    seed.fixed_coupon = s.coupons().issue("FIX500", "alice").id;
    auto& carts = s.carts();
    seed.alice_cart = carts.open_for_user("alice").id;
    carts.add(CartKey::for_user(seed.alice_cart, "alice"), "mug", 1);
    seed.share_token = carts.share(CartKey::for_user(seed.alice_cart, "alice"));
    carts.add_to_wishlist("alice", "mug");
    clock->set(kNow - s.options().guest_cart_ttl_ms - 1);
    seed.expired_guest = carts.open_guest();
    carts.add(CartKey::for_guest(seed.expired_guest.cart.id, seed.expired_guest.guest_token),
              "mug", 1);
    clock->set(kNow);
    seed.guest = carts.open_guest();
    carts.add(CartKey::for_guest(seed.guest.cart.id, seed.guest.guest_token), "mug", 1);
    seed.merged_guest = carts.open_guest();
    carts.add(CartKey::for_guest(seed.merged_guest.cart.id, seed.merged_guest.guest_token),
              "tee-s-red", 1);
    carts.sign_in(seed.merged_guest.guest_token, "bob");
    s.points().charge("carol", 200);
    seed.delivered_order =
        s.orders().place({.user_id = "carol", .items = {{"tee-s-red", 1}}, .points_to_use = 100}).id;
    s.orders().ship(seed.delivered_order);
    s.orders().deliver(seed.delivered_order);
    seed.confirmed_order =
        s.orders().place({.user_id = "carol", .items = {{"tee-s-red", 1}}, .points_to_use = 100}).id;
    store.reset();  // the last connection checkpoints the WAL into the file
    if (std::filesystem::exists(path + "-wal")) throw std::runtime_error("WAL left behind");
    return {path, seed};
  }
};

class BadInput : public SeededStore, public ::testing::TestWithParam<BadCase> {
 protected:
  void SetUp() override { seed(); }
  void TearDown() override { discard(); }
};

TEST_P(BadInput, IsRefusedNamingTheFieldAndChangesNothing) {
  const BadCase& c = GetParam();
  const auto before = dump_database(path_);
  ASSERT_GT(before.size(), 20u);
  try {
    c.call(*store_, seed_);
    ADD_FAILURE() << "no error was raised";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), c.code) << e.what();
    EXPECT_EQ(e.subject(), c.seeded_subject ? c.seeded_subject(seed_) : c.subject) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a commerce::Error: " << e.what();
  }
  EXPECT_EQ(dump_database(path_), before);
  // ...and the store still works.
  EXPECT_EQ(store_->stock().level("mug"), (StockLevel{"mug", 10, 2, 8, 0}));
  EXPECT_EQ(store_->points().balance("alice"), 4900);
}

INSTANTIATE_TEST_SUITE_P(AllWriteCommands, BadInput, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& p) { return p.param.name; });

class FreeText : public SeededStore, public ::testing::Test {
 protected:
  void SetUp() override { seed(); }
  void TearDown() override { discard(); }
};

const std::vector<std::string> kSqlTexts = {
    "Robert'); DROP TABLE products; --",
    "x\" OR \"1\"=\"1",
    "100% _cotton_ \\ backslash; `ticks` /* comment */ -- dash",
    "'; DELETE FROM stock WHERE '1'='1",
};

// A strategy whose plan breaks a rule: refused with InvalidArgument naming
// "allocation_strategy", and the file is left as it was, byte for byte in every row.
class BadPlan : public AllocationStrategy {
 public:
  explicit BadPlan(std::function<std::vector<Allocation>(const AllocationRequest&)> plan)
      : plan_(std::move(plan)) {}
  std::string name() const override { return "bad_plan"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    return plan_(request);
  }

 private:
  std::function<std::vector<Allocation>(const AllocationRequest&)> plan_;
};

class ImpossiblePlan : public SeededStore, public ::testing::Test {
 protected:
  void SetUp() override { seed(); }
  void TearDown() override { discard(); }
};

TEST_F(ImpossiblePlan, IsRefusedNamingTheStrategyAndChangesNothing) {
  using Plan = std::function<std::vector<Allocation>(const AllocationRequest&)>;
  const std::pair<const char*, Plan> plans[] = {
      {"too_many_units",
       [](const AllocationRequest& r) {
         return std::vector<Allocation>{{r.lines[0].product_id, "default", 9}};
       }},
      {"too_few_units",
       [](const AllocationRequest& r) {
         return std::vector<Allocation>{{r.lines[0].product_id, "default", 1}};
       }},
      {"unknown_location",
       [](const AllocationRequest& r) {
         return std::vector<Allocation>{{r.lines[0].product_id, "nowhere", r.lines[0].qty}};
       }},
      {"location_without_stock",
       [](const AllocationRequest& r) {
         return std::vector<Allocation>{{r.lines[0].product_id, "north", r.lines[0].qty}};
       }},
      {"throws",
       [](const AllocationRequest&) -> std::vector<Allocation> {
         throw std::runtime_error("no plan today");
       }},
  };
  // "north" must be an option of the line for the last plans to be tested as planned.
  store_->stock().transfer("mug", "default", "north", 1, "seed north");
  store_->stock().transfer("mug", "north", "default", 1, "empty north");
  store_.reset();
  const auto before = dump_database(path_);
  for (const auto& [label, plan] : plans) {
    StoreOptions options;
    options.clock = std::make_shared<ManualClock>(kNow);
    options.allocation_strategy = std::make_shared<BadPlan>(plan);
    auto store = Store::open(path_, options);
    try {
      store->stock().reserve("order-9", {{"mug", 2}});
      ADD_FAILURE() << label << ": the plan was applied";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << label << ": " << e.what();
      EXPECT_EQ(e.subject(), "allocation_strategy") << label << ": " << e.what();
    }
    store.reset();
    EXPECT_EQ(dump_database(path_), before) << label;
  }
}

// SQL metacharacters in free-text fields are legitimate data: stored and read back verbatim.
TEST_F(FreeText, SqlMetacharactersAreStoredVerbatim) {
  auto& s = *store_;
  for (std::size_t i = 0; i < kSqlTexts.size(); ++i) {
    const std::string& text = kSqlTexts[i];
    const std::string id = "sql-" + std::to_string(i);
    const auto created = s.catalog().create({.id = id,
                                             .name = text,
                                             .description = text + " (description)",
                                             .price = 1,
                                             .brand = text,
                                             .attributes = nlohmann::json{{"note", text}}.dump(),
                                             .initial_stock = 1});
    EXPECT_EQ(s.catalog().get(id), created);
    EXPECT_EQ(created.name, text);
    EXPECT_EQ(created.description, text + " (description)");
    EXPECT_EQ(created.brand, text);
    EXPECT_EQ(s.catalog().update(id, {.name = text + "!"}).name, text + "!");
    s.catalog().add_category("cat-" + std::to_string(i), text);
    EXPECT_EQ(s.stock().adjust(id, 2, text).on_hand, 3);
    EXPECT_EQ(s.points().adjust("alice", 1, text).reason, text);
    EXPECT_EQ(s.coupons()
                  .create_template({.code = "SQL" + std::to_string(i),
                                    .name = text,
                                    .value = 1,
                                    .valid_from = 0,
                                    .valid_until = kFarFuture,
                                    .total_limit = 1})
                  .name,
              text);
  }
  // Every table still exists and the seeded rows are intact.
  EXPECT_EQ(s.stock().level("mug"), (StockLevel{"mug", 10, 2, 8, 0}));
  EXPECT_EQ(s.catalog().get("mug").name, "Blue mug");
  EXPECT_EQ(s.points().balance("alice"), 4900 + static_cast<Money>(kSqlTexts.size()));
  const auto dump = dump_database(path_);
  for (const auto& table : {"products", "stock", "stock_adjustments", "categories", "point_entries",
                            "coupon_templates"}) {
    EXPECT_TRUE(std::any_of(dump.begin(), dump.end(), [&](const std::string& line) {
      return line.starts_with(std::string("schema|table|") + table + "|");
    })) << table;
  }
  // A text query with LIKE wildcards matches them literally, not as patterns.
  const auto found = s.catalog().list({.text = "100% _cotton_"});
  ASSERT_EQ(found.items.size(), 1u);
  EXPECT_EQ(found.items[0].id, "sql-2");
  EXPECT_TRUE(s.catalog().list({.text = "%"}).items.size() == 1u);
  EXPECT_TRUE(s.catalog().list({.text = "_"}).items.size() == 1u);
  EXPECT_EQ(s.catalog().list({.brand = kSqlTexts[0]}).items.size(), 1u);
  // Ranked by relevance, each text (quotes, wildcards, comments) finds its own product only.
  for (std::size_t i = 0; i < kSqlTexts.size(); ++i) {
    const auto ranked =
        s.catalog().list({.text = kSqlTexts[i], .order = ProductOrder::kRelevance});
    ASSERT_EQ(ranked.items.size(), 1u) << kSqlTexts[i];
    EXPECT_EQ(ranked.items[0].id, "sql-" + std::to_string(i));
  }
}

}  // namespace
}  // namespace commerce::testing
