#include "pg_test_support.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "commerce/postgres_storage.h"

namespace commerce::pgtest {

namespace {

bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// `url` with its database name replaced by `database`.
std::string url_with_database(const std::string& url, const std::string& database) {
  const auto authority = url.find("://");
  if (authority == std::string::npos) throw std::runtime_error("not a URL: " + url);
  const auto slash = url.find('/', authority + 3);
  const auto query_start = url.find('?', authority + 3);
  const std::string head =
      url.substr(0, slash != std::string::npos ? slash : std::min(query_start, url.size()));
  const std::string tail = query_start != std::string::npos ? url.substr(query_start) : "";
  return head + "/" + database + tail;
}

struct Created {
  std::mutex mu;
  std::vector<std::string> databases;
};

Created& created() {
  static Created c;
  return c;
}

// Skips (or, under CI=true, fails) every test when there is no server, and drops the
// databases the tests created.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!server_url().empty()) return;
    if (in_ci()) {
      // Not a fatal failure: that would make gtest report the tests as skipped. They run and
      // fail instead (fresh_database_url throws).
      ADD_FAILURE() << "COMMERCE_PG_URL is not set, and CI=true: the PostgreSQL tests must run "
                       "in CI. Run them through tests/postgres/run_postgres_tests.sh BUILD_DIR.";
      return;
    }
    // ctest marks a test skipped when its output has this text (tests/postgres/CMakeLists.txt).
    GTEST_SKIP() << "COMMERCE_PG_URL is not set: PostgreSQL tests skipped. Run "
                    "tests/postgres/run_postgres_tests.sh BUILD_DIR to start a throw-away server.";
  }

  void TearDown() override {
    // run_postgres_tests.sh deletes its whole cluster afterwards; dropping hundreds of
    // databases one by one would only cost time there.
    if (server_url().empty() || std::getenv("COMMERCE_PG_KEEP_DATABASES") != nullptr) return;
    std::lock_guard lock(created().mu);
    for (const auto& db : created().databases) {
      try {
        query(server_url(), "DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
      } catch (const std::exception& e) {
        ADD_FAILURE() << "could not drop " << db << ": " << e.what();
      }
    }
    created().databases.clear();
  }
};

[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

}  // namespace

std::string server_url() {
  const char* url = std::getenv("COMMERCE_PG_URL");
  return url ? url : "";
}

std::string database_of(const std::string& url) {
  const auto authority = url.find("://");
  const auto slash = url.find('/', authority + 3);
  if (slash == std::string::npos) return "";
  return url.substr(slash + 1, url.find('?', slash) - slash - 1);
}

std::string query(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot connect to " + url + ": " + message);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PGresult* res = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(res);
    PQclear(res);
    PQfinish(conn);
    throw std::runtime_error(sql + ": " + message);
  }
  std::string value;
  if (status == PGRES_TUPLES_OK && PQntuples(res) > 0 && PQnfields(res) > 0) {
    value = PQgetvalue(res, 0, 0);
  }
  PQclear(res);
  PQfinish(conn);
  return value;
}

namespace {

std::string create_database(const std::string& template_name) {
  static std::atomic<int> counter{0};
  const std::string name =
      "commerce_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  query(server_url(), "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  query(server_url(), "CREATE DATABASE \"" + name + "\"" +
                          (template_name.empty() ? "" : " TEMPLATE \"" + template_name + "\""));
  std::lock_guard lock(created().mu);
  created().databases.push_back(name);
  return name;
}

}  // namespace

std::string empty_database_url() {
  if (server_url().empty()) throw std::runtime_error("COMMERCE_PG_URL is not set");
  return url_with_database(server_url(), create_database(""));
}

std::string fresh_schema_url() {
  if (server_url().empty()) throw std::runtime_error("COMMERCE_PG_URL is not set");
  // A schema costs a few dozen files, a database about a thousand: suites that open hundreds
  // of stores (the saga crash matrix) get one database per program and a schema per store.
  static std::once_flag once;
  static std::string database_url;
  std::call_once(once, [] { database_url = empty_database_url(); });
  static std::atomic<int> counter{0};
  const std::string schema = "store_" + std::to_string(counter++);
  query(database_url, "CREATE SCHEMA " + schema);
  return database_url + (database_url.find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

std::string fresh_database_url() {
  if (server_url().empty()) throw std::runtime_error("COMMERCE_PG_URL is not set");
  // Migrating costs more than copying: migrate one template per test program, copy it per test.
  static std::once_flag once;
  static std::string template_name;
  std::call_once(once, [] {
    const std::string url = empty_database_url();
    open_postgres_storage(url);  // migrates, then closes its connections
    template_name = database_of(url);
  });
  return url_with_database(server_url(), create_database(template_name));
}

int terminate_connections(const std::string& database) {
  if (server_url().empty()) throw std::runtime_error("COMMERCE_PG_URL is not set");
  // pg_terminate_backend(pid, timeout) waits until the backend has exited.
  const std::string n = query(server_url(),
                              "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 10000) "
                              "FROM pg_stat_activity WHERE datname = '" +
                                  database + "' AND pid <> pg_backend_pid()) AS killed");
  return std::stoi(n);
}

}  // namespace commerce::pgtest
