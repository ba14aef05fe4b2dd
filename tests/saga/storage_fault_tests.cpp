// Storage faults: a forwarding storage adapter fails the Nth writing statement of a placement
// and of a cancellation, once or from then on, for every N; after recovery the invariants hold.
#include <atomic>

#include "commerce/error.h"
#include "observed_storage.h"
#include "saga_fixture.h"

namespace commerce::testing {
namespace {

struct WriteFaults {
  std::atomic<bool> armed{false};
  std::atomic<int> writes{0};
  int fail_at = 0;      // 0: never
  bool sticky = false;  // fail every write from fail_at on
};

class FaultyStorage final : public ObservedStorage {
 public:
  FaultyStorage(std::unique_ptr<Storage> target, WriteFaults& faults)
      : ObservedStorage(std::move(target)), faults_(faults) {}

 protected:
  void before_statement(const Sql& sql, bool writes) override {
    if (!writes || !faults_.armed) return;
    const int n = ++faults_.writes;
    if (faults_.fail_at > 0 && (n == faults_.fail_at || (faults_.sticky && n > faults_.fail_at))) {
      throw Error::unavailable(sql.text.substr(0, 40), "injected failure of write #" +
                                                           std::to_string(n));
    }
  }

 private:
  WriteFaults& faults_;
};

class FaultRun {
 public:
  FaultRun(const std::string& location, const std::string& record)
      : location_(location),
        record_(record),
        clock_(std::make_shared<ManualClock>(SagaTest::kStart)) {
    auto store = open_healthy(nullptr);
    coupon_ = SagaTest::seed(*store, *clock_);
  }

  std::unique_ptr<Store> open_healthy(std::shared_ptr<PaymentGateway> gateway) {
    return Store::open(location_, options(std::move(gateway)));
  }
  std::unique_ptr<Store> open_faulty(std::shared_ptr<PaymentGateway> gateway, WriteFaults& f) {
    auto store = Store::open(std::make_unique<FaultyStorage>(open_storage(location_), f),
                             options(std::move(gateway)));
    f.armed = true;
    return store;
  }
  PlaceOrder request() const {
    return {.user_id = "u1",
            .items = {{"a", 2}, {"b", 1}},
            .coupon_id = coupon_,
            .points_to_use = 400,
            .request_id = "place-1"};
  }
  std::shared_ptr<FakeGateway> gateway() { return std::make_shared<FakeGateway>(record_); }
  ManualClock& clock() { return *clock_; }

 private:
  StoreOptions options(std::shared_ptr<PaymentGateway> gateway) const {
    StoreOptions options;
    options.clock = clock_;
    options.gateway = std::move(gateway);
    options.saga = SagaTest::fast_saga();
    return options;
  }

  std::string location_;
  std::string record_;
  std::shared_ptr<ManualClock> clock_;
  std::string coupon_;
};

// Recovers on a healthy store and checks everything; returns the orders' statuses.
void recover_and_check(FaultRun& run, const std::string& label) {
  auto gateway = run.gateway();
  auto store = run.open_healthy(gateway);
  const RecoveryReport report = store->orders().recover();
  EXPECT_TRUE(report.unresolved.empty()) << label << ": " << report.unresolved.front();
  run.clock().advance(2 * store->options().reservation_ttl_ms);
  store->orders().sweep();
  const auto inv = check_invariants(*store, true);
  for (const auto& v : inv.violations) {
    ADD_FAILURE() << label << ": invariant " << v.rule << " broken by " << v.subject << ": "
                  << v.detail;
  }
  SagaTest::expect_money_matches(*store, *gateway);
}

int count_writes(const std::function<void(Store&, FaultRun&)>& setup,
                 const std::function<void(Store&, FaultRun&)>& act, FaultRun run) {
  {
    auto store = run.open_healthy(run.gateway());
    setup(*store, run);
  }
  WriteFaults faults;
  auto store = run.open_faulty(run.gateway(), faults);
  act(*store, run);
  return faults.writes;
}

void fault_matrix(SagaTest& test, const std::string& what,
                  const std::function<std::string()>& fresh, const std::filesystem::path& scratch,
                  const std::function<void(Store&, FaultRun&)>& setup,
                  const std::function<void(Store&, FaultRun&)>& act,
                  const std::function<void(Store&, FaultRun&)>& check_after) {
  int runs = 0;
  const int writes = count_writes(setup, act, FaultRun(fresh(), (scratch / "count.log").string()));
  ASSERT_GT(writes, 5) << what;
  for (bool sticky : {false, true}) {
    for (int n = 1; n <= writes; ++n) {
      const std::string label = what + ": write #" + std::to_string(n) +
                                (sticky ? " and every later one" : " once");
      FaultRun run(fresh(), (scratch / ("fault-" + std::to_string(runs++) + ".log")).string());
      {
        auto store = run.open_healthy(run.gateway());
        setup(*store, run);
      }
      {
        WriteFaults faults;
        faults.fail_at = n;
        faults.sticky = sticky;
        auto store = run.open_faulty(run.gateway(), faults);
        try {
          act(*store, run);
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << label << ": " << e.what();
        }
        EXPECT_GE(faults.writes.load(), n) << label;
      }
      recover_and_check(run, label);
      {
        auto store = run.open_healthy(run.gateway());
        check_after(*store, run);
      }
      if (test.HasFailure()) return;
    }
  }
  std::cout << "[ faults   ] " << what << ": " << writes << " writes, " << runs
            << " fault runs, all recovered\n";
}

TEST_P(SagaTest, StorageFaultsDuringPlacementAreRecovered) {
  store_.reset();
  fault_matrix(
      *this, "placement", GetParam().fresh_location, scratch_, [](Store&, FaultRun&) {},
      [](Store& store, FaultRun& run) { store.orders().place(run.request()); },
      [](Store& store, FaultRun& run) {
        // Retrying the request finds or finishes the one order; never a second one.
        const Order order = store.orders().place(run.request());
        EXPECT_TRUE(order.status == OrderStatus::kConfirmed ||
                    order.status == OrderStatus::kCancelled)
            << to_string(order.status);
        EXPECT_EQ(store.orders().list_for_user("u1").items.size(), 1u);
      });
}

TEST_P(SagaTest, StorageFaultsDuringCancellationAreRecovered) {
  store_.reset();
  fault_matrix(
      *this, "cancellation", GetParam().fresh_location, scratch_,
      [](Store& store, FaultRun& run) {
        ASSERT_EQ(store.orders().place(run.request()).status, OrderStatus::kConfirmed);
      },
      [](Store& store, FaultRun&) {
        const auto id = store.orders().list_for_user("u1").items.at(0).id;
        store.orders().cancel(id, "customer asked", "cancel-1");
      },
      [](Store& store, FaultRun& run) {
        const auto id = store.orders().list_for_user("u1").items.at(0).id;
        EXPECT_EQ(store.orders().cancel(id, "customer asked", "cancel-1").status,
                  OrderStatus::kCancelled);
        auto gateway = run.gateway();
        EXPECT_EQ(gateway->charges_for(id), 1);
        EXPECT_EQ(gateway->refunds_for(id), 1);
        EXPECT_EQ(store.points().balance("u1"), kUserPoints);
        EXPECT_EQ(store.stock().level("a").available, 10);
      });
}

}  // namespace
}  // namespace commerce::testing
