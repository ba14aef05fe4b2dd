#include "pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#ifndef LIBPQ_HAS_PIPELINING
#error "commerce::postgres needs libpq 14 or newer (SqlStatement::run_later uses its pipeline mode)"
#endif

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "commerce/error.h"
#include "core/redact.h"

namespace commerce::postgres {

namespace {

std::string trimmed(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool is_connection_state(const std::string& sqlstate) {
  // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
  // 53: insufficient resources (too many connections, out of memory or disk).
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate.starts_with("53");
}

// A login the server refused for a reason that waiting will not cure.
bool is_refused_login(const std::string& message) {
  return message.find("does not exist") != std::string::npos ||
         message.find("authentication failed") != std::string::npos ||
         message.find("pg_hba.conf") != std::string::npos ||
         message.find("password authentication") != std::string::npos ||
         message.find("no password supplied") != std::string::npos ||
         message.find("not permitted to log in") != std::string::npos ||
         message.find("permission denied") != std::string::npos;
}

// libpq's complaints about the connection settings themselves (checked before any network).
bool is_malformed_setting(const std::string& message) {
  return message.starts_with("invalid ") || message.find("invalid integer value") != std::string::npos ||
         message.find("invalid sslmode value") != std::string::npos ||
         message.find("invalid connection option") != std::string::npos ||
         message.find("could not translate host name") != std::string::npos ||
         message.find("invalid port number") != std::string::npos ||
         message.find("is not a valid") != std::string::npos;
}

// What execute_expecting's query fails with (in a 22P02 error) when its guess was wrong.
constexpr std::string_view kGuessMissedMark = "commerce: guessed row count missed";

// The statement inside a query that fails unless it changed `rows` rows: a wrong guess is an
// error on the server, which then skips what is queued behind it, COMMIT included.
std::string expecting(const std::string& sql, std::int64_t rows) {
  return fmt::format("WITH guessed AS ({} RETURNING 1) SELECT CAST(CASE WHEN count(*) = {} THEN "
                     "CAST('0' AS TEXT) ELSE CAST('{}' AS TEXT) END AS INTEGER) FROM guessed",
                     sql, rows, kGuessMissedMark);
}

bool is_contention_state(const std::string& sqlstate) {
  // serialization failure, deadlock, lock not available, statement/lock timeout.
  return sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" || sqlstate == "57014";
}

}  // namespace

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (res_) PQclear(res_);
    res_ = other.res_;
    other.res_ = nullptr;
  }
  return *this;
}

Result::~Result() {
  if (res_) PQclear(res_);
}

bool Result::failed() const {
  return res_ != nullptr && PQresultStatus(res_) == PGRES_FATAL_ERROR;
}

int Result::rows() const { return res_ ? PQntuples(res_) : 0; }

std::int64_t Result::affected() const {
  const char* text = res_ ? PQcmdTuples(res_) : "";
  std::int64_t n = 0;
  if (text && *text) std::from_chars(text, text + std::char_traits<char>::length(text), n);
  return n;
}

bool Result::is_null(int row, int column) const { return PQgetisnull(res_, row, column) != 0; }

std::string Result::text(int row, int column) const {
  return std::string(PQgetvalue(res_, row, column),
                     static_cast<std::size_t>(PQgetlength(res_, row, column)));
}

std::int64_t Result::int64(int row, int column) const {
  const char* value = PQgetvalue(res_, row, column);
  const int length = PQgetlength(res_, row, column);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value, value + length, n);
  if (ec != std::errc() || end != value + length) {
    throw Error::internal(fmt::format("PostgreSQL returned '{}' where an integer was expected",
                                      std::string_view(value, static_cast<std::size_t>(length))));
  }
  return n;
}

Connection::Connection(const std::string& url, int connect_timeout_s,
                       const std::string& application_name)
    : url_(url) {
  // Later keywords override earlier ones, so settings in the URL win over these defaults.
  // Keepalives find a peer that vanished (host down, network cut) within about 30 s even when
  // no statement waits; a server that is frozen but whose host answers is caught by deadline_.
  const std::string timeout = std::to_string(connect_timeout_s);
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding",
                            "keepalives",      "keepalives_idle",  "keepalives_interval",
                            "keepalives_count", "dbname",          nullptr};
  const char* values[] = {timeout.c_str(), application_name.c_str(), "UTF8", "1", "15", "5", "3",
                          url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn_ == nullptr) {
    throw PgTransient{PgTransient::Kind::kConnection, "libpq could not allocate a connection"};
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_);
    PQfinish(conn_);
    conn_ = nullptr;
    if (is_malformed_setting(message)) throw PgConfiguration{true, message};
    if (is_refused_login(message)) throw PgConfiguration{false, message};
    throw PgTransient{PgTransient::Kind::kConnection, "cannot connect: " + message};
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

