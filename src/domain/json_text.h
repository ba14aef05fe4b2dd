// JsonText: a flat JSON object written straight to text, for the hot paths (event payloads and
// saga log lines: several per order). It gives exactly what nlohmann::json's dump() gives for an
// object of the same members (keys sorted, the same escaping, non-ASCII UTF-8 kept as is), without
// building a tree of allocated nodes. Strings must be valid UTF-8 (the library validates every
// string it accepts). Not thread-safe; one object per payload.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/error.h"

namespace commerce::detail {

class JsonText {
 public:
  JsonText() = default;

  JsonText& add(std::string_view key, std::string_view value) {
    Member& m = next(key);
    values_.push_back('"');
    escape_into(values_, value);
    values_.push_back('"');
    m.end = values_.size();
    return *this;
  }
  JsonText& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  JsonText& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  template <std::integral T>
  requires(!std::same_as<T, bool>) JsonText& add(std::string_view key, T value) {
    Member& m = next(key);
    values_ += std::to_string(value);
    m.end = values_.size();
    return *this;
  }
  JsonText& add(std::string_view key, bool value) {
    Member& m = next(key);
    values_ += value ? "true" : "false";
    m.end = values_.size();
    return *this;
  }
  JsonText& add(std::string_view key, const std::vector<std::string>& values) {
    Member& m = next(key);
    values_.push_back('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) values_.push_back(',');
      values_.push_back('"');
      escape_into(values_, values[i]);
      values_.push_back('"');
    }
    values_.push_back(']');
    m.end = values_.size();
    return *this;
  }

  // The object's text, members sorted by key.
  std::string str() const {
    // Insertion sort: at most 12 members (std::sort here trips GCC 12's -Warray-bounds).
    std::array<const Member*, kMaxMembers> order{};
    for (std::size_t i = 0; i < count_; ++i) {
      std::size_t j = i;
      for (; j > 0 && members_[i].key < order[j - 1]->key; --j) order[j] = order[j - 1];
      order[j] = &members_[i];
    }
    std::string out;
    out.reserve(values_.size() + 16 * count_ + 2);
    out.push_back('{');
    for (std::size_t i = 0; i < count_; ++i) {
      const Member& m = *order[i];
      if (i > 0) out.push_back(',');
      out.push_back('"');
      escape_into(out, m.key);
      out += "\":";
      out.append(values_, m.begin, m.end - m.begin);
    }
    out.push_back('}');
    return out;
  }

 private:
  static constexpr std::size_t kMaxMembers = 12;
  struct Member {
    std::string_view key;  // the callers' keys are string literals
    std::size_t begin = 0;
    std::size_t end = 0;
  };

  Member& next(std::string_view key) {
    if (count_ == kMaxMembers) throw Error::internal("JsonText holds at most 12 members");
    Member& m = members_[count_++];
    m.key = key;
    m.begin = values_.size();
    return m;
  }

  // nlohmann's escaping: quote, backslash and control characters; nothing else.
  static void escape_into(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : s) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00";
            out.push_back(kHex[(c >> 4) & 0xF]);
            out.push_back(kHex[c & 0xF]);
          } else {
            out.push_back(c);
          }
      }
    }
  }

  std::array<Member, kMaxMembers> members_{};
  std::size_t count_ = 0;
  std::string values_;
};

}  // namespace commerce::detail
