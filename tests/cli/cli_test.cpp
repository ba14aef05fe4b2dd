// The `commerce` command line end to end: each test runs the real executable on a temporary
// SQLite file and parses its --json output.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "cli_store_test.h"

namespace commerce::cli_test {
namespace {

using nlohmann::json;

using CliTest = CliStoreTest;

TEST_F(CliTest, InitIsRepeatableAndKeepsTheCurrency) {
  const Result again = run({"--json", "init", "--db", db_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.json()["created"], false);
  EXPECT_EQ(again.json()["currency"], "KRW");

  const Result other = run({"--json", "init", "--db", db_, "--currency", "USD"});
  EXPECT_EQ(other.exit_code, 5) << other.err;  // FailedPrecondition: the currency is fixed

  const std::string usd = dir_.path("usd.db");
  const Result created = run({"init", "--db", usd, "--currency", "USD", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.json()["created"], true);
  EXPECT_EQ(created.json()["currency"], "USD");
  // Later commands open it with its own currency.
  const Result stats = run({"--db", usd, "--json", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(stats.json()["currency"], "USD");
  // A database file that was never initialized is refused, not adopted, and stays new.
  const std::string blank = dir_.path("blank.db");
  std::ofstream(blank).close();
  EXPECT_EQ(run({"--db", blank, "--json", "stats"}).exit_code, 5);
  const Result late = run({"--json", "init", "--db", blank});
  ASSERT_EQ(late.exit_code, 0) << late.err;
  EXPECT_EQ(late.json()["created"], true);
  EXPECT_EQ(late.json()["currency"], "KRW");
}

// Variants: a product with axes, its variants with their stock, the page and the listing's
// option filter.
TEST_F(CliTest, ProductVariantsCanBeAddedShownAndListed) {
  const json tee = ok({"product", "create", "tee", "--name", "Tee", "--price", "20000", "--axis",
                       "size=S,M,L", "--axis", "colour=red,blue"});
  EXPECT_EQ(tee["axes"], json::parse(R"([{"name":"size","values":["S","M","L"]},)"
                                     R"({"name":"colour","values":["red","blue"]}])"));
  const json red = ok({"product", "add-variant", "tee", "tee-m-red", "--option", "size=M",
                       "--option", "colour=red", "--price", "21000", "--stock", "4"});
  EXPECT_EQ(red["parent_id"], "tee");
  EXPECT_EQ(red["options"], (json{{"colour", "red"}, {"size", "M"}}));
  EXPECT_EQ(red["name"], "Tee (M, red)");
  ok({"product", "add-variant", "tee", "tee-l-blue", "--option", "size=L", "--option",
      "colour=blue", "--price", "21000"});

  const json page = ok({"product", "variants", "tee"});
  ASSERT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["items"][1]["id"], "tee-m-red");
  EXPECT_EQ(page["items"][1]["available"], 4);
  const json reds = ok({"product", "list", "--option", "colour=red"});
  ASSERT_EQ(reds["items"].size(), 1u);
  EXPECT_EQ(reds["items"][0]["id"], "tee-m-red");
  EXPECT_EQ(ok({"product", "list", "--parent", "tee"})["items"].size(), 2u);
  EXPECT_EQ(ok({"product", "list", "--top-level"})["items"].size(), 1u);

  EXPECT_EQ(fails({"product", "add-variant", "tee", "x", "--option", "size=XL", "--option",
                   "colour=red", "--price", "1"},
                  4)["subject"],
            "options");
  EXPECT_EQ(fails({"product", "list", "--option", "colour"}, 4)["subject"], "options");
}

TEST_F(CliTest, ProductsCanBeCreatedChangedListedAndRemoved) {
  ok({"product", "add-category", "kitchen", "--name", "Kitchen"});
  const json mug =
      ok({"product", "create", "mug", "--name", "Blue mug", "--price", "12000", "--category",
          "kitchen", "--brand", "Hanji", "--stock", "5", "--attributes", R"({"color":"blue"})"});
  EXPECT_EQ(mug["id"], "mug");
  EXPECT_EQ(mug["price"], 12000);
  EXPECT_EQ(mug["attributes"]["color"], "blue");
  ok({"product", "create", "plate", "--name", "Plate", "--price", "8000", "--category", "kitchen"});
  ok({"product", "create", "tee", "--name", "White tee", "--price", "25000", "--description",
      "organic cotton"});

  const json updated = ok({"product", "update", "mug", "--price", "13000"});
  EXPECT_EQ(updated["price"], 13000);
  EXPECT_EQ(updated["name"], "Blue mug");  // untouched fields stay
  EXPECT_EQ(ok({"product", "get", "mug"})["price"], 13000);

  // Filters.
  const json kitchen = ok({"product", "list", "--category", "kitchen"});
  ASSERT_EQ(kitchen["items"].size(), 2u);
  EXPECT_EQ(
      ok({"product", "list", "--min-price", "9000", "--max-price", "20000"})["items"][0]["id"],
      "mug");
  const json text = ok({"product", "list", "-q", "COTTON"});
  ASSERT_EQ(text["items"].size(), 1u);
  EXPECT_EQ(text["items"][0]["id"], "tee");
  // Ranked: the name holding the text before the description that does.
  ok({"product", "create", "tray", "--name", "Tray", "--price", "100", "--description",
      "for a blue mug"});
  const json ranked = ok({"product", "list", "-q", "mug", "--order", "relevance"});
  ASSERT_EQ(ranked["items"].size(), 2u);
  EXPECT_EQ(ranked["items"][0]["id"], "mug");
  EXPECT_EQ(ranked["items"][1]["id"], "tray");
  EXPECT_EQ(fails({"product", "list", "-q", "mu", "--order", "relevance"}, 4)["subject"], "order");
  EXPECT_EQ(fails({"product", "list", "--order", "best"}, 4)["subject"], "order");
  ok({"product", "remove", "tray"});

  // Cursor pagination visits every product once.
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::vector<std::string> args = {"product", "list", "--limit", "2"};
    if (!cursor.empty()) args.insert(args.end(), {"--cursor", cursor});
    const json page = ok(args);
    for (const auto& p : page["items"]) seen.insert(p["id"].get<std::string>());
    cursor = page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 10);
  EXPECT_EQ(seen, (std::set<std::string>{"mug", "plate", "tee"}));
  EXPECT_EQ(pages, 2);

  EXPECT_EQ(ok({"product", "remove", "plate"})["status"], "deleted");
  EXPECT_EQ(ok({"product", "list", "--category", "kitchen"})["items"].size(), 1u);
  EXPECT_EQ(ok({"product", "list", "--status", "deleted"})["items"][0]["id"], "plate");
}

TEST_F(CliTest, ErrorsGoToStderrWithAnExitCodePerErrorCode) {
  json e = fails({"product", "get", "nope"}, 3);
  EXPECT_EQ(e["code"], "NotFound");
  EXPECT_EQ(e["subject"], "nope");

  e = fails({"product", "create", "bad id", "--name", "x", "--price", "1"}, 4);
  EXPECT_EQ(e["code"], "InvalidArgument");
  EXPECT_EQ(e["subject"], "id");

  e = fails({"product", "create", "p", "--name", "x", "--price", "-5"}, 4);
  EXPECT_EQ(e["subject"], "price");

  ok({"product", "create", "p", "--name", "P", "--price", "100", "--stock", "1"});
  e = fails({"stock", "reserve", "o1", "-i", "p:2"}, 5);
  EXPECT_EQ(e["code"], "FailedPrecondition");
  EXPECT_EQ(e["reason"], "out_of_stock");
  EXPECT_EQ(e["subject"], "p");

  ok({"points", "charge", "u1", "100", "--request-id", "r1"});
  e = fails({"points", "charge", "u1", "200", "--request-id", "r1"}, 6);
  EXPECT_EQ(e["code"], "Conflict");

  e = fails({"stock", "reserve", "o1", "-i", "p:x"}, 4);
  EXPECT_EQ(e["subject"], "--item");
  e = fails({"coupon", "create-template", "C", "--value", "1", "--valid-from", "yesterday",
             "--valid-until", "2099-01-01", "--total-limit", "1"},
            4);
  EXPECT_EQ(e["subject"], "--valid-from");

  // A store that does not exist is not created by accident.
  const std::string missing = dir_.path("missing.db");
  const Result r = run({"--db", missing, "--json", "product", "list"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(std::filesystem::exists(missing));
  // No store at all, and a bad command line.
  EXPECT_EQ(run({"product", "list"}).exit_code, 4);
  EXPECT_EQ(run({"product", "frobnicate"}).exit_code, 2);
  EXPECT_EQ(run({"--db", db_, "product", "create", "x"}).exit_code, 2);  // --name missing
}

TEST_F(CliTest, TheStoreCanComeFromTheEnvironment) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100"});
  ASSERT_EQ(setenv("COMMERCE_DB", db_.c_str(), 1), 0);
  const Result r = run({"--json", "product", "get", "mug"});
  const Result missing = run({"--json", "--db", dir_.path("nope.db"), "product", "get", "mug"});
  const Result both = run({"--json", "--db", db_, "--url", "sqlite:" + db_, "stats"});
  unsetenv("COMMERCE_DB");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.json()["name"], "Mug");
  EXPECT_EQ(missing.exit_code, 3);  // an explicit --db wins over the environment
  EXPECT_EQ(both.exit_code, 4);
}

TEST_F(CliTest, HelpIsAvailableEverywhere) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"product", "--help"},
                                               {"order", "place", "--help"},
                                               {"check", "--help"},
                                               {"relay", "--help"},
                                               {"demo", "--help"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args);
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
  }
}

TEST_F(CliTest, LocationsLevelsTransfersAndSplitReservations) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "1"});
  EXPECT_EQ(ok({"locations", "add", "north", "--name", "North", "--priority", "1", "--region",
                "eu"})["region"],
            "eu");
  ok({"stock", "adjust", "mug", "2", "--reason", "seed", "--location", "north"});
  const json rows = ok({"stock", "reserve", "o-1", "-i", "mug:3"});
  ASSERT_EQ(rows["items"].size(), 2u);
  EXPECT_EQ(rows["items"][0]["location_id"], "default");
  EXPECT_EQ(rows["items"][1]["location_id"], "north");
  ok({"stock", "release", "o-1"});
  EXPECT_EQ(ok({"stock", "transfer", "mug", "north", "default", "2", "--reason", "move"})["qty"], 2);
  EXPECT_EQ(fails({"stock", "transfer", "mug", "north", "default", "1", "--reason", "again"}, 4)
                ["subject"],
            "qty");
  const json levels = ok({"stock", "levels", "mug"});
  ASSERT_EQ(levels["items"].size(), 2u);
  EXPECT_EQ(levels["items"][0]["on_hand"], 3);
  EXPECT_EQ(levels["items"][1]["on_hand"], 0);
  EXPECT_EQ(ok({"stock", "threshold", "mug", "default", "2"})["items"][0]["low_threshold"], 2);
  EXPECT_EQ(ok({"stock", "backorder", "mug", "default", "1"})["items"][0]["backorder_room"], 1);
  EXPECT_EQ(ok({"locations", "update", "north", "--active", "false"})["active"], false);
  EXPECT_EQ(ok({"locations", "list"})["items"].size(), 2u);
  const json backordered = ok({"order", "place", "--user", "bob", "-i", "mug:4"});  // 3 + 1
  EXPECT_EQ(backordered["status"], "confirmed");
  EXPECT_EQ(backordered["backordered"], true);
  EXPECT_EQ(backordered["items"][0]["backordered"], 1);
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(CliTest, CartsWishlistsSharingAndTheGuestSweep) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "5"});
  ok({"product", "create", "tea", "--name", "Tea", "--price", "50"});
  const json cart = ok({"cart", "open", "--user", "alice"});
  const std::string id = cart["id"];
  EXPECT_EQ(ok({"cart", "open", "--user", "alice"})["id"], id);  // the user's one open cart
  ok({"cart", "add", id, "mug", "2", "--user", "alice"});
  EXPECT_EQ(ok({"cart", "add", id, "mug", "--user", "alice"})["lines"][0]["qty"], 3);
  ok({"cart", "set", id, "tea", "4", "--user", "alice"});
  ok({"cart", "remove", id, "mug", "--user", "alice"});
  const json shown = ok({"cart", "show", id, "--user", "alice"});
  ASSERT_EQ(shown["lines"].size(), 1u);
  EXPECT_EQ(shown["lines"][0]["product_id"], "tea");
  EXPECT_EQ(fails({"cart", "show", id, "--user", "mallory"}, 3)["subject"], "user_id");
  EXPECT_EQ(fails({"cart", "add", id, "nope", "--user", "alice"}, 3)["subject"], "nope");
  EXPECT_EQ(fails({"cart", "add", id, "mug", "0", "--user", "alice"}, 4)["subject"], "qty");

  // A guest cart with a 1 ms lifetime: every later command runs after its expiry.
  const json guest = ok({"cart", "open", "--guest", "--guest-ttl-ms", "1"});
  const std::string token = guest["guest_token"];
  EXPECT_EQ(token.size(), 43u);
  const std::string guest_id = guest["id"];
  const json other = ok({"cart", "open", "--guest"});
  const std::string other_id = other["id"], other_token = other["guest_token"];
  ok({"cart", "add", other_id, "mug", "1", "--guest-token", other_token});
  const json merged = ok({"cart", "sign-in", "--guest-token", other_token, "--user", "alice"});
  EXPECT_EQ(merged["id"], id);
  EXPECT_EQ(merged["lines"].size(), 2u);
  EXPECT_EQ(ok({"cart", "show", other_id, "--guest-token", other_token})["status"], "merged");
  EXPECT_EQ(ok({"cart", "sweep"})["expired_carts"], json::array({guest_id}));
  EXPECT_EQ(ok({"cart", "sweep"})["expired_carts"], json::array());
  EXPECT_EQ(fails({"cart", "show", guest_id, "--guest-token", token}, 5)["subject"], guest_id);

  const std::string share = ok({"cart", "share", id, "--user", "alice"})["share_token"];
  EXPECT_EQ(ok({"cart", "share", id, "--user", "alice"})["share_token"], share);
  const std::string bobs = ok({"cart", "open", "--user", "bob"})["id"];
  const json copied = ok({"cart", "copy", bobs, "--user", "bob", "--share-token", share});
  EXPECT_EQ(copied["lines"].size(), 2u);
  EXPECT_EQ(ok({"cart", "clear", bobs, "--user", "bob"})["lines"].size(), 0u);

  ok({"cart", "wishlist", "add", "alice", "mug"});
  ok({"cart", "wishlist", "add", "alice", "tea"});
  const json first = ok({"cart", "wishlist", "list", "alice", "--limit", "1"});
  ASSERT_EQ(first["items"].size(), 1u);
  const std::string cursor = first["next_cursor"];
  const json second = ok({"cart", "wishlist", "list", "alice", "--limit", "1", "--cursor", cursor});
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_NE(first["items"][0]["product_id"], second["items"][0]["product_id"]);
  EXPECT_EQ(ok({"cart", "wishlist", "remove", "alice", "mug"})["changed"], true);
  EXPECT_EQ(ok({"cart", "wishlist", "remove", "alice", "mug"})["changed"], false);
  EXPECT_EQ(ok({"check"})["ok"], true);
}

