// The inbox: the message parser's errors, exactly-once application under duplicate and
// concurrent delivery, and no state change for rejected messages.
#include <algorithm>
#include <random>
#include <thread>

#include "commerce/inbox.h"
#include "events_test_support.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {
namespace {

using events_test::kStart;
using nlohmann::json;

std::string message(const std::string& id, const std::string& type, const json& payload) {
  return json{{"id", id}, {"type", type}, {"payload", payload}}.dump();
}

// --- parser

TEST(IncomingMessageParser, ParsesAWellFormedMessage) {
  const auto m = parse_incoming_message(
      R"({"id":"pg-1","type":"PaymentCompleted","source":"pg","occurred_at":1800000000000,)"
      R"("payload":{"z":1, "order_id":"o-1"}})");
  EXPECT_EQ(m.id, "pg-1");
  EXPECT_EQ(m.type, "PaymentCompleted");
  EXPECT_EQ(m.source, "pg");
  EXPECT_EQ(m.occurred_at, 1'800'000'000'000);
  EXPECT_EQ(m.payload, R"({"order_id":"o-1","z":1})");  // canonical
  EXPECT_EQ(m.string_field("order_id"), "o-1");
  EXPECT_EQ(m.int_field("z"), 1);
  EXPECT_FALSE(m.optional_string_field("reason").has_value());
  const auto minimal = parse_incoming_message(R"({"id":"x","type":"T","payload":{}})");
  EXPECT_EQ(minimal.source, "");
  EXPECT_EQ(minimal.occurred_at, 0);
}

TEST(IncomingMessageParser, NamesTheOffendingField) {
  struct Case {
    std::string text;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"", "message"},
      {"not json", "message"},
      {"[1,2]", "message"},
      {R"({"id":"x","type":"T","payload":{}} trailing)", "message"},
      {R"({"type":"T","payload":{}})", "id"},
      {R"({"id":"","type":"T","payload":{}})", "id"},
      {R"({"id":"has space","type":"T","payload":{}})", "id"},
      {R"({"id":7,"type":"T","payload":{}})", "id"},
      {R"({"id":"x","payload":{}})", "type"},
      {R"({"id":"x","type":"a b","payload":{}})", "type"},
      {R"({"id":"x","type":null,"payload":{}})", "type"},
      {R"({"id":"x","type":"T","source":5,"payload":{}})", "source"},
      {R"({"id":"x","type":"T","occurred_at":-1,"payload":{}})", "occurred_at"},
      {R"({"id":"x","type":"T","occurred_at":1.5,"payload":{}})", "occurred_at"},
      {R"({"id":"x","type":"T","occurred_at":"now","payload":{}})", "occurred_at"},
      {R"({"id":"x","type":"T","occurred_at":18446744073709551615,"payload":{}})", "occurred_at"},
      {R"({"id":"x","type":"T"})", "payload"},
      {R"({"id":"x","type":"T","payload":[1]})", "payload"},
      {R"({"id":"x","type":"T","payload":"{}"})", "payload"},
      {R"({"id":"x","type":"T","payload":{},"extra":1})", "extra"},
      {R"({"":"x","id":"x","type":"T","payload":{}})", "message"},  // found by the fuzzer
      {"{\"id\":\"x\",\"type\":\"T\",\"payload\":{\"s\":\"\xff\"}}", "message"},
      {std::string(70'000, ' '), "message"},
      {R"({"id":"x","type":"T","payload":{"a":)" + std::string(100, '[') + std::string(100, ']') + "}}",
       "message"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 80));
    EXPECT_EQ(EVENTS_EXPECT_ERROR(parse_incoming_message(c.text), ErrorCode::kInvalidArgument),
              c.field);
  }
}

TEST(IncomingMessageParser, PayloadFieldErrorsNameThePayloadField) {
  const auto m = parse_incoming_message(
      R"({"id":"x","type":"T","payload":{"order_id":5,"n":"5","big":18446744073709551615,"bad":"a b"}})");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.string_field("order_id"), ErrorCode::kInvalidArgument),
            "payload.order_id");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.string_field("missing"), ErrorCode::kInvalidArgument),
            "payload.missing");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.string_field("bad"), ErrorCode::kInvalidArgument), "payload.bad");
  EXPECT_EQ(m.string_field("bad", false), "a b");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.int_field("n"), ErrorCode::kInvalidArgument), "payload.n");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.int_field("big"), ErrorCode::kInvalidArgument), "payload.big");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(m.optional_string_field("order_id"), ErrorCode::kInvalidArgument),
            "payload.order_id");
}

// --- the inbox

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<ManualClock>(kStart);
    store_ = events_test::open_store(events_test::fresh_db_path(), clock_);
    // A host handler with a visible effect in the message's unit of work: credits
    // payload.amount to the points balance of the user "counter".
    store_->inbox().register_handler("CounterBumped", [](InboxContext& ctx, const IncomingMessage& m) {
      const std::int64_t amount = m.int_field("amount");
      if (amount <= 0) throw Error::invalid_argument("payload.amount", "must be positive");
      ctx.unit().points().credit("counter", amount, "counter bumped by " + m.id);
    });
  }

  std::int64_t counter() { return store_->points().balance("counter"); }

  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(InboxTest, AppliesAMessageOnceAndReportsDuplicates) {
  Inbox& inbox = store_->inbox();
  const auto text = message("m-1", "CounterBumped", {{"amount", 5}});
  EXPECT_FALSE(inbox.seen("m-1"));
  EXPECT_EQ(inbox.receive(text), InboxOutcome::kApplied);
  EXPECT_EQ(counter(), 5);
  EXPECT_TRUE(inbox.seen("m-1"));
  // Re-sent, even with another key order or spacing: the same message, applied once.
  EXPECT_EQ(inbox.receive(R"({ "payload": {"amount": 5}, "type": "CounterBumped", "id": "m-1" })"),
            InboxOutcome::kDuplicate);
  EXPECT_EQ(counter(), 5);
  EXPECT_EQ(inbox.applied_count(), 1);
}

