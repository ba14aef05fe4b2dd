// `commerce shipments` end to end: a split shipment with the CLI's fake carrier and without one,
// tracking updates and polling, cancel, recover after an unknown carrier answer, bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_store_test.h"

namespace commerce::cli_test {
namespace {

using nlohmann::json;

constexpr const char* kStart = "1700000000000";  // tracking times (ms) used below

class ShipmentsCliTest : public CliStoreTest {
 protected:
  void SetUp() override {
    CliStoreTest::SetUp();
    // mug: 2 at "default", 1 at "north"; tea: 5 at "default".
    ok({"product", "create", "mug", "--name", "Mug", "--price", "0", "--stock", "2"});
    ok({"product", "create", "tea", "--name", "Tea", "--price", "0", "--stock", "5"});
    ok({"locations", "add", "north", "--name", "North", "--priority", "1"});
    ok({"stock", "adjust", "mug", "1", "--reason", "seed", "--location", "north"});
  }

  std::string place(const std::string& item) {
    const json order = ok({"order", "place", "--user", "ann", "-i", item});
    EXPECT_EQ(order["status"], "confirmed");
    return order["id"];
  }
  // The order's lines as "product shipped/delivered".
  std::vector<std::string> units(const std::string& order_id) {
    std::vector<std::string> out;
    const json order = ok({"order", "get", order_id});
    for (const auto& i : order["items"]) {
      out.push_back(i["product_id"].get<std::string>() + " " + std::to_string(i["shipped"].get<int>()) +
                    "/" + std::to_string(i["delivered"].get<int>()));
    }
    return out;
  }
};

TEST_F(ShipmentsCliTest, ASplitOrderShipsTwiceIsTrackedAndTheOrderFollows) {
  const std::string order = place("mug:3");  // 2 at default, 1 at north
  const json labelled =
      ok({"shipments", "create", "--order", order, "--location", "default", "--carrier", "fake"});
  EXPECT_EQ(labelled["status"], "pending");
  EXPECT_EQ(labelled["carrier"], "fake");
  EXPECT_EQ(labelled["items"], json::parse(R"([{"product_id":"mug","qty":2}])"));
  const std::string tracking = labelled["tracking_number"];
  EXPECT_FALSE(tracking.empty());
  // The fake carrier's record sits beside the store.
  EXPECT_TRUE(std::filesystem::exists(db_ + ".fake-carrier"));
  const json own = ok({"shipments", "create", "--order", order, "--location", "north", "--item",
                       "mug:1", "--tracking-number", "VAN-7"});
  EXPECT_EQ(own["status"], "pending");
  EXPECT_EQ(own["carrier"], "");
  EXPECT_EQ(own["tracking_number"], "VAN-7");

  EXPECT_EQ(ok({"shipments", "dispatch", labelled["id"]})["status"], "shipped");
  EXPECT_EQ(units(order), std::vector<std::string>{"mug 2/0"});
  EXPECT_EQ(ok({"order", "get", order})["status"], "confirmed");
  ok({"shipments", "dispatch", own["id"]});
  EXPECT_EQ(ok({"order", "get", order})["status"], "shipped");

  // Polling the carrier: its scans (given with --scan) are applied, never backwards.
  const json polled = ok({"shipments", "track", "--scan", tracking + "=in_transit@1700000000500",
                          "--scan", tracking + "=shipped@1700000000900"});
  EXPECT_EQ(polled["examined"], 2);
  EXPECT_EQ(polled["changed"], 1);
  EXPECT_EQ(ok({"shipments", "show", labelled["id"]})["status"], "in_transit");
  // A tracking update by hand: delivered; an older one changes nothing.
  const json delivered = ok({"shipments", "update", labelled["id"], "--status", "delivered",
                             "--at", "1700000001000", "--detail", "at the door"});
  EXPECT_EQ(delivered["status"], "delivered");
  EXPECT_EQ(delivered["note"], "at the door");
  EXPECT_EQ(ok({"shipments", "update", labelled["id"], "--status", "in_transit", "--at",
                kStart})["status"],
            "delivered");
  EXPECT_EQ(units(order), std::vector<std::string>{"mug 3/2"});
  ok({"shipments", "update", own["id"], "--status", "delivered", "--at", "2023-11-15T00:00:00Z"});
  EXPECT_EQ(ok({"order", "get", order})["status"], "delivered");
  EXPECT_EQ(units(order), std::vector<std::string>{"mug 3/3"});

  const json listed = ok({"shipments", "list", "--order", order});
  ASSERT_EQ(listed["items"].size(), 2u);
  EXPECT_EQ(listed["items"][0]["id"], labelled["id"]);
  EXPECT_EQ(listed["items"][1]["id"], own["id"]);
  EXPECT_EQ(ok({"check"})["ok"], true);

  // The tables for people name the lines' shipped and delivered units.
  const Result text = run({"--db", db_, "order", "get", order});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("SHIPPED"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("DELIVERED"), std::string::npos) << text.out;
  const Result shown = run({"--db", db_, "shipments", "show", own["id"]});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("VAN-7"), std::string::npos) << shown.out;
}

TEST_F(ShipmentsCliTest, CancelFreesTheUnitsAndRecoverFinishesAnUnknownLabel) {
  const std::string order = place("tea:4");
  const json refused = ok({"shipments", "create", "--order", order, "--location", "default",
                           "--item", "tea:1", "--carrier", "fake", "--carrier-answer", "refuse"});
  EXPECT_EQ(refused["status"], "cancelled");
  // Every attempt creates the label, then loses the answer: the shipment stays requested ...
  const json unknown = ok({"shipments", "create", "--order", order, "--location", "default",
                           "--item", "tea:3", "--carrier", "fake", "--carrier-answer", "timeout"});
  EXPECT_EQ(unknown["status"], "requested");
  EXPECT_EQ(unknown["tracking_number"], "");
  // ... until recover asks the carrier again with the same key (a later process).
  const json report = ok({"shipments", "recover"});
  EXPECT_EQ(report["examined"], 1);
  EXPECT_EQ(report["changed"], 1);
  const json labelled = ok({"shipments", "show", unknown["id"]});
  EXPECT_EQ(labelled["status"], "pending");
  EXPECT_EQ(labelled["tracking_number"], "FAKE-1");
  // Four calls with its key (three lost answers, then recover's), one shipment at the carrier,
  // as the carrier's record beside the store says.
  std::ifstream record(db_ + ".fake-carrier");
  std::string line;
  std::vector<std::string> created;
  while (std::getline(record, line)) {
    if (line.starts_with("create ")) created.push_back(line);
  }
  EXPECT_EQ(created, std::vector<std::string>{"create " + unknown["id"].get<std::string>() + " " +
                                              order + " FAKE-1"});
  EXPECT_EQ(ok({"shipments", "recover"})["examined"], 0);

  const json cancelled = ok({"shipments", "cancel", unknown["id"], "--reason", "wrong box"});
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(units(order), std::vector<std::string>{"tea 0/0"});
  fails({"shipments", "dispatch", unknown["id"]}, 5);  // cancelled: FailedPrecondition
  // Its units can ship again.
  EXPECT_EQ(ok({"shipments", "create", "--order", order, "--location", "default"})["items"],
            json::parse(R"([{"product_id":"tea","qty":4}])"));
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(ShipmentsCliTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  const std::string order = place("mug:3");
  EXPECT_EQ(fails({"shipments", "create", "--order", "nope", "--location", "default"}, 3)
                ["subject"],
            "nope");
  EXPECT_EQ(fails({"shipments", "create", "--order", order, "--location", "default", "--item",
                   "mug:3"},
                  4)["subject"],
            "items");
  EXPECT_EQ(fails({"shipments", "create", "--order", order, "--location", "default", "--item",
                   "tea:1"},
                  4)["subject"],
            "items");
  EXPECT_EQ(fails({"shipments", "create", "--order", order, "--location", "default", "--carrier",
                   "dhl"},
                  4)["subject"],
            "carrier");
  EXPECT_EQ(fails({"shipments", "create", "--order", order, "--location", "default", "--carrier",
                   "fake", "--carrier-answer", "maybe"},
                  4)["subject"],
            "--carrier-answer");
  EXPECT_EQ(ok({"shipments", "list", "--order", order})["items"].size(), 0u);
  const std::string id =
      ok({"shipments", "create", "--order", order, "--location", "north"})["id"];
  EXPECT_EQ(fails({"shipments", "update", id, "--status", "cancelled", "--at", kStart}, 4)
                ["subject"],
            "status");
  EXPECT_EQ(fails({"shipments", "update", id, "--status", "sideways", "--at", kStart}, 4)
                ["subject"],
            "status");
  EXPECT_EQ(fails({"shipments", "update", id, "--status", "delivered", "--at", "soon"}, 4)
                ["subject"],
            "--at");
  EXPECT_EQ(fails({"shipments", "track", "--scan", "FAKE-1"}, 4)["subject"], "--scan");
  EXPECT_EQ(fails({"shipments", "show", "nope"}, 3)["subject"], "nope");
  EXPECT_EQ(ok({"shipments", "show", id})["status"], "pending");
  EXPECT_EQ(ok({"check"})["ok"], true);
}

}  // namespace
}  // namespace commerce::cli_test