// `cart quote` and `cart checkout` take the order flags of `order quote` and `order place`.
TEST_F(CliTest, ACartIsQuotedAndCheckedOutOnce) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  ok({"product", "create", "tea", "--name", "Tea", "--price", "4500", "--stock", "50"});
  const std::string id = ok({"cart", "open", "--user", "ann"})["id"];
  ok({"cart", "add", id, "mug", "2", "--user", "ann"});
  ok({"cart", "add", id, "tea", "3", "--user", "ann"});
  const std::vector<std::string> flat = {"--shipping-option", "flat=flat:3000"};
  auto with_flat = [&](std::vector<std::string> args) {
    args.insert(args.end(), flat.begin(), flat.end());
    return args;
  };
  const json quote = ok(with_flat({"cart", "quote", id, "--user", "ann", "--shipping", "flat"}));
  EXPECT_EQ(quote["total"], 2 * 12000 + 3 * 4500 + 3000);
  EXPECT_EQ(quote["shipping_fee"], 3000);
  ASSERT_EQ(quote["lines"].size(), 2u);
  const std::string total = std::to_string(quote["total"].get<std::int64_t>());
  // A total the shopper was not shown is refused, and nothing changes.
  EXPECT_EQ(fails(with_flat({"cart", "checkout", id, "--user", "ann", "--shipping", "flat",
                             "--expect-total", "1"}),
                  5)["subject"],
            "expected_total");
  EXPECT_EQ(ok({"cart", "show", id, "--user", "ann"})["status"], "open");
  const json order = ok(with_flat(
      {"cart", "checkout", id, "--user", "ann", "--shipping", "flat", "--expect-total", total}));
  EXPECT_EQ(order["status"], "confirmed");
  EXPECT_EQ(order["user_id"], "ann");
  EXPECT_EQ(order["total"], quote["total"]);
  EXPECT_EQ(order["tax"], quote["tax"]);
  ASSERT_EQ(order["items"].size(), 2u);
  EXPECT_EQ(order["items"][1]["total"], quote["lines"][1]["total"]);
  const json closed = ok({"cart", "show", id, "--user", "ann"});
  EXPECT_EQ(closed["status"], "checked_out");
  EXPECT_EQ(closed["order_id"], order["id"]);
  // Again: the same order.
  EXPECT_EQ(ok({"cart", "checkout", id, "--user", "ann"})["id"], order["id"]);
  EXPECT_EQ(fails({"cart", "quote", id, "--user", "ann"}, 5)["subject"], id);

  // A price changed since the quote: refused unless --requote.
  const std::string next = ok({"cart", "open", "--user", "ann"})["id"];
  ok({"cart", "add", next, "tea", "1", "--user", "ann"});
  ok({"product", "update", "tea", "--price", "5000"});
  EXPECT_EQ(fails({"cart", "checkout", next, "--user", "ann", "--expect-total", "4500"}, 5)
                ["subject"],
            "expected_total");
  const json requoted =
      ok({"cart", "checkout", next, "--user", "ann", "--expect-total", "4500", "--requote"});
  EXPECT_EQ(requoted["total"], 5000);
  EXPECT_EQ(ok({"check"})["ok"], true);
}

