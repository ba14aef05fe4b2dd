#include "core/redact.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace commerce::detail {

namespace {

constexpr std::string_view kMask = "***";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes what can be decoded; a bare '%' stays as it is.
std::string percent_decoded(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool is_value_end(char c) {
  return c == '&' || c == ' ' || c == '\t' || c == '\n' || c == '"' || c == '\'';
}

// Where a password= value starting at `start` ends.
std::size_t value_end(std::string_view s, std::size_t start) {
  // Keyword/value form may quote the value: password='a b'.
  if (start < s.size() && s[start] == '\'') {
    std::size_t i = start + 1;
    while (i < s.size() && s[i] != '\'') i += s[i] == '\\' ? 2 : 1;
    return std::min(s.size(), i + 1);
  }
  std::size_t i = start;
  while (i < s.size() && !is_value_end(s[i])) ++i;
  return i;
}

bool iequals_at(std::string_view s, std::size_t pos, std::string_view word) {
  if (pos + word.size() > s.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[pos + i])) != word[i]) return false;
  }
  return true;
}

// The first "password = VALUE" (keyword in any case) at or after `from`: where VALUE starts and
// ends; npos if there is none.
std::pair<std::size_t, std::size_t> next_password_value(std::string_view s, std::size_t from) {
  for (std::size_t pos = from; pos < s.size(); ++pos) {
    if (!iequals_at(s, pos, "password")) continue;
    std::size_t eq = pos + 8;
    while (eq < s.size() && s[eq] == ' ') ++eq;
    if (eq >= s.size() || s[eq] != '=') continue;
    std::size_t start = eq + 1;
    while (start < s.size() && s[start] == ' ') ++start;
    return {start, value_end(s, start)};
  }
  return {std::string_view::npos, std::string_view::npos};
}

// The secrets `location` carries, longest first.
std::vector<std::string> secrets_of(std::string_view location) {
  std::vector<std::string> found;
  auto add = [&](std::string_view secret) {
    if (secret.empty()) return;
    found.emplace_back(secret);
    std::string decoded = percent_decoded(secret);
    if (decoded != secret && !decoded.empty()) found.push_back(std::move(decoded));
  };
  // User info: from the scheme to the last '@' (a password may hold '@', '/', '[' or ':').
  if (const auto scheme = location.find("://"); scheme != std::string_view::npos) {
    const auto start = scheme + 3;
    const auto at = location.rfind('@');
    if (at != std::string_view::npos && at > start) {
      const auto userinfo = location.substr(start, at - start);
      if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
        add(userinfo.substr(colon + 1));
      }
    }
  }
  for (std::size_t pos = 0; pos < location.size();) {
    const auto [start, end] = next_password_value(location, pos);
    if (start == std::string_view::npos) break;
    std::string_view value = location.substr(start, end - start);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    }
    add(value);
    pos = end;
  }
  std::sort(found.begin(), found.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return found;
}

void replace_all(std::string& text, const std::string& secret) {
  for (std::size_t pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + kMask.size())) {
    text.replace(pos, secret.size(), kMask);
  }
}

// Masks "password=VALUE" (any case) wherever it stands in `text`.
void mask_password_parameters(std::string& text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [start, end] = next_password_value(text, pos);
    if (start == std::string::npos) break;
    if (text.compare(start, end - start, kMask) != 0) text.replace(start, end - start, kMask);
    pos = start + kMask.size();
  }
}

// Masks the password of every "scheme://user:PASSWORD@" in `text`: up to the last '@' before the
// next white space or quote (a password may hold '@').
void mask_user_info(std::string& text) {
  for (std::size_t scheme = text.find("://"); scheme != std::string::npos;
       scheme = text.find("://", scheme + 3)) {
    const std::size_t start = scheme + 3;
    std::size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
           text[end] != '"') {
      ++end;
    }
    const std::size_t at = text.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < start) continue;
    const std::size_t colon = text.find(':', start);
    if (colon == std::string::npos || colon >= at) continue;
    if (text.compare(colon + 1, at - colon - 1, kMask) != 0) {
      text.replace(colon + 1, at - colon - 1, kMask);
    }
  }
}

}  // namespace

std::string redact_secrets(std::string_view text, std::string_view location) {
  std::string out(text);
  for (const auto& secret : secrets_of(location)) replace_all(out, secret);
  mask_user_info(out);
  mask_password_parameters(out);
  return out;
}

std::string redact_location(std::string_view location) {
  std::string out = redact_secrets(location, location);
  // As shown: without the masked parts ("user:***@" -> "user@", no "password=***" parameter).
  const auto scheme = out.find("://");
  if (const auto masked = out.find(":***@"); scheme != std::string::npos && masked > scheme &&
                                             masked != std::string::npos) {
    out.erase(masked, 4);
  }
  for (auto pos = out.find("password=***"); pos != std::string::npos;
       pos = out.find("password=***", pos)) {
    std::size_t start = pos, end = pos + 12;
    if (end < out.size() && out[end] == '&') {
      ++end;  // "?password=***&x" -> "?x", "&password=***&x" -> "&x"
    } else if (start > 0 && (out[start - 1] == '&' || out[start - 1] == '?')) {
      --start;  // the last parameter: drop its separator too
    }
    out.erase(start, end - start);
  }
  return out;
}

}  // namespace commerce::detail