bool Connection::healthy() const noexcept {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE && queued_.empty() && held_.empty() &&
         PQpipelineStatus(conn_) == PQ_PIPELINE_OFF;
}

bool Connection::rollback() noexcept {
  held_.clear();  // never sent: nothing to undo
  if (!queued_.empty()) {
    try {
      drain();  // the unit is being abandoned: whatever its queued statements did is undone
    } catch (...) {
    }
  }
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) return false;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return true;
  PGresult* res = PQexec(conn_, "ROLLBACK");
  const bool ok = res != nullptr && PQresultStatus(res) == PGRES_COMMAND_OK;
  if (res) PQclear(res);
  return ok && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

template <class E>
void Connection::fail(E error) {
  if (!failure_) failure_ = std::make_exception_ptr(error);
  throw error;
}

Result Connection::check(PGresult* res, const std::string& sql) {
  Result owned(res);
  const ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return owned;

  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const std::string message = detail::redact_secrets(
      trimmed(res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
                                                : PQerrorMessage(conn_)),
      url_);
  if (PQstatus(conn_) != CONNECTION_OK || is_connection_state(sqlstate)) {
    fail(PgTransient{PgTransient::Kind::kConnection, "connection lost: " + message});
  }
  if (is_contention_state(sqlstate)) {
    fail(PgTransient{PgTransient::Kind::kContention, fmt::format("{} ({})", message, sqlstate)});
  }
  if (sqlstate == "22P02" && message.find(kGuessMissedMark) != std::string::npos) {
    fail(PgTransient{PgTransient::Kind::kGuessMissed,
                     "a statement changed another number of rows than guessed: " +
                         sql.substr(0, 200)});
  }
  if (sqlstate == "23505") {
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    fail(PgUniqueViolation{constraint ? constraint : "", message});
  }
  if (sqlstate == "42501") {
    fail(Error::failed_precondition(
        Reason::kNone, "privilege",
        fmt::format("PostgreSQL refused a privilege ({}): {}; see docs/postgres.md for the "
                    "role's rights",
                    sqlstate, message)));
  }
  fail(Error::internal(fmt::format("PostgreSQL error {}: {} in: {}",
                                   sqlstate.empty() ? "(none)" : sqlstate, message,
                                   sql.substr(0, 200))));
}

void Connection::abandon(const std::string& why) {
  queued_.clear();
  held_.clear();
  PQfinish(conn_);
  conn_ = nullptr;
  fail(PgTransient{PgTransient::Kind::kConnection, why});
}

PGresult* Connection::next_result() {
  using Clock = std::chrono::steady_clock;
  while (PQisBusy(conn_)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (deadline_ != TimePoint::max() && left.count() <= 0) {
      abandon("no answer from the server before the call's deadline (retry budget); the "
              "connection was closed");
    }
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    const int wait_ms = deadline_ == TimePoint::max()
                            ? -1
                            : static_cast<int>(std::min<std::int64_t>(left.count() + 1, 60'000));
    const int ready = ::poll(&pfd, 1, wait_ms);
    if (ready < 0 && errno != EINTR) abandon("waiting for the server failed");
    if (ready > 0 && !PQconsumeInput(conn_)) {
      abandon("connection lost: " + detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
    }
  }
  return PQgetResult(conn_);
}

Result Connection::await(bool sent, const std::string& sql) {
  if (conn_ == nullptr) {
    fail(PgTransient{PgTransient::Kind::kConnection, "the connection was closed"});
  }
  if (!sent) refused(sql);
  Result kept;
  while (PGresult* r = next_result()) {
    Result owned(r);
    // The first error stands, as with PQexec.
    if (!kept.failed()) kept = std::move(owned);
  }
  return check(kept.release(), sql);
}

void Connection::refused(const std::string& sql) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    abandon("connection lost: " + detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
  }
  check(nullptr, sql);  // reports libpq's complaint: always throws for a null result
  throw Error::internal("libpq refused to send: " + sql.substr(0, 200));
}

void Connection::enter_pipeline() {
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) return;
  if (PQenterPipelineMode(conn_) != 1) {
    abandon("cannot enter pipeline mode: " +
            detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
  }
}

const std::pair<const std::string, std::string>& Connection::prepared(const std::string& sql,
                                                                      bool pipelined) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return *it;
  std::string name = "commerce_" + std::to_string(++prepared_count_);
  // Parameter types are inferred by the server from the statement.
  const bool sent = PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 1;
  if (!pipelined) {
    await(sent, sql);
    return *prepared_.emplace(sql, std::move(name)).first;
  }
  if (!sent) refused(sql);
  it = prepared_.emplace(sql, std::move(name)).first;
  queued_.push_back({.sql = &it->first, .prepare = true});
  return *it;
}

bool Connection::send_prepared(const std::string& name, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  return PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                             values.data(), nullptr, nullptr, 0) == 1;
}