// Shipping addresses (issue 19): given as JSON or one flag per field, checked naming the field,
// shown by `order show`, copied from a cart, and erased from finished orders.
TEST_F(CliTest, ShippingAddressesArePlacedShownAndErased) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "9"});
  const std::string home =
      R"({"name": "Kim Minji", "phone": "010-1234-5678", "line1": "1 Teheran-ro", )"
      R"("city": "Seoul", "postal_code": "06236", "country": "KR"})";
  const json placed =
      ok({"order", "place", "--user", "ann", "-i", "mug:1", "--ship-to-json", home});
  EXPECT_EQ(placed["shipping_address"]["name"], "Kim Minji");
  EXPECT_EQ(placed["shipping_address"]["line2"], "");
  const std::string id = placed["id"];
  const std::vector<std::string> by_flags = {
      "--ship-name", "Lee Jun", "--ship-line1", "1 Jong-ro", "--ship-city", "Seoul",
      "--ship-postal-code", "03154", "--ship-country", "KR"};
  std::vector<std::string> place_bob = {"order", "place", "--user", "bob", "-i", "mug:1"};
  place_bob.insert(place_bob.end(), by_flags.begin(), by_flags.end());
  const json flagged = ok(place_bob);
  EXPECT_EQ(flagged["shipping_address"]["postal_code"], "03154");
  const std::string bob_id = flagged["id"];
  // Bad fields are named; nothing is placed.
  EXPECT_EQ(fails({"order", "place", "--user", "cid", "-i", "mug:1", "--ship-name", "X",
                   "--ship-line1", "Y", "--ship-city", "Z", "--ship-postal-code", "1",
                   "--ship-country", "kr"},
                  4)["subject"],
            "shipping_address.country");
  EXPECT_EQ(fails({"order", "place", "--user", "cid", "-i", "mug:1", "--ship-to-json",
                   R"({"nmae": "Kim Minji"})"},
                  4)["subject"],
            "--ship-to-json");
  EXPECT_TRUE(ok({"order", "list", "--user", "cid"})["items"].empty());

  // Erasure: refused in flight, then done; the address is gone from the order.
  EXPECT_EQ(fails({"order", "erase-personal-data", "--order", id}, 5)["subject"], id);
  ok({"order", "ship", id});
  ok({"order", "deliver", id});
  const json erased = ok({"orders", "erase-personal-data", "--order", id});
  EXPECT_TRUE(erased["shipping_address"].is_null());
  EXPECT_GT(erased["personal_data_erased_at"].get<std::int64_t>(), 0);
  const Result shown = run({"--db", db_, "order", "show", id});
  EXPECT_NE(shown.out.find("ship to"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("erased at"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find("Kim Minji"), std::string::npos) << shown.out;
  ok({"order", "ship", bob_id});
  ok({"order", "deliver", bob_id});
  EXPECT_EQ(ok({"orders", "erase-personal-data", "--older-than-days", "1"})["erased"], 0);
  EXPECT_EQ(ok({"orders", "erase-personal-data", "--older-than-days", "0"})["erased"], 1);
  EXPECT_TRUE(ok({"order", "get", bob_id})["shipping_address"].is_null());
  EXPECT_EQ(fails({"orders", "erase-personal-data"}, 4)["subject"], "--older-than-days");

  // A cart's address goes to its order; compaction erases it from the closed cart.
  const std::string cart = ok({"cart", "open", "--user", "dan"})["id"];
  ok({"cart", "add", cart, "mug", "1", "--user", "dan"});
  EXPECT_EQ(ok({"cart", "ship-to", cart, "--user", "dan", "--ship-to-json", home})
                ["shipping_address"]["city"],
            "Seoul");
  EXPECT_EQ(fails({"cart", "ship-to", cart, "--user", "dan"}, 4)["subject"], "--ship-to-json");
  EXPECT_EQ(fails({"cart", "ship-to", cart, "--user", "dan", "--clear", "--ship-to-json", home}, 4)
                ["subject"],
            "--ship-to-json");
  EXPECT_TRUE(ok({"cart", "ship-to", cart, "--user", "dan", "--clear"})["shipping_address"]
                  .is_null());
  ok({"cart", "ship-to", cart, "--user", "dan", "--ship-to-json", home});
  const json from_cart = ok({"cart", "checkout", cart, "--user", "dan"});
  EXPECT_EQ(from_cart["shipping_address"]["name"], "Kim Minji");
  EXPECT_EQ(ok({"cart", "show", cart, "--user", "dan"})["status"], "checked_out");
  // A window of 0.0000001 days (8 ms): the checkout's process, and another, ended before this
  // one started.
  EXPECT_EQ(ok({"compact", "--personal-data-days", "0.0000001"})["carts_erased"], 1);
  EXPECT_TRUE(ok({"cart", "show", cart, "--user", "dan"})["shipping_address"].is_null());
  EXPECT_EQ(ok({"check"})["ok"], true);
}

TEST_F(CliTest, StockPointsAndCouponsCommands) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  json level = ok({"stock", "adjust", "mug", "3", "--reason", "restock"});
  EXPECT_EQ(level["on_hand"], 8);
  json reserved = ok({"stock", "reserve", "o-1", "-i", "mug:2", "-i", "mug:1"});
  ASSERT_EQ(reserved["items"].size(), 1u);  // the same product twice counts once
  EXPECT_EQ(reserved["items"][0]["qty"], 3);
  EXPECT_EQ(ok({"stock", "level", "mug"})["available"], 5);
  EXPECT_EQ(ok({"stock", "commit", "o-1"})["items"][0]["state"], "committed");
  level = ok({"stock", "level", "mug"});
  EXPECT_EQ(level["on_hand"], 5);
  EXPECT_EQ(level["sold"], 3);
  ok({"stock", "reserve", "o-2", "-i", "mug:1"});
  EXPECT_EQ(ok({"stock", "release", "o-2"})["items"][0]["state"], "released");
  EXPECT_EQ(ok({"stock", "level", "mug"})["reserved"], 0);

  EXPECT_EQ(ok({"points", "charge", "alice", "5000"})["balance_after"], 5000);
  EXPECT_EQ(ok({"points", "use", "alice", "1200", "--order", "o-9"})["balance_after"], 3800);
  EXPECT_EQ(ok({"points", "restore", "o-9"})["balance_after"], 5000);
  EXPECT_EQ(ok({"points", "restore", "o-nothing"})["restored"], false);
  EXPECT_EQ(fails({"points", "use", "alice", "9000", "--order", "o-10"}, 5)["reason"],
            "insufficient_points");
  EXPECT_EQ(ok({"points", "balance", "alice"})["balance"], 5000);
  const json history = ok({"points", "history", "alice", "--limit", "2"});
  ASSERT_EQ(history["items"].size(), 2u);
  EXPECT_EQ(history["items"][0]["kind"], "restore");  // newest first
  EXPECT_FALSE(history["next_cursor"].get<std::string>().empty());

  const json tmpl = ok({"coupon", "create-template", "TEN", "--kind", "percent", "--value", "10",
                        "--max-discount", "1000", "--valid-from", "2020-01-01", "--valid-until",
                        "2099-12-31T23:59:59Z", "--total-limit", "2"});
  EXPECT_EQ(tmpl["kind"], "percent");
  EXPECT_EQ(tmpl["valid_from"], 1577836800000);
  const json coupon = ok({"coupon", "issue", "TEN", "--user", "alice"});
  const std::string id = coupon["id"];
  EXPECT_EQ(coupon["status"], "available");
  EXPECT_EQ(ok({"coupon", "quote", id, "--user", "alice", "--subtotal", "5000"})["discount"], 500);
  EXPECT_EQ(ok({"coupon", "quote", id, "--user", "alice", "--subtotal", "50000"})["discount"],
            1000);
  EXPECT_EQ(fails({"coupon", "issue", "TEN", "--user", "alice"}, 5)["reason"], "limit_reached");
  EXPECT_EQ(ok({"coupon", "template", "TEN"})["issued_count"], 1);
  EXPECT_EQ(ok({"coupon", "list", "--user", "alice"})["items"].size(), 1u);
  EXPECT_EQ(ok({"coupon", "revoke", id})["status"], "revoked");
  EXPECT_EQ(ok({"coupon", "get", id})["status"], "revoked");
}

