// StatementLog: an ObservedStorage that keeps the text, in one dialect, of every read statement
// (SELECT) and every write (INSERT, UPDATE, DELETE) the units prepare, for the tests that explain
// the library's own statements (query plans, programs). Test-only.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "observed_storage.h"

namespace commerce::testing {

class StatementLog final : public ObservedStorage {
 public:
  StatementLog(std::unique_ptr<Storage> target, SqlDialect dialect)
      : ObservedStorage(std::move(target)), dialect_(dialect) {}

  // The SELECTs prepared since the last take(), in order.
  std::vector<std::string> take() {
    std::lock_guard lock(mu_);
    return std::exchange(selects_, {});
  }

  // The INSERTs, UPDATEs and DELETEs prepared since the last take_writes() or take_updates(),
  // in order.
  std::vector<std::string> take_writes() {
    std::lock_guard lock(mu_);
    return std::exchange(writes_, {});
  }

  // The UPDATEs among take_writes(), in order.
  std::vector<std::string> take_updates() {
    std::vector<std::string> updates;
    for (std::string& sql : take_writes()) {
      if (sql.starts_with("UPDATE")) updates.push_back(std::move(sql));
    }
    return updates;
  }

 protected:
  void before_statement(const Sql& sql, bool writes) override {
    const std::string& text = sql.text_for(dialect_);
    std::lock_guard lock(mu_);
    if (text.starts_with("INSERT") || text.starts_with("UPDATE") || text.starts_with("DELETE")) {
      writes_.push_back(text);
    } else if (!writes && text.starts_with("SELECT")) {
      selects_.push_back(text);
    }
  }

 private:
  const SqlDialect dialect_;
  std::mutex mu_;
  std::vector<std::string> selects_;
  std::vector<std::string> writes_;
};

}  // namespace commerce::testing
