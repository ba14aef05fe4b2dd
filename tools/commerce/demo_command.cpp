// commerce demo: a scripted day of a small shop on a fresh SQLite file, told step by step.
//
// Everything goes through the library's public API, as a host would: the catalog, stock,
// points, coupons, the order saga with the built-in fake payment gateway, shipments split over two
// warehouses (one with the built-in fake carrier), the outbox relay to a JSON-lines file, and
// the invariant check. Time comes from a ManualClock so that the demo can
// let a reservation expire without waiting.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <utility>

#include "cli.h"
#include "commerce/event_sink.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"

namespace commerce::cli {

namespace {

struct DemoArgs {
  std::string events;  // JSON-lines file; default DB.events.jsonl
  bool force = false;  // replace an existing file
};

// Tells the story on stdout (or collects it for --json).
class Narrator {
 public:
  explicit Narrator(const Printer& out) : out_(out) {}

  void chapter(const std::string& title) {
    if (!out_.json_mode()) std::cout << "\n== " << title << '\n';
  }
  void say(const std::string& line) {
    if (!out_.json_mode()) std::cout << "   " << line << '\n';
  }
  void step(const std::string& name, const std::string& expected, const Order& o,
            const std::string& note = {}) {
    json j{{"step", name},
           {"expected", expected},
           {"order_id", o.id},
           {"status", std::string(to_string(o.status))},
           {"total", o.total},
           {"discount", o.discount},
           {"points_used", o.points_used}};
    if (!o.failure_reason.empty()) j["reason"] = o.failure_reason;
    if (!o.coupon_note.empty()) j["coupon_note"] = o.coupon_note;
    const bool as_expected = record(std::move(j), expected);
    if (out_.json_mode()) return;
    std::cout << fmt::format(
        "-> {}: order {} is {} (subtotal {}, discount {}, points {}, total "
        "{})\n",
        name, short_id(o.id), to_string(o.status), o.subtotal, o.discount, o.points_used, o.total);
    if (!o.failure_reason.empty()) std::cout << "   why: " << o.failure_reason << '\n';
    if (!o.coupon_note.empty()) std::cout << "   coupon: " << o.coupon_note << '\n';
    if (!note.empty()) std::cout << "   " << note << '\n';
    if (!as_expected) std::cout << "   UNEXPECTED: the script expected " << expected << '\n';
  }
  // A partial cancellation: the order's step, with what came back.
  void step(const std::string& name, const std::string& expected, const ItemsCancelled& c) {
    step(name, expected, c.order, "given back " + give_back_text(c.given_back));
    steps_.back()["given_back"] = to_json(c.given_back);
  }
  void step(const std::string& name, const std::string& expected, const Return& r,
            const std::string& note = {}) {
    json j{{"step", name},
           {"expected", expected},
           {"return_id", r.id},
           {"order_id", r.order_id},
           {"status", std::string(to_string(r.status))},
           {"given_back", to_json(r.given_back)}};
    if (!r.replacement_order_id.empty()) {
      j["replacement_order_id"] = r.replacement_order_id;
      j["exchange_credit"] = r.exchange_credit;
    }
    const bool as_expected = record(std::move(j), expected);
    if (out_.json_mode()) return;
    std::cout << fmt::format("-> {}: return {} is {}\n", name, short_id(r.id), to_string(r.status));
    if (!note.empty()) std::cout << "   " << note << '\n';
    if (!as_expected) std::cout << "   UNEXPECTED: the script expected " << expected << '\n';
  }
  static std::string short_id(const std::string& id) { return id.substr(0, 8) + "..."; }
  json steps() const { return steps_; }
  int surprises() const { return surprises_; }

 private:
  // Keeps the step for --json; whether its status is the one expected.
  bool record(json j, const std::string& expected) {
    const bool as_expected = j["status"] == expected;
    j["as_expected"] = as_expected;
    if (!as_expected) ++surprises_;
    steps_.push_back(std::move(j));
    return as_expected;
  }

  const Printer& out_;
  json steps_ = json::array();
  int surprises_ = 0;
};

// "hoodie-m: 2 of 3 shipped, 0 delivered" per line of the order.
std::string units_text(const Order& o) {
  std::string out;
  for (const auto& i : o.items) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{}: {} of {} shipped, {} delivered", i.product_id, i.shipped, i.qty,
                       i.delivered);
  }
  return out;
}