TEST_F(CliTest, OrdersMoveThroughTheirStatesAndEventsAreRelayed) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  ok({"points", "charge", "alice", "3000"});

  const json paid = ok({"order", "place", "--user", "alice", "-i", "mug:2", "--points", "1000"});
  EXPECT_EQ(paid["status"], "confirmed");
  EXPECT_EQ(paid["total"], 23000);
  const std::string paid_id = paid["id"];

  const json out_of_stock = ok({"order", "place", "--user", "alice", "-i", "mug:9"});
  EXPECT_EQ(out_of_stock["status"], "failed");

  const json declined = ok({"order", "place", "--user", "alice", "-i", "mug:1", "--points", "500",
                            "--payment", "decline"});
  EXPECT_EQ(declined["status"], "failed");
  EXPECT_EQ(ok({"points", "balance", "alice"})["balance"], 2000);  // the 500 came back

  const json pending =
      ok({"order", "place", "--user", "alice", "-i", "mug:1", "--payment", "pending"});
  EXPECT_EQ(pending["status"], "awaiting_payment");
  const std::string pending_id = pending["id"];
  EXPECT_EQ(ok({"recover"})["awaiting_payment"], 1);  // the gateway still says pending
  EXPECT_EQ(ok({"order", "complete-payment", pending_id, "--approved"})["status"], "confirmed");
  EXPECT_EQ(fails({"order", "complete-payment", pending_id, "--declined"}, 5)["reason"],
            "illegal_transition");

  EXPECT_EQ(ok({"order", "ship", pending_id})["status"], "shipped");
  EXPECT_EQ(fails({"order", "cancel", pending_id}, 5)["reason"], "illegal_transition");
  EXPECT_EQ(ok({"order", "deliver", pending_id})["status"], "delivered");
  // A partial refund of the delivered order; never more than was paid.
  const json refunds = ok({"order", "refund", pending_id, "--amount", "2000", "--reason", "dent"});
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0]["status"], "approved");
  EXPECT_EQ(refunds[0]["amount"], 2000);
  EXPECT_EQ(refunds[0]["reason"], "dent");
  EXPECT_EQ(fails({"order", "refund", pending_id, "--amount", "10001"}, 4)["subject"], "amount");

  const json cancelled = ok({"order", "cancel", paid_id, "--reason", "changed mind"});
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(ok({"points", "balance", "alice"})["balance"], 3000);
  json level = ok({"stock", "level", "mug"});
  EXPECT_EQ(level["available"], 4);  // 5 - 1 delivered

  const json audit = ok({"order", "get", paid_id, "--audit"});
  ASSERT_GE(audit["audit"].size(), 3u);
  EXPECT_EQ(audit["audit"].back()["to"], "cancelled");
  const json list = ok({"order", "list", "--user", "alice", "--limit", "10"});
  EXPECT_EQ(list["items"].size(), 4u);
  EXPECT_EQ(ok({"sweep"})["cancelled_orders"].size(), 0u);

  const json check = ok({"check"});
  EXPECT_EQ(check["ok"], true) << check.dump(2);
  EXPECT_EQ(check["examined"]["orders"], 4);

  const std::string events = dir_.path("events.jsonl");
  const json stats_before = ok({"stats"});
  const int pending_events = stats_before["outbox"]["pending"];
  EXPECT_GT(pending_events, 0);
  const json relayed = ok({"relay", "--jsonl", events});
  EXPECT_EQ(relayed["run"]["delivered"], pending_events);
  EXPECT_EQ(relayed["outbox"]["pending"], 0);
  std::ifstream in(events);
  std::string line;
  int lines = 0;
  std::set<std::string> types;
  while (std::getline(in, line)) {
    ++lines;
    types.insert(json::parse(line)["type"].get<std::string>());
  }
  EXPECT_EQ(lines, pending_events);
  for (const char* type : {"OrderCreated", "OrderConfirmed", "OrderFailed", "OrderCancelled",
                           "OrderShipped", "OrderDelivered", "PaymentRefunded"}) {
    EXPECT_TRUE(types.count(type)) << type;
  }
  // A second run finds nothing new.
  EXPECT_EQ(ok({"relay", "--jsonl", events})["run"]["delivered"], 0);
}

