// Query: how a statement file runs one of its statements on the open session. It prepares the
// statement (cached by the adapter), binds, steps or runs it, and resets it when it goes out of
// scope. Strings are bound without a copy: bind variables, members or static names, never
// temporaries (the rvalue overload is deleted for that reason).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commerce/storage.h"

namespace commerce::statements {

class Query {
 public:
  Query(SqlSession& session, const Sql& sql) : statement_(session.prepare(sql)) {}
  ~Query() { statement_.reset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int index, std::int64_t value) {
    statement_.bind(index, value);
    return *this;
  }
  Query& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Query& bind(int index, const std::string& value) {
    statement_.bind(index, std::string_view(value));
    return *this;
  }
  Query& bind(int index, std::string&& value) = delete;  // would dangle: keep it in a variable
  // A name with static storage (to_string() of an enum).
  Query& bind_name(int index, std::string_view name) {
    statement_.bind(index, name);
    return *this;
  }

  bool step() { return statement_.step(); }
  std::int64_t run() { return statement_.run(); }
  // Runs a statement whose row count the caller does not need, possibly without waiting for
  // the server (SqlStatement::run_later: its failure surfaces at the unit's next read,
  // savepoint or commit, never after the commit). For plain inserts and updates only: never
  // for a conditional update whose count decides what happens next.
  void run_later() { statement_.run_later(); }
  // Runs a statement expected to change `rows` rows, possibly without waiting for the server
  // (SqlStatement::run_expecting: if the guess is wrong, the unit is run again with the real
  // count). For statements whose other outcome is a lost race or a bug (the caller then throws
  // Internal or SagaMoved), or a refusal the caller has made rare (a coupon it read available, a
  // reservation that leaves stock and crosses no threshold); never where a refusal is a common
  // business answer, which would run the unit twice.
  std::int64_t run_expecting(std::int64_t rows) { return statement_.run_expecting(rows); }
  // The same, sent as late as the session's next statement that waits, savepoint boundary or
  // commit (SqlStatement::run_expecting_late): for an update of a row other units wait for.
  std::int64_t run_expecting_late(std::int64_t rows) {
    return statement_.run_expecting_late(rows);
  }
  // The first row's first column as an integer, `otherwise` if there is no row.
  std::int64_t single_int64(std::int64_t otherwise = 0) {
    return statement_.step() ? statement_.int64(0) : otherwise;
  }

  std::int64_t int64(int column) const { return statement_.int64(column); }
  std::string text(int column) const { return statement_.text(column); }

 private:
  SqlStatement& statement_;
};

}  // namespace commerce::statements
