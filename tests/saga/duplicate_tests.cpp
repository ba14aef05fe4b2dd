// 1,000 concurrent submissions of one request_id: one order, one charge, identical answers.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "saga_fixture.h"

namespace commerce::testing {
namespace {

TEST_P(SagaTest, ThousandConcurrentDuplicatesMakeOneOrderAndOneCharge) {
  // A slow gateway keeps the first placement in flight while the duplicates arrive.
  gateway_->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kApprove, 3}});
  const PlaceOrder request{.user_id = "u1",
                           .items = {{"a", 1}, {"b", 2}},
                           .coupon_id = coupon_,
                           .points_to_use = 100,
                           .request_id = "dup-1"};
  constexpr int kSubmissions = 1000;
  constexpr int kThreads = 16;
  std::vector<std::optional<Order>> answers(kSubmissions);
  std::vector<std::string> errors(kSubmissions);
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < kSubmissions;) {
        try {
          answers[i] = store_->orders().place(request);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kSubmissions; ++i) {
    ASSERT_TRUE(answers[i].has_value()) << "submission " << i << ": " << errors[i];
    EXPECT_EQ(*answers[i], *answers[0]) << "submission " << i;
  }
  EXPECT_EQ(answers[0]->status, OrderStatus::kConfirmed);
  EXPECT_EQ(store_->orders().list_for_user("u1").items.size(), 1u);
  EXPECT_EQ(gateway_->total_charges(), 1);
  EXPECT_EQ(FakeGateway(record_).charges_for(answers[0]->id), 1);  // the durable record agrees
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints - 100);
  EXPECT_EQ(store_->stock().level("a").sold, 1);
  expect_invariants(*store_);
}

std::string answer_of(const Order& o) {
  std::ostringstream out;
  out << o.id << ' ' << to_string(o.status) << ' ' << o.subtotal << ' ' << o.discount << ' '
      << o.points_used << ' ' << o.total << ' ' << o.items.size() << ' ' << o.updated_at;
  return out.str();
}

// The same, from two processes at once (each with its own Store and its own FakeGateway on the
// shared record file, as two host processes would share one real gateway).
TEST_P(SagaTest, ConcurrentDuplicatesFromTwoProcessesMakeOneOrderAndOneCharge) {
  store_.reset();
  gateway_.reset();
  SagaOptions saga = fast_saga();
  saga.gateway_timeout_ms = 2000;  // the charge below is slow but not late
  constexpr int kProcesses = 2, kThreads = 4, kPerThread = 125;  // 1,000 submissions
  const PlaceOrder request{.user_id = "u1",
                           .items = {{"a", 2}},
                           .coupon_id = coupon_,
                           .points_to_use = 100,
                           .request_id = "dup-x"};
  int start[2];
  ASSERT_EQ(::pipe(start), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(start[1]);
      char byte;
      while (::read(start[0], &byte, 1) > 0) {
      }
      int failures = 0;
      try {
        auto gateway = std::make_shared<FakeGateway>(record_);
        gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kApprove, 30}});
        auto store = open(location_, gateway, saga);
        std::vector<std::string> answers(kThreads * kPerThread);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
          threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
              try {
                answers[t * kPerThread + i] = answer_of(store->orders().place(request));
              } catch (const std::exception& e) {
                answers[t * kPerThread + i] = std::string("error: ") + e.what();
              }
            }
          });
        }
        for (auto& t : threads) t.join();
        std::ofstream out(scratch_ / ("answers-" + std::to_string(p)));
        for (const auto& a : answers) out << a << "\n";
      } catch (const std::exception&) {
        failures = 1;
      }
      ::_exit(failures ? 3 : 0);
    }
    children.push_back(pid);
  }
  ::close(start[0]);
  ::close(start[1]);  // both children start now
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  std::set<std::string> distinct;
  int count = 0;
  for (int p = 0; p < kProcesses; ++p) {
    std::ifstream in(scratch_ / ("answers-" + std::to_string(p)));
    for (std::string line; std::getline(in, line); ++count) distinct.insert(line);
  }
  EXPECT_EQ(count, kProcesses * kThreads * kPerThread);
  ASSERT_EQ(distinct.size(), 1u) << *distinct.begin() << " / " << *distinct.rbegin();
  EXPECT_NE(distinct.begin()->find(" confirmed "), std::string::npos) << *distinct.begin();
  auto gateway = std::make_shared<FakeGateway>(record_);
  store_ = open(location_, gateway);
  const auto orders = store_->orders().list_for_user("u1").items;
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(gateway->total_charges(), 1);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints - 100);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway);
}

}  // namespace
}  // namespace commerce::testing