TEST_F(CliTest, QuoteShowsWhatPlaceChargesWithTheStoresShippingAndTax) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5",
      "--attributes", R"({"weight_g":350})"});
  ok({"product", "create", "book", "--name", "Book", "--price", "17900", "--stock", "5",
      "--attributes", R"({"weight_g":600,"tax_class":"books"})"});
  ok({"points", "charge", "alice", "3000"});
  const std::vector<std::string> pricing = {
      "--shipping-option", "std=free_above:3000:50000", "--shipping-option",
      "heavy=weight:1000=3000,5000=5000", "--tax", "exclusive", "--tax-rate", "standard=1000",
      "--tax-rate", "books=500"};
  auto with_pricing = [&](std::vector<std::string> args) {
    args.insert(args.end(), pricing.begin(), pricing.end());
    return args;
  };
  const std::vector<std::string> request = {"--user", "alice", "-i", "mug:2", "-i", "book",
                                            "--points", "500", "--shipping", "heavy"};
  std::vector<std::string> quote_args = {"order", "quote"};
  quote_args.insert(quote_args.end(), request.begin(), request.end());
  const json quote = ok(with_pricing(quote_args));
  // 2 x 12000 + 17900 = 41900; 1300 g ships for 5000; tax added: 2400 + 895 + 500.
  EXPECT_EQ(quote["subtotal"], 41900);
  EXPECT_EQ(quote["shipping_option"], "heavy");
  EXPECT_EQ(quote["shipping_fee"], 5000);
  EXPECT_EQ(quote["shipping_tax"], 500);
  EXPECT_EQ(quote["tax"], 2400 + 895 + 500);
  EXPECT_EQ(quote["tax_included"], false);
  EXPECT_EQ(quote["points_used"], 500);
  EXPECT_EQ(quote["total"], 41900 + 5000 + 2400 + 895 + 500 - 500);
  ASSERT_EQ(quote["lines"].size(), 2u);
  EXPECT_EQ(quote["lines"][0]["product_id"], "book");
  EXPECT_EQ(quote["lines"][0]["tax_class"], "books");
  EXPECT_EQ(quote["lines"][0]["tax"], 895);
  EXPECT_EQ(quote["lines"][1]["total"], 24000 + 2400);
  // A quote writes nothing.
  EXPECT_EQ(ok({"order", "list", "--user", "alice"})["items"].size(), 0u);
  EXPECT_EQ(ok({"stock", "level", "mug"})["available"], 5);

  std::vector<std::string> place_args = {"order", "place"};
  place_args.insert(place_args.end(), request.begin(), request.end());
  const json order = ok(with_pricing(place_args));
  EXPECT_EQ(order["status"], "confirmed");
  for (const char* field : {"subtotal", "discount", "shipping_option", "shipping_fee",
                            "shipping_tax", "tax", "tax_included", "points_used", "total"}) {
    EXPECT_EQ(order[field], quote[field]) << field;
  }
  ASSERT_EQ(order["items"].size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    for (const char* field : {"product_id", "unit_price", "qty", "line_total", "discount",
                              "tax_class", "tax", "total"}) {
      EXPECT_EQ(order["items"][i][field], quote["lines"][i][field]) << field;
    }
  }
  // The order keeps its breakdown: `order get` needs no pricing flags.
  EXPECT_EQ(ok({"order", "get", order["id"].get<std::string>()})["total"], order["total"]);

  // Without flags: korean_vat() (10% of standard, included) and no shipping options.
  const json vat = ok({"order", "quote", "--user", "alice", "-i", "mug"});
  EXPECT_EQ(vat["tax_included"], true);
  EXPECT_EQ(vat["tax"], 1091);  // 12000 / 11, half up
  EXPECT_EQ(vat["total"], 12000);
  // Human output: the breakdown.
  const Result human = run(with_pricing({"--db", db_, "order", "quote", "--user", "alice", "-i",
                                         "mug:2", "--shipping", "std"}));
  EXPECT_EQ(human.exit_code, 0) << human.err;
  for (const char* text : {"TAX CLASS", "DISCOUNT", "shipping:", "3000 (std)",
                           "2700 (added, 300 on shipping)", "total:"}) {
    EXPECT_NE(human.out.find(text), std::string::npos) << text << "\n" << human.out;
  }

  EXPECT_EQ(fails(with_pricing({"order", "quote", "--user", "alice", "-i", "mug", "--shipping",
                                "drone"}),
                  4)["subject"],
            "shipping_option");
  EXPECT_EQ(fails({"order", "place", "--user", "alice", "-i", "mug", "--shipping", "std"},
                  4)["subject"],
            "shipping_option");
  EXPECT_EQ(fails({"order", "quote", "--user", "alice", "-i", "mug", "--shipping-option",
                   "std=air:3000"},
                  4)["subject"],
            "--shipping-option");
  EXPECT_EQ(fails({"order", "quote", "--user", "alice", "-i", "mug", "--tax", "sometimes"},
                  4)["subject"],
            "--tax");
  EXPECT_EQ(fails({"order", "quote", "--user", "alice", "-i", "mug", "--tax-rate", "standard"},
                  4)["subject"],
            "--tax-rate");
  EXPECT_EQ(ok({"order", "list", "--user", "alice"})["items"].size(), 1u);
}

