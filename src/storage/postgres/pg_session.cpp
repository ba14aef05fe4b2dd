#include "pg_session.h"

#include <charconv>

namespace commerce::postgres {

namespace {

// Parameters are sent as text (the server infers their types from the statement); the
// statement runs at the first step() or run(), and its rows are read from the result.
// run_later() queues it in the connection's pipeline (Connection::execute_later): the queue is
// answered, and a failure in it thrown, by the session's next statement that waits, its next
// savepoint boundary or the commit. run_expecting() does the same when the connection may guess
// (Connection::execute_expecting), the server checking its row count; a statement with its own
// RETURNING cannot be checked so, and runs at once. run_expecting_late() also holds it back to
// the next statement that waits (Connection::execute_expecting_late).
class PgStatement final : public SqlStatement {
 public:
  PgStatement(Connection& conn, std::string sql)
      : conn_(conn),
        sql_(std::move(sql)),
        returns_rows_(sql_.find(" RETURNING ") != std::string::npos) {}

  void bind(int index, std::int64_t value) override {
    char buf[24];
    param(index).assign(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
  }
  void bind(int index, std::string_view value) override { param(index).assign(value); }
  bool step() override {
    execute();
    return ++row_ < result_.rows();
  }
  std::int64_t run() override {
    execute();
    return result_.affected();
  }
  void run_later() override {
    conn_.execute_later(sql_, params_);
    no_result();
  }
  std::int64_t run_expecting(std::int64_t rows) override {
    if (!may_guess()) return run();
    conn_.execute_expecting(sql_, params_, rows);
    no_result();
    return rows;
  }
  std::int64_t run_expecting_late(std::int64_t rows) override {
    if (!may_guess()) return run();
    conn_.execute_expecting_late(sql_, params_, rows);
    no_result();
    return rows;
  }
  std::int64_t int64(int column) const override { return result_.int64(row_, column); }
  std::string text(int column) const override { return result_.text(row_, column); }
  void reset() noexcept override {
    executed_ = false;
    params_.clear();
    result_ = Result();
  }

 private:
  std::string& param(int index) {
    const auto i = static_cast<std::size_t>(index - 1);
    if (params_.size() <= i) params_.resize(i + 1);
    return params_[i];
  }
  bool may_guess() const { return conn_.guessing() && !returns_rows_; }
  void no_result() {  // sent without waiting: no result until reset()
    executed_ = true;
    result_ = Result();
    row_ = -1;
  }
  void execute() {
    if (executed_) return;
    result_ = conn_.execute(sql_, params_);
    executed_ = true;
    row_ = -1;
  }

  Connection& conn_;
  const std::string sql_;
  const bool returns_rows_;  // a RETURNING of its own: its count cannot be guessed
  std::vector<std::string> params_;
  Result result_;
  bool executed_ = false;
  int row_ = -1;
};

}  // namespace

std::string dollar_parameters(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool quoted = false;
  for (const char c : text) {
    if (c == '\'') quoted = !quoted;
    out += (c == '?' && !quoted) ? '$' : c;
  }
  return out;
}

SqlStatement& PgSession::prepare(const Sql& sql) {
  if (sql.follows_late) conn_.send_held();
  const bool locking = write_ && sql.lock_rows;
  auto& cache = conn_.sql_statements(locking);
  auto it = cache.find(&sql);
  if (it == cache.end()) {
    std::string text = dollar_parameters(sql.text_for(dialect()));
    if (locking) text += " FOR NO KEY UPDATE";
    it = cache.emplace(&sql, std::make_unique<PgStatement>(conn_, std::move(text))).first;
  }
  return *it->second;
}

// Statements queued before the savepoint are answered with its SAVEPOINT: a failure among them
// is the unit's and is thrown before `work` runs. Those `work` queues are answered with its
// RELEASE (or, if `work` throws, read and dropped before the ROLLBACK TO): a failure among
// them undoes the savepoint only, as a failure of run() inside `work` would.
void PgSession::savepoint(const std::function<void()>& work) {
  conn_.exec("SAVEPOINT nested");
  const bool clean = !conn_.has_failure();
  try {
    work();
    conn_.exec("RELEASE SAVEPOINT nested");
  } catch (const PgTransient&) {
    throw;  // contention or a lost connection: the whole unit is rolled back and retried
  } catch (...) {
    try {
      conn_.drain();  // what `work` queued is undone below, whatever became of it
    } catch (const PgTransient&) {
      throw;  // as if the queued statement had failed inside `work`: the unit is retried
    } catch (...) {
    }
    conn_.exec("ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested");
    // A statement that failed inside the savepoint no longer dooms the transaction.
    if (clean) conn_.clear_failure();
    throw;
  }
}

}  // namespace commerce::postgres