TEST_F(InboxTest, ThousandDuplicateDeliveriesFromSeveralThreadsApplyEachMessageOnce) {
  constexpr int kMessages = 50;
  constexpr int kCopies = 20;  // 1,000 deliveries in all
  std::vector<std::string> deliveries;
  for (int i = 0; i < kMessages; ++i) {
    for (int c = 0; c < kCopies; ++c) {
      deliveries.push_back(message("msg-" + std::to_string(i), "CounterBumped", {{"amount", i + 1}}));
    }
  }
  std::shuffle(deliveries.begin(), deliveries.end(), std::mt19937(42));
  constexpr int kThreads = 4;
  std::vector<std::array<int, 2>> outcomes(kThreads, {0, 0});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < deliveries.size(); i += kThreads) {
        const auto outcome = store_->inbox().receive(deliveries[i]);
        ++outcomes[t][outcome == InboxOutcome::kApplied ? 0 : 1];
      }
    });
  }
  for (auto& th : threads) th.join();
  int applied = 0;
  int duplicates = 0;
  for (const auto& o : outcomes) {
    applied += o[0];
    duplicates += o[1];
  }
  EXPECT_EQ(applied, kMessages);
  EXPECT_EQ(duplicates, kMessages * (kCopies - 1));
  EXPECT_EQ(counter(), kMessages * (kMessages + 1) / 2);
  EXPECT_EQ(store_->inbox().applied_count(), kMessages);
}

TEST_F(InboxTest, TheSameIdWithOtherContentIsAConflict) {
  store_->inbox().receive(message("m-1", "CounterBumped", {{"amount", 5}}));
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(message("m-1", "CounterBumped", {{"amount", 6}})),
                                ErrorCode::kConflict),
            "m-1");
  EXPECT_EQ(counter(), 5);
}

TEST_F(InboxTest, RejectedMessagesChangeNothing) {
  const auto outbox_before = events_test::outbox_after(commerce::detail::storage_of(*store_)).size();
  // Unknown type.
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(message("m-1", "NoSuchThing", json::object())),
                                ErrorCode::kInvalidArgument),
            "type");
  // Malformed.
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(R"({"id":"m-1","type":"CounterBumped"})"),
                                ErrorCode::kInvalidArgument),
            "payload");
  // Refused by its handler: missing and invalid payload fields.
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(message("m-1", "CounterBumped", json::object())),
                                ErrorCode::kInvalidArgument),
            "payload.amount");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(message("m-1", "CounterBumped", {{"amount", -1}})),
                                ErrorCode::kInvalidArgument),
            "payload.amount");
  EXPECT_FALSE(store_->inbox().seen("m-1"));
  EXPECT_EQ(store_->inbox().applied_count(), 0);
  EXPECT_EQ(counter(), 0);
  EXPECT_EQ(events_test::outbox_after(commerce::detail::storage_of(*store_)).size(), outbox_before);
  // The id is still free: a corrected message is applied.
  EXPECT_EQ(store_->inbox().receive(message("m-1", "CounterBumped", {{"amount", 1}})),
            InboxOutcome::kApplied);
  EXPECT_EQ(counter(), 1);
}

TEST_F(InboxTest, AHandlerFailureRollsBackItsPartialEffect) {
  store_->inbox().register_handler("HalfDone", [](InboxContext& ctx, const IncomingMessage&) {
    ctx.unit().points().credit("counter", 999, "half done");
    throw Error::failed_precondition(Reason::kNone, "half", "refused after writing");
  });
  EVENTS_EXPECT_ERROR(store_->inbox().receive(message("m-9", "HalfDone", json::object())),
                      ErrorCode::kFailedPrecondition);
  EXPECT_EQ(counter(), 0);
  EXPECT_FALSE(store_->inbox().seen("m-9"));
}

TEST_F(InboxTest, AfterCommitActionsRunOnlyWhenTheMessageCommits) {
  int ran = 0;
  store_->inbox().register_handler("WithFollowUp", [&](InboxContext& ctx, const IncomingMessage& m) {
    ctx.unit().after_commit([&] { ++ran; });
    if (m.optional_string_field("fail")) throw Error::invalid_argument("payload.fail", "asked to");
  });
  EVENTS_EXPECT_ERROR(store_->inbox().receive(message("f-1", "WithFollowUp", {{"fail", "yes"}})),
                      ErrorCode::kInvalidArgument);
  EXPECT_EQ(ran, 0);
  store_->inbox().receive(message("f-1", "WithFollowUp", json::object()));
  EXPECT_EQ(ran, 1);
  store_->inbox().receive(message("f-1", "WithFollowUp", json::object()));  // duplicate
  EXPECT_EQ(ran, 1);
}

TEST_F(InboxTest, RegistryValidatesTypesAndHandlers) {
  auto& inbox = store_->inbox();
  EXPECT_TRUE(inbox.has_handler("CounterBumped"));
  EXPECT_EQ(EVENTS_EXPECT_ERROR(inbox.register_handler("bad type", [](InboxContext&, const IncomingMessage&) {}),
                                ErrorCode::kInvalidArgument),
            "type");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(inbox.register_handler("Fine", nullptr), ErrorCode::kInvalidArgument),
            "handler");
  const auto types = inbox.types();
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_EQ(EVENTS_EXPECT_ERROR(inbox.seen("bad id"), ErrorCode::kInvalidArgument), "message_id");
}

}  // namespace
}  // namespace commerce