TEST_F(CliTest, RelayFollowStopsGracefullyOnSigterm) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "1"});
  const std::string events = dir_.path("events.jsonl");
  Child relay({"--db", db_, "relay", "--jsonl", events, "--follow", "--interval", "0.2"});
  std::string line;
  ASSERT_TRUE(relay.read_line(line));
  EXPECT_NE(line.find("running"), std::string::npos) << line;
  // Wait for a progress line that shows the two events delivered, then stop it.
  bool delivered = false;
  while (!delivered && relay.read_line(line)) {
    delivered = line.find("outbox: 0 pending") != std::string::npos &&
                line.find("2 delivered") != std::string::npos;
  }
  ASSERT_TRUE(delivered) << line;
  relay.signal(SIGTERM);
  std::string last;
  while (relay.read_line(line)) last = line;
  EXPECT_EQ(relay.wait(), 0);
  EXPECT_NE(last.find("stopped by SIGTERM"), std::string::npos) << last;
  // The lease was released: a one-shot relay runs as leader at once.
  EXPECT_EQ(ok({"relay", "--jsonl", events})["leader"], true);
}

TEST_F(CliTest, CheckFindsCorruptionAndRepairMendsTheDerivedCounters) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  ok({"product", "create", "tee", "--name", "Tee", "--price", "20000", "--stock", "3"});
  ok({"stock", "reserve", "o-1", "-i", "mug:2"});
  ok({"points", "charge", "alice", "5000"});
  ok({"points", "charge", "bob", "700"});
  const std::string tmpl =
      ok({"coupon", "create-template", "TEN", "--value", "1000", "--valid-from", "2020-01-01",
          "--valid-until", "2099-01-01", "--total-limit", "5"})["id"];
  ok({"coupon", "issue", "TEN", "--user", "alice"});
  ok({"coupon", "issue", "TEN", "--user", "bob"});
  EXPECT_EQ(ok({"check"})["ok"], true);

  {  // Corrupt the derived counters by hand, as a buggy tool or a manual edit would.
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE stock SET reserved = 4 WHERE product_id = 'mug'");            // live sum is 2
    db.exec("UPDATE stock SET reserved = 1 WHERE product_id = 'tee'");            // live sum is 0
    db.exec("UPDATE point_balances SET balance = 4321 WHERE user_id = 'alice'");  // ledger 5000
    db.exec("UPDATE coupon_templates SET issued_count = 5 WHERE code = 'TEN'");   // 2 issued
    db.exec("DELETE FROM coupon_user_issues WHERE user_id = 'alice'");  // alice holds 1
    db.exec("UPDATE coupon_user_issues SET issued = 0 WHERE user_id = 'bob'");  // bob holds 1
  }
  const Result broken = cmd({"check"});
  EXPECT_EQ(broken.exit_code, 9) << broken.err;
  const json report = broken.json();
  EXPECT_EQ(report["ok"], false);
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& v : report["violations"]) {
    found.insert({v["rule"].get<std::string>(), v["subject"].get<std::string>()});
    EXPECT_FALSE(v["detail"].get<std::string>().empty());
  }
  const std::set<std::pair<std::string, std::string>> expected = {{"stock.reserved", "mug"},
                                                                  {"stock.reserved", "tee"},
                                                                  {"points.ledger", "alice"},
                                                                  {"coupon.limits", tmpl},
                                                                  {"coupon.per_user", "alice"},
                                                                  {"coupon.per_user", "bob"}};
  EXPECT_EQ(found, expected);

  const Result repaired = cmd({"check", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  const json fix = repaired.json();
  EXPECT_EQ(fix["ok"], true);
  using Change = std::pair<std::int64_t, std::int64_t>;  // before, after
  std::map<std::string, Change> changes;
  for (const auto& r : fix["repaired"]) {
    changes[r["rule"].get<std::string>() + " " + r["subject"].get<std::string>()] = {r["before"],
                                                                                     r["after"]};
  }
  EXPECT_EQ(changes.size(), 6u);
  EXPECT_EQ(changes["stock.reserved mug"], Change(4, 2));
  EXPECT_EQ(changes["stock.reserved tee"], Change(1, 0));
  EXPECT_EQ(changes["points.ledger alice"], Change(4321, 5000));
  EXPECT_EQ(changes["coupon.limits " + tmpl], Change(5, 2));
  EXPECT_EQ(changes["coupon.per_user alice"], Change(0, 1));
  EXPECT_EQ(changes["coupon.per_user bob"], Change(0, 1));

  EXPECT_EQ(ok({"stock", "level", "mug"})["reserved"], 2);
  EXPECT_EQ(ok({"points", "balance", "alice"})["balance"], 5000);
  EXPECT_EQ(ok({"coupon", "template", "TEN"})["issued_count"], 2);
  {  // The per-user counters are back: alice's row recreated, bob's set.
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT group_concat(user_id || ':' || issued) FROM "
                            "(SELECT * FROM coupon_user_issues ORDER BY user_id)")
                  .getString(),
              "alice:1,bob:1");
  }
  // The per-user limit (1) holds again for alice.
  fails({"coupon", "issue", "TEN", "--user", "alice"}, 5);  // FailedPrecondition
  // A second repair has nothing to do.
  EXPECT_EQ(ok({"check", "--repair"})["repaired"].size(), 0u);
}

