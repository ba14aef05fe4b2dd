#include "commerce/money.h"

#include <gtest/gtest.h>

#include <limits>

#include "commerce/error.h"

namespace commerce {
namespace {

constexpr Money kMax = std::numeric_limits<Money>::max();
constexpr Money kMin = std::numeric_limits<Money>::min();

TEST(Money, ArithmeticWithinRange) {
  EXPECT_EQ(checked_add(2, 3, "x"), 5);
  EXPECT_EQ(checked_sub(2, 3, "x"), -1);
  EXPECT_EQ(checked_mul(12000, 3, "x"), 36000);
  EXPECT_EQ(checked_add(kMax - 1, 1, "x"), kMax);
}

TEST(Money, OverflowIsInvalidArgumentNamingTheField) {
  try {
    checked_add(kMax, 1, "subtotal");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.subject(), "subtotal");
    EXPECT_NE(std::string(e.what()).find("subtotal"), std::string::npos);
  }
  EXPECT_THROW(checked_sub(kMin, 1, "x"), Error);
  EXPECT_THROW(checked_mul(kMax / 2 + 1, 2, "x"), Error);
  EXPECT_THROW(checked_mul(kMin, -1, "x"), Error);
}

}  // namespace
}  // namespace commerce
