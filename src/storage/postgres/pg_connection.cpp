#include "pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

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
         PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::rollback() noexcept {
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) return false;
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
  PQfinish(conn_);
  conn_ = nullptr;
  fail(PgTransient{PgTransient::Kind::kConnection, why});
}

Result Connection::await(bool sent, const std::string& sql) {
  if (conn_ == nullptr) {
    fail(PgTransient{PgTransient::Kind::kConnection, "the connection was closed"});
  }
  if (!sent) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      abandon("connection lost: " + detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
    }
    return check(nullptr, sql);
  }
  using Clock = std::chrono::steady_clock;
  PGresult* kept = nullptr;
  auto keep = [&](PGresult* r) {
    if (kept != nullptr && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(r);  // the first error stands, as with PQexec
      return;
    }
    if (kept != nullptr) PQclear(kept);
    kept = r;
  };
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline_ - Clock::now());
      if (deadline_ != TimePoint::max() && left.count() <= 0) {
        if (kept) PQclear(kept);
        abandon("no answer from the server before the call's deadline (retry budget); the "
                "connection was closed");
      }
      pollfd pfd{PQsocket(conn_), POLLIN, 0};
      const int wait_ms = deadline_ == TimePoint::max()
                              ? -1
                              : static_cast<int>(std::min<std::int64_t>(left.count() + 1, 60'000));
      const int ready = ::poll(&pfd, 1, wait_ms);
      if (ready < 0 && errno != EINTR) {
        if (kept) PQclear(kept);
        abandon("waiting for the server failed");
      }
      if (ready > 0 && !PQconsumeInput(conn_)) {
        if (kept) PQclear(kept);
        abandon("connection lost: " + detail::redact_secrets(trimmed(PQerrorMessage(conn_)), url_));
      }
    }
    PGresult* r = PQgetResult(conn_);
    if (r == nullptr) break;
    keep(r);
  }
  return check(kept, sql);
}

Result Connection::exec(const std::string& sql) {
  if (conn_ == nullptr) return await(false, sql);
  return await(PQsendQuery(conn_, sql.c_str()) == 1, sql);
}

Result Connection::execute(const std::string& sql, const std::vector<std::string>& params) {
  if (conn_ == nullptr) return await(false, sql);
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "commerce_" + std::to_string(prepared_.size() + 1);
    // Parameter types are inferred by the server from the statement.
    await(PQsendPrepare(conn_, name.c_str(), sql.c_str(), 0, nullptr) == 1, sql);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.c_str());
  return await(PQsendQueryPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                   values.data(), nullptr, nullptr, 0) == 1,
               sql);
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
