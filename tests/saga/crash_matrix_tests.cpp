// The crash matrix: every saga boundary (each step's transaction from inside and after it, before
// and after every gateway call, inside every compensation) on the success path and on each failure
// path, and every move of a shipment around its carrier calls. For each boundary a forked child
// runs the scenario and dies there (SIGKILL, or _exit); the parent reopens the database, runs
// recover() and checks the invariants of SPEC.md plus the fake gateway's durable record of
// charges. The boundaries are the saga's fault points (src/domain/saga/fault_points.h): the
// scenarios together must pass every one of them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <set>
#include <vector>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "domain/saga/fault_points.h"
#include "saga_fixture.h"

namespace commerce::testing {
namespace {

using detail::FaultPoint;
using Op = FakeGateway::Operation;
using B = FakeGateway::Behaviour;

// A remote service's saga step whose state is a file of "execute KEY" / "compensate KEY" lines,
// so it outlives the killed child as a real service would. Idempotent per key.
class FileRemoteStep final : public SagaStep {
 public:
  FileRemoteStep(std::string name, std::string path, bool refuse)
      : name_(std::move(name)), path_(std::move(path)), refuse_(refuse) {}
  std::string name() const override { return name_; }
  void execute(const SagaStepContext& ctx) override {
    if (refuse_) {
      throw Error::failed_precondition(Reason::kNone, name_, name_ + " refused the order");
    }
    append("execute " + ctx.idempotency_key);
  }
  void compensate(const SagaStepContext& ctx) override {
    append("compensate " + ctx.idempotency_key);
  }
  // Whether the service holds something for `key` (its last word on the key was execute).
  static bool holds(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string op, k;
    bool held = false;
    while (in >> op >> k) {
      if (k == key) held = op == "execute";
    }
    return held;
  }