Result Connection::sync_pipeline() {
  if (PQpipelineSync(conn_) != 1) {
    abandon("connection lost: " + detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
  }
  std::vector<Queued> entries;
  entries.swap(queued_);
  Result first_error, last;
  std::string error_sql;
  std::size_t error_at = 0;
  std::vector<std::string> forget;  // statements whose PREPARE did not happen
  std::size_t i = 0;                // the entry whose answer is being read
  for (;;) {
    PGresult* r = next_result();
    if (r == nullptr) {  // the end of one statement's answer
      if (i == entries.size()) {
        abandon("connection lost: the server's answers ended before the pipeline's end");
      }
      ++i;
      continue;
    }
    Result owned(r);
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_SYNC) break;
    if (i == entries.size()) abandon("connection lost: an answer the pipeline did not ask for");
    const Queued& entry = entries[i];
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (entry.xid && owned.rows() == 1) xid_ = owned.text(0, 0);
      if (i + 1 == entries.size()) last = std::move(owned);
      continue;
    }
    if (entry.prepare) forget.push_back(*entry.sql);
    // Once one failed, the server skipped the rest (PGRES_PIPELINE_ABORTED).
    if (status != PGRES_PIPELINE_ABORTED && !first_error) {
      first_error = std::move(owned);
      error_sql = *entry.sql;
      error_at = i;
    }
  }
  for (const auto& sql : forget) prepared_.erase(sql);
  if (PQexitPipelineMode(conn_) != 1) {
    abandon("cannot leave pipeline mode: " +
            detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
  }
  if (first_error) {
    skipped_ = error_at + 1 < entries.size();
    check(first_error.release(), error_sql);
  }
  return last;
}

void Connection::drain() {
  send_held();
  if (queued_.empty()) return;
  sync_pipeline();
}

Result Connection::exec(const std::string& sql) {
  skipped_ = false;
  if (conn_ == nullptr) return await(false, sql);
  send_held();
  if (!queued_.empty()) {
    if (sql.find(';') == std::string::npos) {
      queue_simple(sql, {});  // one statement: behind the queue
      return sync_pipeline();
    }
    drain();
  }
  return await(PQsendQuery(conn_, sql.c_str()) == 1, sql);
}

Result Connection::execute(const std::string& sql, const std::vector<std::string>& params) {
  skipped_ = false;
  if (conn_ == nullptr) return await(false, sql);
  send_held();
  if (queued_.empty()) return await(send_prepared(prepared(sql, false).second, params), sql);
  const auto& statement = prepared(sql, true);
  if (!send_prepared(statement.second, params)) refused(sql);
  queued_.push_back({.sql = &statement.first});
  return sync_pipeline();
}

void Connection::queue_prepared(const std::string& sql, const std::vector<std::string>& params,
                                Queued entry) {
  if (conn_ == nullptr) await(false, sql);
  enter_pipeline();
  const auto& statement = prepared(sql, true);
  if (!send_prepared(statement.second, params)) refused(sql);
  entry.sql = &statement.first;
  queued_.push_back(entry);
}

void Connection::execute_later(const std::string& sql, const std::vector<std::string>& params) {
  queue_prepared(sql, params, {});
}

void Connection::execute_expecting(const std::string& sql, const std::vector<std::string>& params,
                                   std::int64_t rows) {
  queue_prepared(expecting(sql, rows), params, {});
}

void Connection::execute_expecting_late(const std::string& sql,
                                        const std::vector<std::string>& params,
                                        std::int64_t rows) {
  if (conn_ == nullptr) await(false, sql);
  held_.push_back({expecting(sql, rows), params});
}

void Connection::send_held() {
  if (held_.empty()) return;
  std::vector<Held> held;
  held.swap(held_);
  for (const auto& h : held) queue_prepared(h.sql, h.params, {});
}

void Connection::queue_simple(const std::string& sql, Queued entry) {
  // The extended protocol, as pipeline mode requires.
  if (PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) {
    refused(sql);
  }
  entry.sql = &sql;
  queued_.push_back(entry);
}

void Connection::begin(const std::string& begin, bool learn_xid) {
  static const std::string kXid = "SELECT pg_current_xact_id()";
  xid_.clear();
  if (conn_ == nullptr) await(false, begin);
  enter_pipeline();
  queue_simple(begin, {});
  if (learn_xid) queue_simple(kXid, {.xid = true});
}

void Connection::read_before_commit() {
  send_held();
  if (std::any_of(queued_.begin(), queued_.end(),
                  [](const Queued& q) { return q.xid; })) {
    drain();
  }
}

Query& Query::bind(std::int64_t value) {
  params_.push_back(std::to_string(value));
  return *this;
}

Query& Query::bind(const std::string& value) {
  params_.push_back(value);
  return *this;
}

Result Query::run() { return conn_.execute(sql_, params_); }

}  // namespace commerce::postgres
