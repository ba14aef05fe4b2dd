#include "relevance_cursor.h"

#include <cstdint>
#include <limits>

#include "commerce/error.h"
#include "validate.h"

namespace commerce::detail {

namespace {

// The key: a tag no product id starts with (ids are printable ASCII), the score and the check
// as 8 bytes each, big-endian, then the id.
constexpr char kTag = '\x01';
constexpr std::size_t kHeader = 1 + 8 + 8;

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t get_u64(std::string_view in) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

// FNV-1a over the text, the score and the id (the text's length first, so the parts cannot
// shift into each other).
std::uint64_t check_of(std::string_view text, std::int64_t score, std::string_view id) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view bytes) {
    for (const char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ull;
    }
  };
  std::string fixed;
  put_u64(fixed, text.size());
  put_u64(fixed, static_cast<std::uint64_t>(score));
  mix(fixed);
  mix(text);
  mix(id);
  return h;
}

[[noreturn]] void refuse() {
  throw Error::invalid_argument(
      "cursor", "is not a cursor this listing returned (relevance cursors belong to their text)");
}

}  // namespace

std::string encode_relevance_cursor(const RankPosition& last, std::string_view text) {
  std::string key(1, kTag);
  put_u64(key, static_cast<std::uint64_t>(last.score));
  put_u64(key, check_of(text, last.score, last.id));
  key += last.id;
  return encode_cursor(key);
}

RankPosition decode_relevance_cursor(std::string_view cursor, std::string_view text) {
  if (cursor.empty()) return {std::numeric_limits<std::int64_t>::max(), ""};
  const std::string key = decode_cursor(cursor);
  if (key.size() <= kHeader || key[0] != kTag) refuse();
  RankPosition position{static_cast<std::int64_t>(get_u64(std::string_view(key).substr(1))),
                        key.substr(kHeader)};
  if (get_u64(std::string_view(key).substr(9)) != check_of(text, position.score, position.id)) {
    refuse();
  }
  return position;
}

bool is_relevance_key(std::string_view key) { return !key.empty() && key[0] == kTag; }

}  // namespace commerce::detail
