// `commerce order cancel-items` and `commerce returns` end to end: a partial cancellation that
// restocks and refunds its share, a return requested, approved, received (two units restocked,
// one written off) and refunded, a rejected one, an exchange, the lines' counters in `order get`,
// bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cli_store_test.h"

namespace commerce::cli_test {
namespace {

using nlohmann::json;

class ReturnsCliTest : public CliStoreTest {
 protected:
  void SetUp() override {
    CliStoreTest::SetUp();
    ok({"product", "create", "mug", "--name", "Mug", "--price", "1000", "--stock", "5"});
    ok({"product", "create", "tea", "--name", "Tea", "--price", "700", "--stock", "5"});
    ok({"locations", "add", "north", "--name", "North", "--priority", "1"});
    ok({"points", "charge", "ann", "10000"});
  }

  // 3 mugs and 2 teas for ann with 500 points.
  json place() {
    const json order =
        ok({"order", "place", "--user", "ann", "-i", "mug:3", "-i", "tea:2", "--points", "500"});
    EXPECT_EQ(order["status"], "confirmed");
    return order;
  }
  // Ships every unit from default and records its delivery now.
  void deliver(const std::string& order_id) {
    const std::string shipment =
        ok({"shipments", "create", "--order", order_id, "--location", "default"})["id"];
    ok({"shipments", "dispatch", shipment});
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    ok({"shipments", "update", shipment, "--status", "delivered", "--at", std::to_string(now)});
  }
  static const json& line(const json& order, const std::string& product) {
    for (const auto& item : order["items"]) {
      if (item["product_id"] == product) return item;
    }
    throw std::runtime_error("no line " + product);
  }
  std::int64_t on_hand(const std::string& product) {
    return ok({"stock", "level", product})["on_hand"].get<std::int64_t>();
  }
};

TEST_F(ReturnsCliTest, CancelItemsRestocksTheUnitsAndGivesBackTheirShare) {
  const json order = place();
  const std::int64_t mugs = on_hand("mug");
  const json done =
      ok({"order", "cancel-items", order["id"], "--item", "mug:2", "--reason", "changed mind"});
  const json& back = done["given_back"];
  const std::int64_t value = back["value"];
  EXPECT_EQ(value, line(order, "mug")["total"].get<std::int64_t>() * 2 / 3);
  EXPECT_EQ(back["money"].get<std::int64_t>() + back["points"].get<std::int64_t>(), value);
  EXPECT_GT(back["money"].get<std::int64_t>(), 0);
  EXPECT_GT(back["points"].get<std::int64_t>(), 0);
  EXPECT_EQ(done["order"]["status"], "confirmed");
  EXPECT_EQ(line(done["order"], "mug")["cancelled"], 2);
  EXPECT_EQ(on_hand("mug"), mugs + 2);
  EXPECT_EQ(ok({"points", "balance", "ann"})["balance"],
            10000 - 500 + back["points"].get<std::int64_t>());
  // `order refund` lists the order's refunds after its own: the cancellation's comes first.
  const json refunds = ok({"order", "refund", order["id"], "--amount", "1"});
  EXPECT_EQ(refunds[0]["id"], back["refund_id"]);
  EXPECT_EQ(refunds[0]["status"], "approved");
  EXPECT_EQ(refunds[0]["amount"], back["money"]);
  // `order get` shows the cancelled units per line, for people too.
  EXPECT_EQ(line(ok({"order", "get", order["id"]}), "mug")["cancelled"], 2);
  const Result text = run({"--db", db_, "order", "get", order["id"]});
  EXPECT_NE(text.out.find("CANCELLED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("RETURNED"), std::string::npos) << text.out;
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(ReturnsCliTest, AReturnIsRequestedApprovedReceivedAndListed) {
  const json order = place();
  const std::string id = order["id"];
  deliver(id);

  const json asked = ok({"returns", "request", id, "--item", "mug:3", "--reason", "chipped",
                         "--return-window-days", "30"});
  EXPECT_EQ(asked["status"], "requested");
  EXPECT_EQ(asked["items"], json::parse(R"([{"product_id":"mug","qty":3,"restocked":0,
                                             "written_off":0,"location_id":""}])"));
  const std::string rma = asked["id"];
  EXPECT_EQ(ok({"returns", "approve", rma, "--note", "photo checked"})["note"], "photo checked");
  const std::int64_t mugs = on_hand("mug");
  const json got = ok({"returns", "receive", rma, "--inspect", "mug=2:1@north"});
  EXPECT_EQ(got["status"], "refunded");
  EXPECT_EQ(got["items"], json::parse(R"([{"product_id":"mug","qty":3,"restocked":2,
                                           "written_off":1,"location_id":"north"}])"));
  EXPECT_EQ(got["given_back"]["value"], line(order, "mug")["total"]);
  EXPECT_EQ(on_hand("mug"), mugs + 2);  // two restocked at north, one written off
  EXPECT_EQ(ok({"returns", "show", rma}), got);
  const json mug = line(ok({"order", "get", id}), "mug");
  EXPECT_EQ(mug["returned"], 3);
  EXPECT_EQ(mug["given_back"], 3);

  const std::string other =
      ok({"returns", "request", id, "--item", "tea:1", "--reason", "not as pictured"})["id"];
  EXPECT_EQ(ok({"returns", "reject", other, "--reason", "opened"})["status"], "rejected");
  const json listed = ok({"returns", "list", id})["items"];
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]["id"], rma);
  EXPECT_EQ(listed[1]["status"], "rejected");
  // The human account says what came back.
  const Result text = run({"--db", db_, "returns", "show", rma});
  EXPECT_NE(text.out.find("2 restocked at north, 1 written off"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(got["given_back"]["money"].dump() + " in money"), std::string::npos)
      << text.out;
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(ReturnsCliTest, AnExchangePlacesItsReplacementPaidByTheReturn) {
  const json order = place();
  const std::string id = order["id"];
  deliver(id);
  EXPECT_EQ(fails({"returns", "request", id, "--item", "mug:2", "--reason", "x", "--replace",
                   "tea:one"},
                  4)["subject"],
            "--replace");
  const std::string rma = ok({"returns", "request", id, "--item", "mug:2", "--reason",
                              "too small", "--replace", "tea:1"})["id"];
  ok({"returns", "approve", rma});
  const json got = ok({"returns", "receive", rma, "--inspect", "mug=0:2"});
  EXPECT_EQ(got["replacement"], json::parse(R"([{"product_id":"tea","qty":1}])"));
  EXPECT_EQ(got["exchange_credit"], 700);  // the tea's price, below the two mugs' worth
  EXPECT_EQ(got["exchange_note"], "");
  const json replacement = ok({"order", "get", got["replacement_order_id"]});
  EXPECT_EQ(replacement["status"], "confirmed");
  EXPECT_EQ(replacement["points_used"], 700);
  EXPECT_EQ(replacement["total"], 0);
  const Result text = run({"--db", db_, "returns", "show", rma});
  EXPECT_NE(text.out.find("replacement order"), std::string::npos) << text.out;
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(ReturnsCliTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  const json order = place();
  const std::string id = order["id"];
  EXPECT_EQ(fails({"order", "cancel-items", id, "--item", "mug:4"}, 4)["subject"], "items");
  EXPECT_EQ(fails({"returns", "request", id, "--item", "mug:1", "--reason", "early"}, 5)
                ["subject"],
            id);  // nothing delivered yet
  deliver(id);
  EXPECT_EQ(fails({"returns", "request", id, "--item", "mug:4", "--reason", "x"}, 4)["subject"],
            "items");
  EXPECT_EQ(fails({"returns", "request", id, "--item", "mug:1", "--reason", "x",
                   "--return-window-days", "0"},
                  4)["subject"],
            "--return-window-days");
  const std::string rma =
      ok({"returns", "request", id, "--item", "mug:1", "--reason", "broken"})["id"];
  EXPECT_EQ(fails({"returns", "receive", rma, "--inspect", "mug=1:0@north"}, 5)["subject"],
            rma);  // not approved
  ok({"returns", "approve", rma});
  EXPECT_EQ(fails({"returns", "receive", rma, "--inspect", "mug=one:0"}, 4)["subject"],
            "--inspect");
  EXPECT_EQ(fails({"returns", "receive", rma, "--inspect", "mug=1:0@nowhere"}, 4)["subject"],
            "inspections[0].location_id");
  EXPECT_EQ(fails({"returns", "show", "nope"}, 3)["subject"], "nope");
  EXPECT_EQ(ok({"returns", "show", rma})["status"], "approved");
  EXPECT_EQ(ok({"points", "balance", "ann"})["balance"], 10000 - 500);
  EXPECT_EQ(line(ok({"order", "get", id}), "mug")["given_back"], 0);
  EXPECT_EQ(ok({"check"})["ok"], true);
}

}  // namespace
}  // namespace commerce::cli_test