TEST_F(CliTest, RepairLeavesWhatIsNotADerivedCounterToTheOperator) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE stock SET sold = 3 WHERE product_id = 'mug'");  // units out of nowhere
  }
  const Result r = cmd({"check", "--repair"});
  EXPECT_EQ(r.exit_code, 9);
  const json doc = r.json();
  EXPECT_EQ(doc["repaired"].size(), 0u);
  ASSERT_EQ(doc["violations"].size(), 1u);
  EXPECT_EQ(doc["violations"][0]["rule"], "stock.conserved");
  EXPECT_EQ(doc["violations"][0]["subject"], "mug");
}

// A one-shot relay whose sink keeps failing (a full disk: /dev/full) says why and exits 7
// (Unavailable: run it again later) instead of "delivered 0" and 0.
TEST_F(CliTest, RelayReportsTheLastErrorAndFailsWhenNothingIsDelivered) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "12000", "--stock", "5"});
  const Result full = cmd({"relay", "--jsonl", "/dev/full", "--max-attempts", "3"});
  EXPECT_EQ(full.exit_code, 7) << full.out << full.err;
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  const json doc = full.json();
  EXPECT_EQ(doc["run"]["delivered"], 0);
  EXPECT_GT(doc["run"]["failed"].get<int>() + doc["run"]["dead_lettered"].get<int>(), 0);
  EXPECT_NE(doc["run"]["last_error"].get<std::string>().find("No space left"), std::string::npos);
  // What did get through exits 0.
  ok({"dead-letters", "retry"});
  const Result good = cmd({"relay", "--jsonl", dir_.path("events.jsonl")});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

// The files the tool and the library create hold user ids, balances and orders: owner only,
// whatever the umask.
TEST(CliFiles, TheStoreTheSinkAndTheGatewayRecordAreOwnerOnly) {
  const mode_t old_umask = ::umask(022);
  TempDir dir;
  const std::string db = dir.path("shop.db");
  ASSERT_EQ(run({"init", "--db", db}).exit_code, 0);
  auto ok_run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db});
    const Result r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  };
  ok_run({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "5"});
  ok_run({"order", "place", "--user", "alice", "-i", "mug:1"});
  ok_run({"relay", "--jsonl", dir.path("events.jsonl")});
  ::umask(old_umask);
  for (const std::string& file : {db, db + ".fake-gateway", dir.path("events.jsonl")}) {
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0) << file;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << file;
  }
}

// Another process holds the store's write lock the whole time: stats and check answer.
TEST_F(CliTest, StatsAndCheckAnswerWhileAnotherProcessHoldsTheWriteLock) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "5"});
  SQLite::Database writer(db_, SQLite::OPEN_READWRITE);
  writer.exec("BEGIN IMMEDIATE");
  writer.exec("UPDATE stock SET on_hand = on_hand + 1");
  EXPECT_EQ(ok({"stats"})["products"], 1);
  EXPECT_EQ(ok({"check"})["ok"], true);
  EXPECT_EQ(ok({"product", "get", "mug"})["id"], "mug");
  writer.exec("ROLLBACK");
}