 private:
  void append(const std::string& line) {
    std::ofstream out(path_, std::ios::app);
    out << line << "\n";
    out.flush();
    if (!out) throw Error::unavailable(name_, "cannot write " + path_);
  }
  std::string name_, path_;
  bool refuse_;
};

struct Scenario {
  std::string name;
  std::function<void(FakeGateway&)> script;  // the gateway's behaviour in the child
  std::function<void(Store&, FakeGateway&, ManualClock&, const std::string& coupon)> act;
  // Host steps (given the remote service's state file), or empty.
  std::function<void(SagaOptions&, const std::string& remote)> configure = {};
};

void remote_stock(SagaOptions& saga, const std::string& remote) {
  saga.stock_step = std::make_shared<FileRemoteStep>("remote-stock", remote, false);
}

void place_full(Store& store, const std::string& coupon) {
  store.orders().place({.user_id = "u1",
                        .items = {{"a", 2}, {"b", 1}},
                        .coupon_id = coupon,
                        .points_to_use = 400,
                        .request_id = "place-1"});
}

// Ships place_full()'s order whole by the fake carrier and records its delivery; its id.
std::string deliver_placed(Store& s, ManualClock& clock) {
  const auto id = s.orders().list_for_user("u1").items.at(0).id;
  const Shipment all = s.shipments().create(
      {.order_id = id, .location_id = "default", .carrier = "fake", .request_id = "ship-1"});
  s.shipments().dispatch(all.id);
  s.shipments().track({.shipment_id = all.id,
                       .event = {.status = ShipmentStatus::kDelivered, .occurred_at = clock.now()}});
  return id;
}

std::vector<Scenario> scenarios() {
  auto none = [](FakeGateway&) {};
  return {
      {"success", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) { place_full(s, c); }},
      {"stock_fails", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         s.orders().place({.user_id = "u1", .items = {{"a", 11}}, .coupon_id = c,
                           .points_to_use = 100});
       }},
      {"points_fail", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string&) {
         s.orders().place({.user_id = "u1", .items = {{"a", 5}}, .points_to_use = 4000});
       }},
      {"required_coupon_fails", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string&) {
         const std::string revoked = s.coupons().issue("OFF", "u1").id;
         s.coupons().revoke(revoked);
         s.orders().place({.user_id = "u1", .items = {{"a", 2}}, .coupon_id = revoked,
                           .coupon_required = true, .points_to_use = 300});
       }},
      {"payment_declined", [](FakeGateway& g) { g.script(Op::kCharge, {{B::kDecline}}); },
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) { place_full(s, c); }},
      {"payment_unknown_charged",
       [](FakeGateway& g) { g.script(Op::kCharge, {{B::kTimeout}, {B::kTimeout}}); },
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) { place_full(s, c); }},
      {"payment_unknown_not_received",
       [](FakeGateway& g) { g.script(Op::kCharge, {{B::kFail}, {B::kFail}}); },
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) { place_full(s, c); }},
      {"cancel_after_payment", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         s.orders().cancel(id, "customer asked", "cancel-1");
       }},
      // Product a split over two locations (1 unit left at "default", the rest at "north"):
      // the order's line takes one from each, is paid, then cancelled and restocked per row.
      {"split_across_locations_then_cancel", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         s.locations().create({.id = "north", .name = "North", .priority = 1});
         s.stock().transfer("a", "default", "north", s.stock().level("a").available - 1,
                            "split");
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         if (s.stock().reservations(id).size() != 3) throw std::runtime_error("line a not split");
         s.orders().cancel(id, "customer asked", "cancel-1");
       }},
      // A cart holds its stock, then checks out: the order takes the hold over and closes the
      // cart in the unit that creates it (Carts::checkout); a second checkout finds its order.
      {"held_cart_checkout", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         const CartKey key = CartKey::for_user(s.carts().open_for_user("u1").id, "u1");
         s.carts().add(key, "a", 2);
         s.carts().add(key, "b", 1);
         s.carts().hold(key);
         const Order order = s.carts().checkout(key, {.coupon_id = c, .points_to_use = 400});
         if (s.carts().checkout(key, {}).id != order.id) {
           throw std::runtime_error("a second checkout placed another order");
         }
       }},
      {"pending_then_callback", [](FakeGateway& g) { g.script(Op::kCharge, {{B::kPending}}); },
       [](Store& s, FakeGateway& g, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         g.settle(id + ":payment", true);
         s.orders().complete_payment(id, true);
       }},
      {"pending_then_sweep", [](FakeGateway& g) { g.script(Op::kCharge, {{B::kPending}}); },
       [](Store& s, FakeGateway&, ManualClock& clock, const std::string& c) {
         place_full(s, c);
         clock.advance(s.options().reservation_ttl_ms + 1);
         s.orders().sweep();
       }},
      {"pending_then_reservation_expires",
       [](FakeGateway& g) { g.script(Op::kCharge, {{B::kPending}}); },
       [](Store& s, FakeGateway& g, ManualClock& clock, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         clock.advance(s.options().reservation_ttl_ms + 1);
         s.stock().release_expired();
         g.settle(id + ":payment", true);
         s.orders().complete_payment(id, true);
       }},
      {"zero_total", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string&) {
         s.orders().place({.user_id = "u1", .items = {{"b", 2}}, .points_to_use = 1000});
       }},
      {"host_step_refuses", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) { place_full(s, c); },
       [](SagaOptions& saga, const std::string& remote) {
         remote_stock(saga, remote);
         saga.extra_steps = {std::make_shared<FileRemoteStep>("fraud-check", remote, true)};
       }},
      {"host_stock_then_cancel", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         s.orders().cancel(id, "customer asked", "cancel-1");
       },
       remote_stock},
      // Shipments (issue 19): one shipment labelled by the carrier and picked up, a second one
      // labelled and then cancelled at the carrier.
      {"ship_and_cancel_a_shipment", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         const Shipment first = s.shipments().create({.order_id = id,
                                                      .location_id = "default",
                                                      .items = {{"a", 1}},
                                                      .carrier = "fake",
                                                      .request_id = "ship-1"});
         s.shipments().dispatch(first.id);
         const Shipment second = s.shipments().create(
             {.order_id = id, .location_id = "default", .carrier = "fake", .request_id = "ship-2"});
         s.shipments().cancel(second.id, "wrong box");
       }},
      // Partial refunds (issue 20): two refunds of the paid order, the second one's first reply
      // lost after the gateway applied it (its retry, with the same key, must not refund again).
      {"partial_refunds",
       [](FakeGateway& g) { g.script(Op::kRefund, {{B::kApprove}, {B::kTimeout}}); },
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         s.orders().refund(id, 100, "dented", "refund-1");
         s.orders().refund(id, 200, "late", "refund-2");
       }},
      // A partly refunded order cancelled: only what remained is refunded, once.
      {"partial_refund_then_cancel", none,
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         s.orders().refund(id, 100, "dented", "refund-1");
         s.orders().cancel(id, "customer asked", "cancel-1");
       }},
      // Partial cancellation (issue 20): one mug ships, the other and the cup are cancelled in
      // two steps (the second refund's first reply lost after the gateway applied it).
      {"cancel_some_units",
       [](FakeGateway& g) { g.script(Op::kRefund, {{B::kApprove}, {B::kTimeout}}); },
       [](Store& s, FakeGateway&, ManualClock&, const std::string& c) {
         place_full(s, c);
         const auto id = s.orders().list_for_user("u1").items.at(0).id;
         s.shipments().dispatch(s.shipments()
                                    .create({.order_id = id,
                                             .location_id = "default",
                                             .items = {{"a", 1}},
                                             .carrier = "fake",
                                             .request_id = "ship-1"})
                                    .id);
         s.orders().cancel_items(id, {{"a", 1}}, "changed mind", "cancel-items-1");
         s.orders().cancel_items(id, {{"b", 1}}, "changed mind", "cancel-items-2");
       }},
      // Returns (issue 20): the order delivered, two mugs returned (one restocked, one written
      // off), then the cup: every unit back, the coupon and shipping with the last.
      {"return_units", none,
       [](Store& s, FakeGateway&, ManualClock& clock, const std::string& c) {
         place_full(s, c);
         const auto id = deliver_placed(s, clock);
         Returns& returns = s.returns();
         const Return mugs = returns.request(
             {.order_id = id, .items = {{"a", 2}}, .reason = "chipped", .request_id = "return-1"});
         returns.approve(mugs.id);
         returns.receive(mugs.id, {{"a", 1, 1, "default"}}, "receive-1");
         const Return cup = returns.request(
             {.order_id = id, .items = {{"b", 1}}, .reason = "too small", .request_id = "return-2"});
         returns.approve(cup.id);
         returns.receive(cup.id, {{"b", 1, 0, "default"}}, "receive-2");
       }},
      // Two exchanges: a mug for two cups (credit 400 of 1000: the difference charged through
      // the gateway) and the last mug and cup for a 100 spoon (the rest refunded).
      {"exchange_units", none,
       [](Store& s, FakeGateway&, ManualClock& clock, const std::string& c) {
         s.catalog().create({.id = "c", .name = "Spoon", .price = 100, .initial_stock = 5});
         place_full(s, c);
         const auto id = deliver_placed(s, clock);
         Returns& returns = s.returns();
         const Return mug = returns.request({.order_id = id,
                                             .items = {{"a", 1}},
                                             .reason = "too small",
                                             .replacement = {{"b", 2}},
                                             .request_id = "return-1"});
         returns.approve(mug.id);
         returns.receive(mug.id, {{"a", 1, 0, "default"}});
         const Return rest = returns.request({.order_id = id,
                                              .items = {{"a", 1}, {"b", 1}},
                                              .reason = "changed mind",
                                              .replacement = {{"c", 1}},
                                              .request_id = "return-2"});
         returns.approve(rest.id);
         returns.receive(rest.id, {{"a", 1, 0, "default"}, {"b", 0, 1, "default"}});
       }},
  };
}

