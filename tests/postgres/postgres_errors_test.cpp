// What a caller is told when the PostgreSQL adapter cannot open or use a database: the code says
// what to do (fix the URL: InvalidArgument; fix the server's accounts or rights:
// FailedPrecondition; retry: Unavailable), and no message ever carries the password.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "core/redact.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

// The secret of every URL below, in every spelling a message could show it.
const std::vector<std::string> kSecretSpellings = {"S3cretPW", "S3c%retPW", "S3c%25retPW",
                                                   "S3c/retPW", "S3c%2FretPW"};

void expect_no_secret(const std::string& text, const std::string& url) {
  for (const auto& secret : kSecretSpellings) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "'" << text << "' shows the password of "
                                                    << url;
  }
}

Error open_error(const std::string& url) {
  PostgresOptions options;
  options.retry_budget_ms = 500;
  try {
    open_postgres_storage(url, options);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << url << " opened";
  return Error::internal("opened");
}

// libpq cannot parse these URLs (and quotes them in its complaint) or rejects one of their
// settings before any network: InvalidArgument naming "url", and the password nowhere.
TEST(PostgresErrors, MalformedUrlsAreInvalidArgumentAndNeverShowThePassword) {
  const std::vector<std::string> urls = {
      "postgresql://shop:S3cretPW@[::1:56525/shop",                 // unclosed IPv6 bracket
      "postgresql://shop:S3c%retPW@127.0.0.1:5432/shop",            // bare %
      "postgresql://shop:S3c%retPW@[::1:56525/shop",                // both
      "postgresql://shop:S3cretPW@127.0.0.1:5432/shop?port=abc",    // not a port
      "postgresql://shop:S3cretPW@127.0.0.1:abc/shop",              // not a port, in the host
      "postgresql://shop:S3cretPW@127.0.0.1:5432/shop?sslmode=bogus",
      "postgresql://shop@127.0.0.1:5432/shop?password=S3cretPW&sslmode=bogus",
      "postgresql://shop@127.0.0.1:5432/shop?sslmode=bogus&password=S3c%25retPW",
      "postgresql://shop:S3c%2FretPW@127.0.0.1:5432/shop?nonsense=1",  // unknown option
      "postgresql://shop:S3cretPW@127.0.0.1:5432/shop?connect_timeout=soon",
      "postgresql://shop:S3c/retPW@127.0.0.1:5432/shop?port=abc",   // '/' in the password
  };
  for (const auto& url : urls) {
    const Error e = open_error(url);
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << url << ": " << e.what();
    EXPECT_EQ(e.subject(), "url") << url;
    expect_no_secret(e.what(), url);
    expect_no_secret(e.subject(), url);
  }
}

TEST(PostgresErrors, RedactionCoversEveryFormOfThePassword) {
  using detail::redact_secrets;
  const std::string url = "postgresql://shop:S3c%2FretPW@h/db?password=S3cretPW";
  const std::string text = "bad: \"postgresql://shop:S3c%2FretPW@h/db?password=S3cretPW\" and "
                           "S3c/retPW and password = 'S3cretPW'";
  expect_no_secret(redact_secrets(text, url), url);
  // Any other URL's user info or password= in the text goes too, whatever `url` was.
  EXPECT_EQ(redact_secrets("x postgres://a:b@c/d password=zz y", ""),
            "x postgres://a:***@c/d password=*** y");
  EXPECT_EQ(detail::redact_location("postgresql://shop@h:5/db?sslmode=require"),
            "postgresql://shop@h:5/db?sslmode=require");
  EXPECT_EQ(detail::redact_location("postgresql://shop:pw@h/db?password=pw&sslmode=require"),
            "postgresql://shop@h/db?sslmode=require");
  EXPECT_EQ(detail::redact_location("postgresql://shop@h/db?sslmode=require&password=pw"),
            "postgresql://shop@h/db?sslmode=require");
}

std::string with_user(const std::string& url, const std::string& user) {
  const auto authority = url.find("://") + 3;
  const auto at = url.find('@', authority);
  return url.substr(0, authority) + user + url.substr(at);
}

std::string with_database(const std::string& url, const std::string& database) {
  return url.substr(0, url.rfind('/') + 1) + database;
}

// The error-code table of docs/postgres.md, against a real server.
TEST(PostgresErrors, EachFailureKindHasItsCode) {
  const std::string server = pgtest::server_url();
  if (server.empty()) GTEST_SKIP() << "COMMERCE_PG_URL is not set: PostgreSQL tests skipped";
  const std::string url = pgtest::fresh_database_url();

  // A database or role that does not exist, a role that may not log in: FailedPrecondition.
  EXPECT_EQ(open_error(with_database(url, "no_such_db")).code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(open_error(with_user(url, "no_such_role")).code(), ErrorCode::kFailedPrecondition);
  const std::string role = "nologin_" + std::to_string(::getpid());
  pgtest::query(url, "CREATE ROLE " + role + " NOLOGIN PASSWORD 'S3cretPW'");
  const Error refused = open_error(with_user(url, role + ":S3cretPW"));
  EXPECT_EQ(refused.code(), ErrorCode::kFailedPrecondition) << refused.what();
  expect_no_secret(refused.what(), url);
  // Settings libpq rejects: InvalidArgument.
  EXPECT_EQ(open_error(url + "?port=abc").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(open_error(url + "?sslmode=bogus").code(), ErrorCode::kInvalidArgument);
  // Nobody listening: Unavailable, after the retry budget.
  EXPECT_EQ(open_error("postgresql://shop:S3cretPW@127.0.0.1:1/shop").code(),
            ErrorCode::kUnavailable);
  // A privilege the role lacks, at run time: FailedPrecondition.
  const std::string reader = "reader_" + std::to_string(::getpid());
  pgtest::query(url, "CREATE ROLE " + reader + " LOGIN");
  pgtest::query(url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader);
  Store::open(url);  // initialized by the owner
  auto store = Store::open(with_user(url, reader));
  try {
    store->catalog().create({.id = "sku-1", .name = "Mug", .initial_stock = 1});
    ADD_FAILURE() << "a role without INSERT wrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition) << e.what();
  }
}

}  // namespace
}  // namespace commerce