// A store on a directory this user may not write (read-only media): stats, check and
// --read-only listings answer; writes fail with FailedPrecondition (exit 5).
TEST_F(CliTest, StatsAndCheckWorkOnAReadOnlyDirectory) {
  ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "5"});
  const std::string dir = db_.substr(0, db_.rfind('/'));
  std::vector<std::string> launcher;
  if (::geteuid() == 0) {  // root writes anywhere: run the tool as nobody instead
    ASSERT_EQ(::chown(db_.c_str(), 65534, 65534), 0);
    ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
    launcher = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  } else {
    ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
  }
  auto as_reader = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--json"});
    return run_via(launcher, args);
  };
  const Result stats = as_reader({"stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(stats.json()["products"], 1);
  const Result check = as_reader({"check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const Result get = as_reader({"--read-only", "product", "get", "mug"});
  EXPECT_EQ(get.exit_code, 0) << get.err;
  const Result write = as_reader({"--read-only", "points", "charge", "alice", "10"});
  EXPECT_EQ(write.exit_code, 5) << write.err;
  ::chmod(dir.c_str(), 0700);
}

// Errors say what to do: what retrying cannot fix is 4 or 5, never 7 or 8, and no output ever
// shows a password.
TEST_F(CliTest, ConfigurationErrorsAreNotRetryableAndHideThePassword) {
  const std::string fifo = dir_.path("fifo.db");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(run({"--db", fifo, "stats"}).exit_code, 4);
  EXPECT_EQ(run({"--db", "/dev/null", "stats"}).exit_code, 4);
  for (const std::string url : {"postgresql://shop:S3cretPW@[::1:5/shop",
                                "postgresql://shop:S3c%retPW@127.0.0.1:5432/shop",
                                "postgresql://shop@127.0.0.1:5432/shop?password=S3cretPW&port=x"}) {
    for (const bool json_mode : {false, true}) {
      std::vector<std::string> args = {"--url", url, "stats"};
      if (json_mode) args.push_back("--json");
      const Result r = run(args);
      EXPECT_EQ(r.exit_code, 4) << url << ": " << r.err;
      EXPECT_EQ(r.err.find("S3c"), std::string::npos) << r.err;
      EXPECT_EQ(r.out.find("S3c"), std::string::npos) << r.out;
    }
  }
}

// `check` verifies the file first: physical damage is a storage.damage violation and exit 10,
// never "every invariant holds".
class CliDamageTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    ok({"product", "create", "mug", "--name", "Mug", "--price", "100", "--stock", "500"});
    ok({"points", "charge", "alice", "100000"});
    for (int i = 0; i < 40; ++i) ok({"order", "place", "--user", "alice", "-i", "mug:1"});
    ok({"relay", "--jsonl", dir_.path("events.jsonl")});
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    page_size_ = db.execAndGet("PRAGMA page_size").getInt64();
  }
  std::int64_t root_page(const std::string& name) {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT rootpage FROM sqlite_master WHERE name = ?");
    q.bind(1, name);
    EXPECT_TRUE(q.executeStep()) << name;
    return q.getColumn(0).getInt64();
  }
  void overwrite_page(std::int64_t page, char fill, bool garbage) {
    std::fstream f(db_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((page - 1) * page_size_);
    std::string bytes(static_cast<std::size_t>(page_size_), fill);
    if (garbage) {
      for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 131 + 7);
    }
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  void expect_damage(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"check"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Result r = cmd(args);
    EXPECT_EQ(r.exit_code, 10) << r.out << r.err;
    const json doc = r.json();
    EXPECT_EQ(doc["ok"], false);
    ASSERT_FALSE(doc["violations"].empty()) << r.out;
    EXPECT_EQ(doc["violations"][0]["rule"], "storage.damage") << r.out;
  }
  std::int64_t page_size_ = 4096;
};

TEST_F(CliDamageTest, AnIntactFilePasses) {
  EXPECT_EQ(ok({"check"})["ok"], true);
  EXPECT_EQ(ok({"check", "--full"})["ok"], true);
}

TEST_F(CliDamageTest, AGarbageIndexPageIsDamage) {
  overwrite_page(root_page("orders_by_user"), 0, true);
  expect_damage();
  expect_damage({"--full"});
}

TEST_F(CliDamageTest, AZeroedTablePageIsDamage) {
  overwrite_page(root_page("outbox"), 0, false);
  expect_damage();
}

TEST_F(CliDamageTest, ATruncatedFileIsDamage) {
  const auto size = std::filesystem::file_size(db_);
  std::filesystem::resize_file(db_, size - static_cast<std::uintmax_t>(page_size_));
  expect_damage();
}

TEST(CliDemo, RunsAScriptedDayAndEndsWithACleanCheck) {
  TempDir dir;
  const std::string db = dir.path("demo.db");
  const Result r = run({"--db", db, "--json", "demo"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json doc = r.json();
  EXPECT_EQ(doc["check"]["ok"], true) << doc["check"].dump(2);
  std::set<std::string> statuses;
  std::vector<json> given_back;  // the partial cancellation's and the return's, in order
  json mugs_order;               // alice's 3 mugs, part cancelled and part returned
  for (const auto& step : doc["steps"]) {
    if (step["step"].get<std::string>().starts_with("alice buys 3 blue mugs")) mugs_order = step;
    EXPECT_EQ(step["as_expected"], true) << step.dump();
    statuses.insert(step["status"].get<std::string>());
    if (step.contains("given_back") && step["given_back"]["value"] > 0 &&
        !mugs_order.is_null() && step["order_id"] == mugs_order["order_id"]) {
      given_back.push_back(step["given_back"]);
    }
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"confirmed", "failed", "awaiting_payment", "cancelled",
                                             "shipped", "delivered", "requested", "approved",
                                             "refunded"}));
  // One mug of three cancelled, then the other two returned: each gives back its share in money
  // and in points, and together, every unit being back, exactly what alice paid.
  ASSERT_EQ(given_back.size(), 2u);
  ASSERT_FALSE(mugs_order.is_null());
  std::int64_t money = 0, points = 0;
  for (const auto& g : given_back) {
    EXPECT_GT(g["money"].get<std::int64_t>(), 0) << g.dump();
    EXPECT_GT(g["points"].get<std::int64_t>(), 0) << g.dump();
    EXPECT_EQ(g["money"].get<std::int64_t>() + g["points"].get<std::int64_t>(), g["value"]);
    money += g["money"].get<std::int64_t>();
    points += g["points"].get<std::int64_t>();
  }
  EXPECT_EQ(money, mugs_order["total"]);
  EXPECT_EQ(points, mugs_order["points_used"]);
  // bob's tee exchanged for two mugs: a replacement order paid by the tee's value.
  const auto exchanged = std::find_if(doc["steps"].begin(), doc["steps"].end(), [](const json& s) {
    return s["step"].get<std::string>().starts_with("the tee comes back");
  });
  ASSERT_NE(exchanged, doc["steps"].end());
  ASSERT_TRUE(exchanged->contains("replacement_order_id")) << exchanged->dump();
  EXPECT_GT((*exchanged)["exchange_credit"].get<std::int64_t>(), 0);
  const Result replacement = run(
      {"--db", db, "--json", "order", "get", (*exchanged)["replacement_order_id"].get<std::string>()});
  EXPECT_EQ(replacement.json()["status"], "confirmed") << replacement.out;
  // The events file holds exactly what the relay delivered.
  std::ifstream in(doc["events_file"].get<std::string>());
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) ++lines;
  EXPECT_EQ(lines, doc["events_relayed"].get<int>());
  EXPECT_GT(lines, 0);
  EXPECT_EQ(doc["search"], json::array({"poster-seoul"}));
  EXPECT_EQ(doc["compacted"]["events"], 0);  // nothing is past its retention window yet
  // The shop it leaves behind is a normal store.
  const Result check = run({"--db", db, "--json", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.out;
  // It refuses to overwrite a store unless told to.
  EXPECT_EQ(run({"--db", db, "demo"}).exit_code, 5);
  EXPECT_EQ(run({"--db", db, "--json", "demo", "--force"}).exit_code, 0);
  // The human-readable account names every chapter.
  const Result text = run({"--db", db, "demo", "--force"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* chapter : {"out of stock", "declined", "callback", "sweep", "cancels", "ships",
                              "search", "compact", "every invariant holds",
                              "Hoodie (M): 4 available",
                              "allocated: 1 from busan, 2 from default",
                              "erin's cart is now checked_out",
                              "hoodie-m: 2 of 3 shipped, 0 delivered",
                              "the parcel is in_transit (arrived at the Daejeon hub)",
                              "hoodie-m: 3 of 3 shipped, 2 delivered",
                              "hoodie-m: 3 of 3 shipped, 3 delivered",
                              "alice cancels one mug", "in money", "in points",
                              "mug-blue: 2 of 3 shipped, 2 delivered",
                              "is requested", "is approved",
                              "one goes back on the shelf", "is refunded"}) {
    EXPECT_NE(text.out.find(chapter), std::string::npos) << chapter;
  }
}

}  // namespace
}  // namespace commerce::cli_test
