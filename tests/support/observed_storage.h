// ObservedStorage: a Storage adapter that forwards to another and lets a test or benchmark see
// what passes through the adapter SPI (commerce/storage.h): every unit of work, with its
// outcome, and every statement a unit prepares, which it may also fail (fault injection).
// Test-only: not part of the installed API.
#pragma once

#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "commerce/storage.h"

namespace commerce::testing {

// Whether a statement changes rows (INSERT, UPDATE or DELETE).
inline bool writes_rows(const Sql& sql) {
  const std::string& text = sql.text.empty() ? sql.postgres : sql.text;
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  const std::string word = text.substr(i, 6);
  return word == "INSERT" || word == "UPDATE" || word == "DELETE";
}

class ObservedStorage : public Storage {
 public:
  explicit ObservedStorage(std::unique_ptr<Storage> target) : target_(std::move(target)) {}

  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    bool ok = false;
    try {
      target_->run(access, [&](SqlSession& session) {
        Session observed(session, *this);
        work(observed);
      });
      ok = true;
    } catch (...) {
      after_unit(access, false);
      throw;
    }
    after_unit(access, ok);
  }
  std::string url() const override { return target_->url(); }

 protected:
  // Called as a unit prepares a statement, before the target sees it; throwing fails the
  // statement (and so the unit, as a storage failure would). `writes`: writes_rows(sql).
  virtual void before_statement(const Sql& sql, bool writes) {
    (void)sql;
    (void)writes;
  }
  // Called when a unit of work has returned (committed: ok) or thrown.
  virtual void after_unit(Access access, bool ok) {
    (void)access;
    (void)ok;
  }

 private:
  class Session final : public SqlSession {
   public:
    Session(SqlSession& target, ObservedStorage& owner) : target_(target), owner_(owner) {}
    SqlDialect dialect() const override { return target_.dialect(); }
    SqlStatement& prepare(const Sql& sql) override {
      owner_.before_statement(sql, writes_rows(sql));
      return target_.prepare(sql);
    }
    void savepoint(const std::function<void()>& work) override { target_.savepoint(work); }

   private:
    SqlSession& target_;
    ObservedStorage& owner_;
  };

  std::unique_ptr<Storage> target_;
};

}  // namespace commerce::testing