std::string level_text(StockLedger& stock, const std::string& id) {
  const auto s = stock.level(id);
  return fmt::format("{}: on hand {}, reserved {}, available {}, sold {}", id, s.on_hand,
                     s.reserved, s.available, s.sold);
}

void run_demo(Globals& globals, const DemoArgs& args) {
  const std::string db = db_path(globals);
  if (db.empty()) {
    throw Error::invalid_argument("--db", "the demo needs a SQLite file: pass --db PATH");
  }
  const std::string events = args.events.empty() ? db + ".events.jsonl" : args.events;
  const std::string record = db + ".fake-gateway";
  const std::string carrier_record = db + ".fake-carrier";
  if (std::filesystem::exists(db)) {
    if (!args.force) {
      throw Error::failed_precondition(
          Reason::kNone, db,
          fmt::format("{} exists; the demo needs a fresh file (or --force)", db));
    }
    for (const std::string& p : {db, db + "-wal", db + "-shm", events, record, carrier_record}) {
      std::filesystem::remove(p);
    }
  }
  for (const std::string& p : {events, record, carrier_record}) std::filesystem::remove(p);

  Printer out(globals);
  Narrator n(out);
  auto clock = std::make_shared<ManualClock>(system_clock()->now());
  auto gateway = std::make_shared<FakeGateway>(record);
  StoreOptions options;
  options.clock = clock;
  options.gateway = gateway;
  auto carrier = std::make_shared<FakeCarrier>(carrier_record);
  options.carriers = {{"fake", carrier}};
  options.reservation_ttl_ms = 15 * 60 * 1000;
  options.shipping_options = {flat_shipping("parcel", 3000)};
  auto store = Store::open("sqlite:" + db, options);
  auto& catalog = store->catalog();
  auto& stock = store->stock();
  auto& points = store->points();
  auto& coupons = store->coupons();
  auto& orders = store->orders();

  n.chapter("Opening the shop");
  catalog.add_category("kitchen", "Kitchen");
  catalog.add_category("apparel", "Apparel");
  catalog.add_category("prints", "Prints");
  catalog.create({.id = "mug-blue",
                  .name = "Blue mug",
                  .description = "Stoneware, 350 ml",
                  .price = 12000,
                  .category = "kitchen",
                  .brand = "Hanji",
                  .attributes = R"({"color":"blue"})",
                  .initial_stock = 10});
  catalog.create({.id = "tee-white",
                  .name = "White tee",
                  .description = "Organic cotton",
                  .price = 25000,
                  .category = "apparel",
                  .brand = "Hanji",
                  .attributes = R"({"size":"M"})",
                  .initial_stock = 4});
  catalog.create({.id = "poster-seoul",
                  .name = "Seoul poster",
                  .description = "Signed print",
                  .price = 30000,
                  .category = "prints",
                  .brand = "Atelier",
                  .initial_stock = 1});
  for (const char* id : {"mug-blue", "tee-white", "poster-seoul"}) n.say(level_text(stock, id));
  // The text filter finds substrings through a trigram index (a page costs the same at a
  // million products).
  json search = json::array();
  for (const auto& p : catalog.list({.text = "SEOUL"}).items) search.push_back(p.id);
  n.say(fmt::format("search \"SEOUL\" (name or description, any case): {}", search.dump()));
  for (const auto& [user, amount] : std::vector<std::pair<std::string, Money>>{
           {"alice", 5000}, {"bob", 3000}, {"carol", 2000}, {"dave", 0}}) {
    if (amount > 0) points.charge(user, amount, "welcome-" + user);
    n.say(fmt::format("{} has {} points", user, points.balance(user)));
  }
  const Timestamp now = clock->now();
  const Timestamp month = 30LL * 24 * 60 * 60 * 1000;
  coupons.create_template({.code = "WELCOME10",
                           .name = "10% off, at most 5000",
                           .kind = CouponKind::kPercent,
                           .value = 10,
                           .max_discount = 5000,
                           .valid_from = now - month,
                           .valid_until = now + month,
                           .total_limit = 100,
                           .per_user_limit = 1});
  coupons.create_template({.code = "BIG5000",
                           .name = "5000 off orders of 50000 or more",
                           .kind = CouponKind::kFixed,
                           .value = 5000,
                           .min_order_amount = 50000,
                           .valid_from = now - month,
                           .valid_until = now + month,
                           .total_limit = 10,
                           .per_user_limit = 1});
  const Coupon alice_welcome = coupons.issue("WELCOME10", "alice");
  const Coupon bob_big = coupons.issue("BIG5000", "bob");
  n.say("coupon templates WELCOME10 (10%, max 5000) and BIG5000 (5000 off >= 50000)");
  n.say(fmt::format("issued WELCOME10 to alice ({}), BIG5000 to bob ({})",
                    Narrator::short_id(alice_welcome.id), Narrator::short_id(bob_big.id)));

  n.chapter("Morning: orders that go through");
  const Order alice1 = orders.place({.user_id = "alice",
                                     .items = {{"mug-blue", 2}},
                                     .coupon_id = alice_welcome.id,
                                     .points_to_use = 1000,
                                     .request_id = "demo-alice-1"});
  n.step("alice buys 2 mugs with WELCOME10 and 1000 points", "confirmed", alice1,
         fmt::format("alice has {} points left", points.balance("alice")));
  const Order bob1 =
      orders.place({.user_id = "bob", .items = {{"poster-seoul", 1}}, .request_id = "demo-bob-1"});
  n.step("bob buys the last Seoul poster", "confirmed", bob1);
  const Order again =
      orders.place({.user_id = "bob", .items = {{"poster-seoul", 1}}, .request_id = "demo-bob-1"});
  n.say(fmt::format("bob's app retries the same request: the same order comes back ({})",
                    again.id == bob1.id ? "no second charge" : "A DIFFERENT ORDER"));

  n.chapter("Refusals, each compensated");
  const Order carol1 =
      orders.place({.user_id = "carol", .items = {{"poster-seoul", 1}}, .points_to_use = 500});
  n.step("carol wants the poster too: out of stock", "failed", carol1,
         fmt::format("carol still has {} points", points.balance("carol")));
  const Order bob2 = orders.place({.user_id = "bob",
                                   .items = {{"mug-blue", 1}},
                                   .coupon_id = bob_big.id,
                                   .coupon_required = true,
                                   .points_to_use = 1000});
  n.step("bob buys a mug with BIG5000 marked required (minimum 50000 not met)", "failed", bob2,
         fmt::format("bob's points are back: {}; {}", points.balance("bob"),
                     level_text(stock, "mug-blue")));
  gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kDecline, 0}});
  const Order carol2 =
      orders.place({.user_id = "carol", .items = {{"tee-white", 1}}, .points_to_use = 2000});
  n.step("carol buys a tee; her card is declined", "failed", carol2,
         fmt::format("compensated: carol has {} points again; {}", points.balance("carol"),
                     level_text(stock, "tee-white")));

  n.chapter("Afternoon: a payment that finishes later");
  gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kPending, 0}});
  const Order alice2 = orders.place({.user_id = "alice", .items = {{"tee-white", 2}}});
  n.step("alice buys 2 tees by bank transfer; the gateway answers pending", "awaiting_payment",
         alice2, level_text(stock, "tee-white"));
  const auto payment =
      store->run_unit([&](Unit& unit) { return unit.lookups().payment(alice2.id); });
  if (!payment) throw Error::internal("the pending order " + alice2.id + " has no payment row");
  gateway->settle(payment->id, true);
  const Order alice2_done = orders.complete_payment(alice2.id, true);
  n.step("the bank's callback arrives: approved", "confirmed", alice2_done,
         level_text(stock, "tee-white"));

  n.chapter("Evening: an abandoned checkout expires");
  gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kPending, 0}});
  const Order dave1 = orders.place({.user_id = "dave", .items = {{"mug-blue", 3}}});
  n.step("dave starts paying for 3 mugs and walks away", "awaiting_payment", dave1,
         level_text(stock, "mug-blue"));
  clock->advance(options.reservation_ttl_ms + 60 * 1000);
  n.say("... 16 minutes pass ...");
  const auto swept = orders.sweep();
  const auto released = stock.release_expired();
  n.say(fmt::format("sweep: {} expired order(s) cancelled, {} stray reservation(s) released",
                    swept.size(), released.size()));
  n.step("dave's order after the sweep", "cancelled", orders.get(dave1.id),
         level_text(stock, "mug-blue"));

  n.chapter("Customer service: a cancel with refund");
  const Order alice1_cancelled = orders.cancel(alice1.id, "changed her mind");
  n.step(
      "alice cancels her mug order", "cancelled", alice1_cancelled,
      fmt::format("refunded {} (gateway keeps {}); alice has {} points; coupon {} is {}; {}",
                  alice1.total, gateway->net_for(alice1.id), points.balance("alice"),
                  Narrator::short_id(alice_welcome.id),
                  to_string(coupons.get(alice_welcome.id).status), level_text(stock, "mug-blue")));

  n.chapter("Shipping");
  n.step("bob's poster ships", "shipped", orders.ship(bob1.id));
  n.step("bob's poster is delivered", "delivered", orders.deliver(bob1.id));
  n.step("alice's tees ship", "shipped", orders.ship(alice2.id));

  n.chapter("A hoodie in two sizes, from two warehouses");
  catalog.create({.id = "hoodie",
                  .name = "Hoodie",
                  .description = "Brushed fleece",
                  .price = 45000,
                  .category = "apparel",
                  .brand = "Hanji",
                  .axes = {{.name = "size", .values = {"S", "M"}}}});
  for (const auto& [id, size] : {std::pair{"hoodie-s", "S"}, std::pair{"hoodie-m", "M"}}) {
    catalog.add_variant("hoodie", {.id = id,
                                   .options = {{"size", size}},
                                   .price = 45000,
                                   .initial_stock = 4});
  }
  store->locations().create({.id = "busan", .name = "Busan warehouse", .priority = 1});
  stock.transfer("hoodie-m", "default", "busan", 2, "stock the Busan warehouse");
  for (const auto& v : catalog.variants("hoodie")) {
    n.say(fmt::format("{}: {} available", v.variant.name, v.available));
  }
  n.say("2 medium hoodies moved to the Busan warehouse (priority after default)");
  const Order dave2 = orders.place({.user_id = "dave", .items = {{"hoodie-m", 3}}});
  std::string split;
  for (const auto& r : stock.reservations(dave2.id)) {
    split += fmt::format(" {} from {},", r.qty, r.location_id);
  }
  split.pop_back();
  n.step("dave buys 3 medium hoodies: split over both warehouses", "confirmed", dave2,
         "allocated:" + split);

  n.chapter("Dave's hoodies ship from both warehouses");
  Shipments& shipments = store->shipments();
  const Shipment from_default =
      shipments.create({.order_id = dave2.id, .location_id = "default", .carrier = "fake"});
  n.say(fmt::format("from default with the fake carrier: {} hoodie(s), {}, tracking number {}",
                    from_default.items.at(0).qty, to_string(from_default.status),
                    from_default.tracking_number));
  const Shipment from_busan = shipments.create(
      {.order_id = dave2.id, .location_id = "busan", .tracking_number = "BUSAN-VAN-1"});
  n.say(fmt::format("from busan in the shop's own van (no carrier): {} hoodie(s), {}",
                    from_busan.items.at(0).qty, to_string(from_busan.status)));
  shipments.dispatch(from_default.id);
  n.step("the carrier picks up the parcel from default", "confirmed", orders.get(dave2.id),
         units_text(orders.get(dave2.id)));
  shipments.dispatch(from_busan.id);
  n.step("the van leaves Busan: every unit has shipped", "shipped", orders.get(dave2.id),
         units_text(orders.get(dave2.id)));
  clock->advance(60 * 60 * 1000);
  carrier->scan(from_default.tracking_number,
                {ShipmentStatus::kInTransit, clock->now(), "arrived at the Daejeon hub"});
  const ShipmentReport polled = shipments.poll();
  const Shipment scanned = shipments.get(from_default.id);
  n.say(fmt::format("polling the carrier: {} shipment(s) on the way, {} moved; the parcel is {} "
                    "({})",
                    polled.examined, polled.changed, to_string(scanned.status), scanned.note));
  clock->advance(3 * 60 * 60 * 1000);
  shipments.track({.shipment_id = from_default.id,
                   .carrier = {},
                   .tracking_number = {},
                   .event = {ShipmentStatus::kDelivered, clock->now(), "left at the door"}});
  n.step("a tracking update: the parcel is delivered", "shipped", orders.get(dave2.id),
         units_text(orders.get(dave2.id)));
  shipments.track({.shipment_id = from_busan.id,
                   .carrier = {},
                   .tracking_number = {},
                   .event = {ShipmentStatus::kDelivered, clock->now(), "handed to dave"}});
  n.step("the van delivers the rest", "delivered", orders.get(dave2.id),
         units_text(orders.get(dave2.id)));

  n.chapter("A guest's cart, signed in and checked out");
  Carts& carts = store->carts();
  const GuestCart guest = carts.open_guest();
  const CartKey guest_key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  carts.add(guest_key, "mug-blue", 2);
  carts.add(guest_key, "hoodie-s", 1);
  n.say("a guest puts 2 blue mugs and a small hoodie in a guest cart");
  const Cart erins = carts.sign_in(guest.guest_token, "erin");
  n.say(fmt::format("the guest signs in as erin: her cart has the {} lines; the guest cart is {}",
                    erins.lines.size(), to_string(carts.get(guest_key).status)));
  const CartKey erin_key = CartKey::for_user(erins.id, "erin");
  const Quote quote = carts.quote(erin_key, {.shipping_option = "parcel"});
  const char* tax_is = quote.tax_included ? "included" : "added";
  for (const PricedLine& line : quote.lines) {
    n.say(fmt::format("  {} x{} at {}: {} (tax {} {})", line.name, line.qty, line.unit_price,
                      line.total, line.tax, tax_is));
  }
  n.say(fmt::format("  shipping (parcel): {} (tax {} {}); total {}", quote.shipping_fee,
                    quote.shipping_tax, tax_is, quote.total));
  const Order erin1 =
      carts.checkout(erin_key, {.shipping_option = "parcel", .expected_total = quote.total});
  n.step("erin checks out her cart at the quoted total", "confirmed", erin1,
         fmt::format("erin's cart is now {}", to_string(carts.get(erin_key).status)));
  const Order erin_again = carts.checkout(erin_key, {.shipping_option = "parcel"});
  n.say(fmt::format("erin taps checkout again: {}",
                    erin_again.id == erin1.id ? "the same order, no second charge"
                                              : "A DIFFERENT ORDER"));

  n.chapter("Giving units back: a partial cancellation, a partial return, an exchange");
  const Order alice3 = orders.place({.user_id = "alice",
                                     .items = {{"mug-blue", 3}},
                                     .points_to_use = 2000,
                                     .request_id = "demo-alice-3"});
  n.step("alice buys 3 blue mugs with 2000 points", "confirmed", alice3,
         fmt::format("alice has {} points; {}", points.balance("alice"),
                     level_text(stock, "mug-blue")));
  const ItemsCancelled one_less = orders.cancel_items(alice3.id, {{"mug-blue", 1}},
                                                      "one is enough");
  n.step("before they ship, alice cancels one mug", "confirmed", one_less);
  n.say(fmt::format("its share comes back as money and points: the gateway keeps {}, alice has {} "
                    "points; {}",
                    gateway->net_for(alice3.id), points.balance("alice"),
                    level_text(stock, "mug-blue")));
  const Shipment mugs = shipments.dispatch(
      shipments.create({.order_id = alice3.id, .location_id = "default", .carrier = "fake"}).id);
  clock->advance(24 * 60 * 60 * 1000);
  shipments.track({.shipment_id = mugs.id,
                   .carrier = {},
                   .tracking_number = {},
                   .event = {ShipmentStatus::kDelivered, clock->now(), "left at the door"}});
  n.step("the other two mugs are delivered", "delivered", orders.get(alice3.id),
         units_text(orders.get(alice3.id)));
  Returns& returns = store->returns();
  const Return asked = returns.request({.order_id = alice3.id,
                                        .items = {{"mug-blue", 2}},
                                        .reason = "one arrived chipped, the other is unwanted",
                                        .request_id = "demo-rma-1"});
  n.step("alice asks to return both mugs", "requested", asked);
  n.step("the shop approves the return", "approved", returns.approve(asked.id, "photo checked"));
  const Return received = returns.receive(
      asked.id, {{.product_id = "mug-blue", .restock_qty = 1, .write_off_qty = 1,
                  .location_id = "default"}});
  n.step("the mugs arrive: one goes back on the shelf, the chipped one is written off", "refunded",
         received,
         fmt::format("given back {}; the gateway keeps {}, alice has {} points; {}",
                     give_back_text(received.given_back), gateway->net_for(alice3.id),
                     points.balance("alice"), level_text(stock, "mug-blue")));

  const Order bob_tee = orders.place(
      {.user_id = "bob", .items = {{"tee-white", 1}}, .request_id = "demo-bob-tee"});
  n.step("bob buys a white tee", "confirmed", bob_tee);
  const Shipment tee = shipments.dispatch(
      shipments.create({.order_id = bob_tee.id, .location_id = "default", .carrier = "fake"}).id);
  shipments.track({.shipment_id = tee.id,
                   .carrier = {},
                   .tracking_number = {},
                   .event = {ShipmentStatus::kDelivered, clock->now(), "handed over"}});
  const Return swap = returns.request({.order_id = bob_tee.id,
                                       .items = {{"tee-white", 1}},
                                       .reason = "too big; two mugs instead",
                                       .replacement = {{"mug-blue", 2}},
                                       .request_id = "demo-rma-2"});
  n.step("bob asks to exchange the tee for two blue mugs", "requested", swap);
  returns.approve(swap.id, "exchange accepted");
  const Return swapped = returns.receive(
      swap.id, {{.product_id = "tee-white", .restock_qty = 1, .location_id = "default"}});
  const Order mugs_for_bob = orders.get(swapped.replacement_order_id);
  n.step("the tee comes back: its value pays for the mugs, the rest is refunded", "refunded",
         swapped,
         fmt::format("replacement order {} ({}) paid by a credit of {}; given back {}",
                     Narrator::short_id(mugs_for_bob.id), to_string(mugs_for_bob.status),
                     swapped.exchange_credit, give_back_text(swapped.given_back)));

  n.chapter("Closing: events and the books");
  JsonLinesSink sink(events);
  OutboxRelay relay(*store, sink);
  const RelayBatch relayed = relay.drain();
  relay.release_lease();
  std::map<std::string, int> by_type;
  for (const auto& e : read_json_lines(events)) ++by_type[e.type];
  std::string types;
  for (const auto& [type, count] : by_type) types += fmt::format(" {} {},", type, count);
  if (!types.empty()) types.pop_back();
  n.say(fmt::format("relayed {} events to {}:{}", relayed.delivered, events, types));
  // Retention: delivered events, finished sagas' logs, old idempotency keys and inbox records
  // go once their windows pass (7 days, 7 days, 24 hours, 7 days by default); today's stay.
  const CompactionReport compacted = store->compact();
  n.say(fmt::format("compact: {} events, {} saga log lines, {} idempotency keys removed "
                    "(nothing is older than its retention window yet)",
                    compacted.events, compacted.saga_log_lines, compacted.requests));
  const InvariantReport report = check_invariants(*store);
  if (report.ok()) {
    n.say(fmt::format("check: every invariant holds ({} products, {} users, {} orders)",
                      report.products, report.users, report.orders));
  } else {
    n.say(fmt::format("check: {} violations", report.violations.size()));
    for (const auto& v : report.violations) {
      n.say(fmt::format("  {} {}: {}", v.rule, v.subject, v.detail));
    }
  }
  json violations = json::array();
  for (const auto& v : report.violations) {
    violations.push_back(json{{"rule", v.rule}, {"subject", v.subject}, {"detail", v.detail}});
  }
  out.emit(json{{"db", db},
                {"events_file", events},
                {"gateway_record", record},
                {"carrier_record", carrier_record},
                {"steps", n.steps()},
                {"events_relayed", relayed.delivered},
                {"events_by_type", by_type},
                {"search", search},
                {"compacted", {{"events", compacted.events}, {"units", compacted.units}}},
                {"check", {{"ok", report.ok()}, {"violations", violations}}}});
  if (!out.json_mode()) {
    std::cout << fmt::format(
        "\nThe shop is in {}; try `commerce --db {} stats` or `order list "
        "--user alice`.\n",
        db, db);
  }
  if (!report.ok() || n.surprises() > 0) globals.exit_status = kExitViolations;
}

}  // namespace

void add_demo_command(CLI::App& app, Globals& globals) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "run a scripted day of a small shop on a fresh SQLite file (--db), step by step");
  cmd->add_option("--events", args->events,
                  "JSON-lines file for the events (default DB.events.jsonl)");
  cmd->add_flag("--force", args->force, "replace the --db file if it exists");
  cmd->callback([&globals, args] { run_demo(globals, *args); });
}

}  // namespace commerce::cli