class CrashMatrix {
 public:
  CrashMatrix(std::function<std::string()> fresh, std::filesystem::path scratch)
      : fresh_(std::move(fresh)), scratch_(std::move(scratch)) {}

  // The boundaries the scenario passes when nothing crashes.
  std::vector<FaultPoint> boundaries(const Scenario& scenario) {
    std::vector<FaultPoint> seen;
    Run run = prepare();
    auto gateway = std::make_shared<FakeGateway>(run.record);
    scenario.script(*gateway);
    auto store = Store::open(run.location, options(run, gateway, saga_for(scenario, run)));
    set_fault_hook(*store, [&](FaultPoint point) { seen.push_back(point); });
    scenario.act(*store, *gateway, *run.clock, run.coupon);
    return seen;
  }

  // Kills a child at boundary `crash_at`, then recovers and checks.
  void crash_and_recover(const Scenario& scenario, std::size_t crash_at, bool sigkill,
                         const std::string& label) {
    Run run = prepare();
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) child(scenario, run, crash_at, sigkill);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    if (sigkill) {
      ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << label << " status " << status;
    } else {
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 77) << label << " status " << status;
    }
    auto gateway = std::make_shared<FakeGateway>(run.record);
    auto store = Store::open(run.location, options(run, gateway, saga_for(scenario, run)));
    RecoveryReport report = store->orders().recover();
    EXPECT_TRUE(report.unresolved.empty()) << label << ": " << report.unresolved.front();
    const ShipmentReport shipped = store->shipments().recover();
    EXPECT_TRUE(shipped.unresolved.empty()) << label << ": " << shipped.unresolved.front();
    // Unpaid orders end by the sweep (the buyer never paid).
    run.clock->advance(2 * store->options().reservation_ttl_ms);
    store->orders().sweep();
    const auto inv = check_invariants(*store, true);
    for (const auto& v : inv.violations) {
      ADD_FAILURE() << label << ": invariant " << v.rule << " broken by " << v.subject << ": "
                    << v.detail;
    }
    SagaTest::expect_money_matches(*store, *gateway);
    FakeCarrier carrier(run.carrier_record);
    for (const auto& order : store->orders().list_for_user("u1", {}, 100).items) {
      expect_carrier_matches(*store, carrier, order.id, label);
      EXPECT_TRUE(order.status == OrderStatus::kConfirmed ||
                  order.status == OrderStatus::kShipped ||
                  order.status == OrderStatus::kDelivered ||
                  order.status == OrderStatus::kFailed ||
                  order.status == OrderStatus::kCancelled)
          << label << ": order left " << to_string(order.status);
      if (scenario.configure) {  // the remote service holds stock exactly for confirmed orders
        EXPECT_EQ(FileRemoteStep::holds(run.remote, order.id + ":remote-stock"),
                  order.status == OrderStatus::kConfirmed)
            << label << ": remote stock of " << to_string(order.status) << " order";
      }
    }
  }

 private:
  // Every shipment the carrier holds is a live shipment of the order with its tracking number,
  // and every live carrier shipment is held once: none lost, none made twice, none left
  // requested or cancelling.
  static void expect_carrier_matches(Store& store, FakeCarrier& carrier,
                                     const std::string& order_id, const std::string& label) {
    int live = 0;
    for (const auto& s : store.shipments().for_order(order_id)) {
      EXPECT_NE(s.status, ShipmentStatus::kRequested) << label;
      EXPECT_NE(s.status, ShipmentStatus::kCancelling) << label;
      if (s.status == ShipmentStatus::kCancelled) continue;
      ++live;
      EXPECT_EQ(s.tracking_number, carrier.tracking_number_of(s.id)) << label;
    }
    EXPECT_EQ(carrier.created_for(order_id) - carrier.cancelled_for(order_id), live) << label;
  }

  struct Run {
    std::string location;
    std::string record;
    std::string carrier_record;
    std::shared_ptr<ManualClock> clock;
    std::string coupon;
    std::string remote;  // the remote service's state file
  };

  static SagaOptions saga_for(const Scenario& scenario, const Run& run) {
    SagaOptions saga = SagaTest::fast_saga();
    if (scenario.configure) scenario.configure(saga, run.remote);
    return saga;
  }

  // A store seeded on a fresh database, closed again.
  Run prepare() {
    const std::string n = std::to_string(runs_++);
    Run run{fresh_(), (scratch_ / ("gateway-" + n + ".log")).string(),
            (scratch_ / ("carrier-" + n + ".log")).string(),
            std::make_shared<ManualClock>(SagaTest::kStart), {},
            (scratch_ / ("remote-" + n + ".log")).string()};
    auto store = Store::open(run.location, options(run, nullptr, SagaTest::fast_saga()));
    run.coupon = SagaTest::seed(*store, *run.clock);
    return run;
  }

  StoreOptions options(const Run& run, std::shared_ptr<PaymentGateway> gateway,
                       SagaOptions saga) const {
    StoreOptions options;
    options.clock = run.clock;
    options.gateway = std::move(gateway);
    options.saga = std::move(saga);
    options.carriers = {{"fake", std::make_shared<FakeCarrier>(run.carrier_record)}};
    return options;
  }

  [[noreturn]] void child(const Scenario& scenario, const Run& run, std::size_t crash_at,
                          bool sigkill) {
    try {
      std::size_t count = 0;
      auto gateway = std::make_shared<FakeGateway>(run.record);
      scenario.script(*gateway);
      auto store = Store::open(run.location, options(run, gateway, saga_for(scenario, run)));
      set_fault_hook(*store, [&](FaultPoint) {
        if (count++ != crash_at) return;
        if (sigkill) ::kill(::getpid(), SIGKILL);
        ::_exit(77);
      });
      scenario.act(*store, *gateway, *run.clock, run.coupon);
    } catch (const std::exception& e) {
      std::cerr << "child: " << e.what() << "\n";
      ::_exit(3);
    }
    ::_exit(0);  // did not reach the crash point
  }

  std::function<std::string()> fresh_;
  std::filesystem::path scratch_;
  int runs_ = 0;
};

