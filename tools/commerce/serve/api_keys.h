// API keys of `commerce serve` and their scopes (docs/service.md, "Access").
//
// A key is a bearer secret sent as `Authorization: Bearer <key>`. The service keeps only each
// key's SHA-256, from a key file (--api-keys FILE) and/or $COMMERCE_API_KEYS, one key a line:
//
//   <scope> sha256:<64 hex digits of the key's SHA-256> [label]
//
// ('#' starts a comment; in the environment variable ';' also separates lines). The file is
// read again on SIGHUP and when its modification time changes, so keys rotate without a restart;
// a file that does not parse keeps the keys in use (the error is logged).
// Thread safety: every call may run from any thread at once.
#pragma once

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace commerce::service {

// What a key may do: storefront reads the catalog and places and reads the orders of the user
// the host asserts (X-Commerce-User); operator reads health figures (check, stats); admin may do
// everything.
enum class Scope { kStorefront, kOperator, kAdmin };

std::string_view to_string(Scope scope);

class ApiKeys {
 public:
  // Reads the keys. Errors: InvalidArgument naming "--api-keys" (the file cannot be read, a
  // line does not parse) or "COMMERCE_API_KEYS" (a line does not parse), and naming
  // "--api-keys" when there is no key at all (the service never runs open).
  ApiKeys(std::string file, std::string environment_text);

  // The scope of `key`, or none for an unknown key.
  std::optional<Scope> scope_of(std::string_view key) const;

  // Reads the file again now; on an error keeps the keys in use and rethrows it.
  void reload();
  // Reads the file again if its modification time changed (looked at most once a second);
  // an error is written to stderr and the keys in use stay.
  void reload_if_changed();

 private:
  using Digests = std::map<std::string, Scope>;  // sha256 hex -> scope
  Digests read_all() const;

  std::string file_;
  std::string environment_text_;
  mutable std::mutex mu_;
  std::shared_ptr<const Digests> digests_;
  std::timespec file_mtime_{};
  std::chrono::steady_clock::time_point last_look_{};
};

}  // namespace commerce::service
