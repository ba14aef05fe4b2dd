// The fixture of the command-line tests that run `commerce` on one fresh store: a temporary
// SQLite file made by `commerce init`, and the commands run on it with --json.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace commerce::cli_test {

class CliStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(run({"init", "--db", db_}).exit_code, 0); }

  // `commerce --db DB --json ARGS...`
  Result cmd(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--json"});
    return run(args);
  }
  // Runs the command, expects success, returns its JSON.
  nlohmann::json ok(const std::vector<std::string>& args) {
    const Result r = cmd(args);
    EXPECT_EQ(r.exit_code, 0) << "commerce " << ::testing::PrintToString(args)
                              << "\nstderr: " << r.err;
    return r.json();
  }
  // Runs the command, expects `exit_code`, returns the error object printed on stderr.
  nlohmann::json fails(const std::vector<std::string>& args, int exit_code) {
    const Result r = cmd(args);
    EXPECT_EQ(r.exit_code, exit_code) << "commerce " << ::testing::PrintToString(args)
                                      << "\nstdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    auto doc = nlohmann::json::parse(r.err, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.err;
    return doc.is_discarded() ? nlohmann::json::object() : doc["error"];
  }

  TempDir dir_;
  std::string db_ = dir_.path("shop.db");
};

}  // namespace commerce::cli_test
