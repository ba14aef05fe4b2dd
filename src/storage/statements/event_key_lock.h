// PostgreSQL's lock of an event key: a transaction-scoped advisory lock on the key's hash, in a
// lock space of the outbox's own. A unit holds it from before it takes a seq for an event of the
// key to its commit, so per key, seq order is commit order (outbox.cpp). The stock statements
// take the lock of their product's key before the row they lock (stock.cpp), so every unit
// takes a product's key, then its stock rows, then its other keys.
#pragma once

#include <string>

namespace commerce::statements {

// The lock space (the first argument of pg_advisory_xact_lock).
inline constexpr char kEventKeyLockSpace[] = "1668246893";

// The SQL that locks the key `key_sql` (an expression of type text) evaluates to.
inline std::string event_key_lock(const std::string& key_sql) {
  return std::string("pg_advisory_xact_lock(") + kEventKeyLockSpace + ", hashtext(CAST(" +
         key_sql + " AS TEXT)))";
}

}  // namespace commerce::statements
