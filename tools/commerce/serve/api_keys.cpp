// API keys, stored as SHA-256 digests. See api_keys.h.
#include "api_keys.h"

#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "commerce/error.h"
#include "core/secret_token.h"

namespace commerce::service {

namespace {

constexpr std::string_view kDigestPrefix = "sha256:";

std::optional<Scope> parse_scope(std::string_view text) {
  if (text == "storefront") return Scope::kStorefront;
  if (text == "operator") return Scope::kOperator;
  if (text == "admin") return Scope::kAdmin;
  return std::nullopt;
}

bool is_hex_digest(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Adds the keys of `text` (lines; also split at ';' when `semicolons`) to `out`.
void parse_lines(const std::string& text, bool semicolons, const std::string& source,
                 std::map<std::string, Scope>& out) {
  std::string normalized = text;
  if (semicolons) {
    for (char& c : normalized) {
      if (c == ';') c = '\n';
    }
  }
  std::istringstream lines(normalized);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string scope_text, digest;
    if (!(words >> scope_text)) continue;  // blank or comment
    const auto scope = parse_scope(scope_text);
    words >> digest;
    if (!scope || !digest.starts_with(kDigestPrefix) ||
        !is_hex_digest(std::string_view(digest).substr(kDigestPrefix.size()))) {
      throw Error::invalid_argument(
          source, "line " + std::to_string(number) +
                      ": expected '<storefront|operator|admin> sha256:<64 lowercase hex digits> "
                      "[label]'");
    }
    out[digest.substr(kDigestPrefix.size())] = *scope;
  }
}

std::timespec modification_time(const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return {};
  return info.st_mtim;
}

}  // namespace

std::string_view to_string(Scope scope) {
  switch (scope) {
    case Scope::kStorefront: return "storefront";
    case Scope::kOperator: return "operator";
    case Scope::kAdmin: return "admin";
  }
  return "storefront";
}

ApiKeys::ApiKeys(std::string file, std::string environment_text)
    : file_(std::move(file)), environment_text_(std::move(environment_text)) {
  file_mtime_ = file_.empty() ? std::timespec{} : modification_time(file_);
  digests_ = std::make_shared<const Digests>(read_all());
}

ApiKeys::Digests ApiKeys::read_all() const {
  Digests digests;
  if (!file_.empty()) {
    std::ifstream in(file_);
    if (!in) throw Error::invalid_argument("--api-keys", "cannot read " + file_);
    std::stringstream text;
    text << in.rdbuf();
    parse_lines(text.str(), false, "--api-keys", digests);
  }
  parse_lines(environment_text_, true, "COMMERCE_API_KEYS", digests);
  if (digests.empty()) {
    throw Error::invalid_argument("--api-keys",
                                  "no API key given (--api-keys FILE or $COMMERCE_API_KEYS)");
  }
  return digests;
}

std::optional<Scope> ApiKeys::scope_of(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  const std::string digest = detail::sha256_hex(key);
  std::shared_ptr<const Digests> digests;
  {
    std::lock_guard lock(mu_);
    digests = digests_;
  }
  const auto it = digests->find(digest);
  if (it == digests->end()) return std::nullopt;
  return it->second;
}

void ApiKeys::reload() {
  const std::timespec mtime = file_.empty() ? std::timespec{} : modification_time(file_);
  auto digests = std::make_shared<const Digests>(read_all());
  std::lock_guard lock(mu_);
  digests_ = std::move(digests);
  file_mtime_ = mtime;
}

void ApiKeys::reload_if_changed() {
  if (file_.empty()) return;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_look_ < std::chrono::seconds(1)) return;
    last_look_ = now;
    const std::timespec mtime = modification_time(file_);
    if (mtime.tv_sec == file_mtime_.tv_sec && mtime.tv_nsec == file_mtime_.tv_nsec) return;
    file_mtime_ = mtime;  // a file that does not parse is reported once, not every second
  }
  try {
    reload();
    std::cerr << "commerce serve: API keys re-read from " << file_ << '\n';
  } catch (const std::exception& e) {
    std::cerr << "commerce serve: API keys not re-read, the old ones stay: " << e.what() << '\n';
  }
}

}  // namespace commerce::service