// The ways the child dies at boundary i: SIGKILL and _exit, or, with
// COMMERCE_CRASH_MATRIX_ONE_KILL set (the ASan stage of scripts/test.sh), one of the two in turn.
// The recovery sees the same files either way; under ASan each crash run costs four to five
// times as much, and the release and PostgreSQL stages still kill both ways at every boundary.
std::vector<bool> kills_at(std::size_t i) {
  static const bool one_kill = std::getenv("COMMERCE_CRASH_MATRIX_ONE_KILL") != nullptr;
  if (one_kill) return {i % 2 == 0};
  return {true, false};
}

// Crashes every scenario of the matrix whose index is `half` modulo 2 at each of its boundaries
// (see kills_at), and checks the recovery. The matrix runs as two halves, so that ctest runs
// them side by side (on PostgreSQL the whole matrix took 166 s of a 271 s stage).
void crash_half_of_the_matrix(const std::function<std::string()>& fresh,
                              const std::filesystem::path& scratch, std::size_t half) {
  CrashMatrix matrix(fresh, scratch);
  std::size_t points = 0, runs = 0;
  const auto all = scenarios();
  for (std::size_t s = half; s < all.size(); s += 2) {
    const auto& scenario = all[s];
    const auto boundaries = matrix.boundaries(scenario);
    ASSERT_FALSE(boundaries.empty()) << scenario.name;
    for (std::size_t i = 0; i < boundaries.size(); ++i) {
      for (bool sigkill : kills_at(i)) {
        const std::string label = scenario.name + " @" + std::to_string(i) + " " +
                                  std::string(detail::name_of(boundaries[i])) +
                                  (sigkill ? " (SIGKILL)" : " (_exit)");
        matrix.crash_and_recover(scenario, i, sigkill, label);
        ++runs;
        if (::testing::Test::HasFailure()) {
          std::cerr << "crash matrix failed at " << label << "\n";
          return;
        }
      }
    }
    points += boundaries.size();
    std::cout << "[ crash    ] " << scenario.name << ": " << boundaries.size()
              << " crash points\n";
  }
  std::cout << "[ crash    ] crash matrix, half " << half << ": " << points << " crash points, "
            << runs << " crash runs, all recovered\n";
  ::testing::Test::RecordProperty("crash_points", static_cast<int>(points));
  ::testing::Test::RecordProperty("crash_runs", static_cast<int>(runs));
}

TEST_P(SagaTest, CrashMatrixRecoversEveryBoundaryOfTheFirstHalf) {
  store_.reset();
  crash_half_of_the_matrix(GetParam().fresh_location, scratch_, 0);
}

TEST_P(SagaTest, CrashMatrixRecoversEveryBoundaryOfTheSecondHalf) {
  store_.reset();
  crash_half_of_the_matrix(GetParam().fresh_location, scratch_, 1);
}

// Every fault point is a boundary of some scenario: the two halves together crash at each.
TEST_P(SagaTest, CrashMatrixCoversEveryFaultPoint) {
  store_.reset();
  CrashMatrix matrix(GetParam().fresh_location, scratch_);
  std::set<FaultPoint> crashed_at;
  for (const auto& scenario : scenarios()) {
    const auto boundaries = matrix.boundaries(scenario);
    crashed_at.insert(boundaries.begin(), boundaries.end());
  }
  for (FaultPoint point : detail::kFaultPoints) {
    EXPECT_TRUE(crashed_at.count(point))
        << "no scenario passes fault point " << detail::name_of(point)
        << ": the crash matrix does not cover it";
  }
}

}  // namespace
}  // namespace commerce::testing
