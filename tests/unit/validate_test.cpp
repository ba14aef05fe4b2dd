#include "domain/validate.h"

#include <gtest/gtest.h>

#include "commerce/error.h"

namespace commerce::detail {
namespace {

std::string field_of(auto&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.subject();
  }
  return "<no error>";
}

TEST(Validate, Ids) {
  check_id("id", "sku-1_A.b:c@d/e+f#g");
  EXPECT_EQ(field_of([] { check_id("product_id", ""); }), "product_id");
  EXPECT_EQ(field_of([] { check_id("product_id", "a b"); }), "product_id");
  EXPECT_EQ(field_of([] { check_id("product_id", "x'; DROP TABLE products;--"); }), "product_id");
  EXPECT_EQ(field_of([] { check_id("product_id", std::string(129, 'a')); }), "product_id");
  check_id("product_id", std::string(128, 'a'));
}

TEST(Validate, TextMustBeUtf8WithoutControlCharacters) {
  check_text("name", "Mug \xea\xb8\xb0\xeb\xb3\xb8 'quoted' \"x\" ; -- %_", 512, true);
  EXPECT_EQ(field_of([] { check_text("name", "", 512, true); }), "name");
  EXPECT_EQ(field_of([] { check_text("name", "\xff\xfe", 512, true); }), "name");
  EXPECT_EQ(field_of([] { check_text("name", "\xc0\xaf", 512, true); }), "name");  // overlong
  EXPECT_EQ(field_of([] { check_text("name", "\xed\xa0\x80", 512, true); }), "name");  // surrogate
  EXPECT_EQ(field_of([] { check_text("name", "\xe2\x82", 512, true); }), "name");  // truncated
  EXPECT_EQ(field_of([] { check_text("name", std::string("a\0b", 3), 512, true); }), "name");
  EXPECT_EQ(field_of([] { check_text("name", std::string(513, 'a'), 512, true); }), "name");
  check_text("description", "line one\nline two\tend", 512, false);
}

TEST(Validate, QuantitiesAndLimits) {
  EXPECT_EQ(field_of([] { check_quantity("qty", 0); }), "qty");
  EXPECT_EQ(field_of([] { check_quantity("qty", -1); }), "qty");
  EXPECT_EQ(field_of([] { check_quantity("qty", kMaxQty + 1); }), "qty");
  EXPECT_EQ(field_of([] { check_limit(0); }), "limit");
  EXPECT_EQ(field_of([] { check_limit(kMaxPageSize + 1); }), "limit");
}

TEST(Validate, MergeItemsSumsRepeatedProductsInIdOrder) {
  auto merged = merge_items({{"b", 2}, {"a", 1}, {"b", 3}});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0], (LineItem{"a", 1}));
  EXPECT_EQ(merged[1], (LineItem{"b", 5}));
  EXPECT_EQ(field_of([] { merge_items({}); }), "items");
  EXPECT_EQ(field_of([] { merge_items({{"a", kMaxQty}, {"a", 1}}); }), "items[1].qty");
  EXPECT_EQ(field_of([] { merge_items({{"", 1}}); }), "items[0].product_id");
}

TEST(Validate, CursorsRoundTripAndRejectForgeries) {
  EXPECT_EQ(decode_cursor(encode_cursor("sku-9")), "sku-9");
  EXPECT_EQ(field_of([] { decode_cursor("zz"); }), "cursor");
  EXPECT_EQ(field_of([] { decode_cursor("abc"); }), "cursor");
}

TEST(Validate, JsonAttributes) {
  check_json_object("attributes", R"({"color":"blue"})");
  EXPECT_EQ(field_of([] { check_json_object("attributes", "[1]"); }), "attributes");
  EXPECT_EQ(field_of([] { check_json_object("attributes", "{"); }), "attributes");
}

}  // namespace
}  // namespace commerce::detail
