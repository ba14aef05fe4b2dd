// JsonText must write exactly what nlohmann::json's dump() writes for the same object: event
// payloads and saga log lines are compared byte for byte by consumers and tests.
#include "domain/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace commerce::detail {
namespace {

TEST(JsonText, MatchesNlohmannForEveryMemberKind) {
  const std::vector<std::string> steps = {"stock", "points", "coupon", "pay\"ment"};
  const std::string text = JsonText()
                               .add("user_id", "u-1")
                               .add("total", std::int64_t{-9'223'372'036'854'775'807} - 1)
                               .add("applied", true)
                               .add("skipped", false)
                               .add("count", std::size_t{18'446'744'073'709'551'615u})
                               .add("steps", steps)
                               .add("empty", "")
                               .add("amount", 0)
                               .str();
  const nlohmann::json expected = {{"user_id", "u-1"},
                                   {"total", std::int64_t{-9'223'372'036'854'775'807} - 1},
                                   {"applied", true},
                                   {"skipped", false},
                                   {"count", std::size_t{18'446'744'073'709'551'615u}},
                                   {"steps", steps},
                                   {"empty", ""},
                                   {"amount", 0}};
  EXPECT_EQ(text, expected.dump());
  EXPECT_EQ(JsonText().str(), nlohmann::json::object().dump());
}

TEST(JsonText, EscapesLikeNlohmann) {
  // Every ASCII byte, then random valid UTF-8 (1- to 4-byte sequences) with control characters.
  std::string all;
  for (int c = 1; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(JsonText().add("s", all).str(), nlohmann::json({{"s", all}}).dump());

  std::mt19937 rng(7);
  const auto append_utf8 = [](std::string& s, char32_t cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  };
  for (int round = 0; round < 500; ++round) {
    std::string s;
    for (int i = 0; i < 20; ++i) {
      char32_t cp = rng() % 0x110000;
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = rng() % 0x20;  // no surrogates; more controls
      append_utf8(s, cp);
    }
    const std::string key = "k" + std::to_string(round % 3);
    EXPECT_EQ(JsonText().add(key, s).add("a", s).str(), nlohmann::json({{key, s}, {"a", s}}).dump())
        << "round " << round;
  }
}

TEST(JsonText, RefusesMoreMembersThanItHolds) {
  JsonText t;
  for (const char* k : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}) t.add(k, 1);
  EXPECT_THROW(t.add("m", 1), Error);
}

}  // namespace
}  // namespace commerce::detail
