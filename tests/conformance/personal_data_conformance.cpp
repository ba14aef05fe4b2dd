// Shipping addresses and the erasure of personal data (issue 19; commerce/address.h,
// commerce/orders.h, docs/orders.md): an address is validated naming its field, kept on the order
// as a snapshot, never written in clear anywhere else, and erased from finished orders (and
// closed carts) older than a window, the rest of the order kept. The same tests on every adapter.
#include <atomic>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/payments.h"
#include "storage/statements/query.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using statements::Query;

// Personal data the tests look for in every row they read: none of it may be anywhere but on
// the order (or cart) it belongs to, and nowhere once erased.
const std::string kName = "Kim Minji";
const std::string kPhone = "+82 10-1234-5678";
const std::string kStreet = "123 Teheran-ro";

Address home() {
  return {.name = kName,
          .phone = kPhone,
          .line1 = kStreet,
          .line2 = "Apt 1204",
          .city = "Seoul",
          .region = "Gangnam-gu",
          .postal_code = "06236",
          .country = "KR"};
}

Address office() {
  return {.name = "Lee Jun", .line1 = "1 Jong-ro", .city = "Seoul", .postal_code = "03154",
          .country = "KR"};
}

// One stored order row as the table holds it.
struct OrderRow {
  std::string id;
  std::string shipping_address;
  Timestamp personal_data_erased_at = 0;
  std::string status;
  Money total = 0;
};

const Sql kReadOrderRows{
    "SELECT id, shipping_address, personal_data_erased_at, status, total FROM orders ORDER BY id"};
const Sql kReadCartAddresses{"SELECT id, shipping_address FROM carts ORDER BY id"};
// Every text column that could hold a copy of an address: the outbox, the saga log, the
// idempotency records, the audit trail.
const Sql kReadOtherTexts{
    "SELECT payload FROM outbox UNION ALL SELECT detail FROM saga_log UNION ALL "
    "SELECT fingerprint || result FROM requests UNION ALL SELECT reason FROM order_audit"};

class PersonalDataTest {
 public:
  PersonalDataTest(const std::string& location, std::shared_ptr<ManualClock> manual_clock,
                   std::int64_t personal_data_ms = 0)
      : clock(std::move(manual_clock)) {
    StoreOptions options;
    options.clock = clock;
    options.gateway = std::make_shared<FakeGateway>();
    options.retention.personal_data_ms = personal_data_ms;
    store = Store::open(location, options);
    store->catalog().create({.id = "mug", .name = "Mug", .price = 12000, .initial_stock = 100});
    store->catalog().create({.id = "rare", .name = "Rare", .price = 5000, .initial_stock = 1});
  }

  Order place(const std::string& user, std::optional<Address> address,
              const std::string& request_id = {}, std::int64_t qty = 1,
              const std::string& product = "mug") {
    return store->orders().place({.user_id = user,
                                  .items = {{product, qty}},
                                  .request_id = request_id,
                                  .shipping_address = std::move(address)});
  }

  Order delivered(const std::string& user, std::optional<Address> address) {
    const Order o = place(user, std::move(address));
    EXPECT_EQ(o.status, OrderStatus::kConfirmed);
    store->orders().ship(o.id);
    return store->orders().deliver(o.id);
  }

  std::vector<OrderRow> order_rows() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead, [](Transaction& tx) {
      std::vector<OrderRow> rows;
      Query q(tx.session(), kReadOrderRows);
      while (q.step()) rows.push_back({q.text(0), q.text(1), q.int64(2), q.text(3), q.int64(4)});
      return rows;
    });
  }

  OrderRow order_row(const std::string& id) {
    for (OrderRow& row : order_rows()) {
      if (row.id == id) return row;
    }
    ADD_FAILURE() << "no order row " << id;
    return {};
  }

  std::vector<std::pair<std::string, std::string>> cart_addresses() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead, [](Transaction& tx) {
      std::vector<std::pair<std::string, std::string>> rows;
      Query q(tx.session(), kReadCartAddresses);
      while (q.step()) rows.emplace_back(q.text(0), q.text(1));
      return rows;
    });
  }

  // Whether any text of the outbox, saga log, idempotency records or audit trail holds a piece
  // of the personal data.
  bool other_rows_hold_personal_data() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead, [](Transaction& tx) {
      Query q(tx.session(), kReadOtherTexts);
      while (q.step()) {
        const std::string text = q.text(0);
        for (const std::string& piece : {kName, kPhone, kStreet}) {
          if (text.find(piece) != std::string::npos) return true;
        }
      }
      return false;
    });
  }

  std::vector<Event> events(const std::string& type) { return events_of_type(*store, type); }

  std::int64_t outbox_size() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead, [](Transaction& tx) {
      return static_cast<std::int64_t>(tx.read_outbox(0, 100000).size());
    });
  }

  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Store> store;
};

// The order with its personal data left out: what erasure must keep as it was.
Order without_personal_data(Order o) {
  o.shipping_address.reset();
  o.personal_data_erased_at = 0;
  return o;
}

TEST_P(StorageConformance, AnOrdersShippingAddressIsStoredAsASnapshotAndNowhereElse) {
  PersonalDataTest t(location_, clock_);
  const Order placed = t.place("ann", home(), "req-1");
  ASSERT_EQ(placed.status, OrderStatus::kConfirmed);
  EXPECT_EQ(placed.shipping_address, home());
  EXPECT_EQ(placed.personal_data_erased_at, 0);
  EXPECT_EQ(t.store->orders().get(placed.id).shipping_address, home());
  EXPECT_EQ(t.store->orders().list_for_user("ann").items.at(0).shipping_address, home());
  // Orders without one have none.
  const Order plain = t.place("bob", std::nullopt);
  EXPECT_FALSE(t.store->orders().get(plain.id).shipping_address.has_value());
  EXPECT_EQ(t.order_row(plain.id).shipping_address, "");
  // The row holds the address's JSON; events, saga log, audit and the request's record do not.
  const nlohmann::json stored = nlohmann::json::parse(t.order_row(placed.id).shipping_address);
  EXPECT_EQ(stored.at("name"), kName);
  EXPECT_EQ(stored.at("postal_code"), "06236");
  EXPECT_FALSE(t.other_rows_hold_personal_data());
  // Replaying the request returns the order; another address under the same request_id is
  // another request.
  EXPECT_EQ(t.place("ann", home(), "req-1").id, placed.id);
  EXPECT_COMMERCE_ERROR(t.place("ann", office(), "req-1"), ErrorCode::kConflict);
  EXPECT_COMMERCE_ERROR(t.place("ann", std::nullopt, "req-1"), ErrorCode::kConflict);
  EXPECT_FALSE(t.other_rows_hold_personal_data());  // nor does the Conflict's message
}

TEST_P(StorageConformance, ABadAddressFieldIsRefusedNamingTheFieldAndNothingIsWritten) {
  PersonalDataTest t(location_, clock_);
  const Cart cart = t.store->carts().open_for_user("ann");
  const CartKey key = CartKey::for_user(cart.id, "ann");
  const std::int64_t events_before = t.outbox_size();
  struct Case {
    std::string field;
    Address address;
  };
  const auto with = [](auto change) {
    Address a = home();
    change(a);
    return a;
  };
  const std::vector<Case> cases = {
      {"name", with([](Address& a) { a.name.clear(); })},
      {"name", with([](Address& a) { a.name = "   "; })},
      {"name", with([](Address& a) { a.name = std::string(101, 'x'); })},
      {"name", with([](Address& a) { a.name = "Kim\nMinji"; })},
      {"name", with([](Address& a) { a.name = "Kim \xff"; })},
      {"phone", with([](Address& a) { a.phone = "call 010-1234"; })},
      {"phone", with([](Address& a) { a.phone = std::string(33, '1'); })},
      {"phone", with([](Address& a) { a.phone = "+-()"; })},
      {"line1", with([](Address& a) { a.line1.clear(); })},
      {"line1", with([](Address& a) { a.line1 = std::string(201, 'x'); })},
      {"line2", with([](Address& a) { a.line2 = std::string(201, 'x'); })},
      {"line2", with([](Address& a) { a.line2 = "a\tb"; })},
      {"city", with([](Address& a) { a.city.clear(); })},
      {"city", with([](Address& a) { a.city = std::string(101, 'x'); })},
      {"region", with([](Address& a) { a.region = std::string(101, 'x'); })},
      {"postal_code", with([](Address& a) { a.postal_code.clear(); })},
      {"postal_code", with([](Address& a) { a.postal_code = "062#36"; })},
      {"postal_code", with([](Address& a) { a.postal_code = std::string(17, '1'); })},
      {"postal_code", with([](Address& a) { a.postal_code = " - "; })},
      {"country", with([](Address& a) { a.country = "kr"; })},
      {"country", with([](Address& a) { a.country = "KOR"; })},
      {"country", with([](Address& a) { a.country.clear(); })},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    const std::string field = "shipping_address." + c.field;
    try {
      t.place("ann", c.address, "bad-request");
      ADD_FAILURE() << "placed with a bad " << field;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.subject(), field) << e.what();
      // The message names the rule, never the value.
      EXPECT_EQ(std::string(e.what()).find(kName), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find(kPhone), std::string::npos) << e.what();
    }
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->carts().set_shipping_address(key, c.address),
                                    ErrorCode::kInvalidArgument),
              field);
  }
  EXPECT_TRUE(t.order_rows().empty());
  EXPECT_EQ(t.outbox_size(), events_before);
  EXPECT_FALSE(t.store->carts().get(key).shipping_address.has_value());
  EXPECT_EQ(t.store->stock().level("mug").reserved, 0);
  // The request_id was not used up by the refusals.
  EXPECT_EQ(t.place("ann", home(), "bad-request").status, OrderStatus::kConfirmed);
}

TEST_P(StorageConformance, ErasureTakesTheAddressesOfOldFinishedOrdersOnly) {
  PersonalDataTest t(location_, clock_);
  const Order delivered = t.delivered("ann", home());
  const Order cancelled = t.store->orders().cancel(t.place("bob", home()).id);
  const Order failed = t.place("cid", home(), {}, 2, "rare");  // out of stock
  ASSERT_EQ(failed.status, OrderStatus::kFailed);
  const Order confirmed = t.place("dan", home());  // in flight: not erased, however old
  const Order shipped = t.place("eve", home());
  t.store->orders().ship(shipped.id);
  const Order no_address = t.delivered("fay", std::nullopt);
  t.clock->advance(30 * kDay);
  const Order recent = t.delivered("gus", home());  // finished, but within the window
  t.clock->advance(kDay);
  const Timestamp cutoff = t.clock->now() - 10 * kDay;

  std::vector<Order> before;
  for (const Order& o : {delivered, cancelled, failed, confirmed, shipped, no_address, recent}) {
    before.push_back(t.store->orders().get(o.id));
  }
  // Two at a time, oldest first, until less than the limit comes back.
  EXPECT_EQ(t.store->orders().erase_personal_data_before(cutoff, 2), 2);
  EXPECT_EQ(t.store->orders().erase_personal_data_before(cutoff, 2), 1);
  EXPECT_EQ(t.store->orders().erase_personal_data_before(cutoff, 2), 0);

  for (const Order& was : before) {
    SCOPED_TRACE(was.user_id);
    const Order now = t.store->orders().get(was.id);
    const bool erasable = was.id == delivered.id || was.id == cancelled.id || was.id == failed.id;
    if (erasable) {
      EXPECT_FALSE(now.shipping_address.has_value());
      EXPECT_EQ(now.personal_data_erased_at, t.clock->now());
      EXPECT_EQ(t.order_row(was.id).shipping_address, "");
    } else {
      EXPECT_EQ(now.shipping_address, was.shipping_address);
      EXPECT_EQ(now.personal_data_erased_at, 0);
    }
    // Items, amounts, states and timestamps are kept.
    EXPECT_EQ(without_personal_data(now), without_personal_data(was));
    EXPECT_EQ(t.order_row(was.id).total, was.total);
  }
  // One event per erased order, naming the order only.
  const std::vector<Event> erased = t.events("OrderPersonalDataErased");
  ASSERT_EQ(erased.size(), 3u);
  for (const Event& e : erased) {
    EXPECT_EQ(nlohmann::json::parse(e.payload), (nlohmann::json{{"order_id", e.key}}));
    EXPECT_EQ(e.topic, "order-events");
  }
  EXPECT_FALSE(t.other_rows_hold_personal_data());
  const InvariantReport report = check_invariants(*t.store);
  EXPECT_TRUE(report.ok()) << report.violations.at(0).rule << " " << report.violations.at(0).detail;
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->orders().erase_personal_data_before(cutoff, 0),
                                  ErrorCode::kInvalidArgument),
            "limit");
}

TEST_P(StorageConformance, ADataSubjectsOrderIsErasedOnceItIsFinished) {
  PersonalDataTest t(location_, clock_);
  const Order order = t.place("ann", home());
  // In flight: refused, nothing changed.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->orders().erase_personal_data(order.id),
                                  ErrorCode::kFailedPrecondition),
            order.id);
  t.store->orders().ship(order.id);
  EXPECT_COMMERCE_ERROR(t.store->orders().erase_personal_data(order.id),
                        ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t.store->orders().get(order.id).shipping_address, home());
  t.store->orders().deliver(order.id);
  // Finished: erased now, however recent; once.
  const Order erased = t.store->orders().erase_personal_data(order.id);
  EXPECT_FALSE(erased.shipping_address.has_value());
  EXPECT_EQ(erased.personal_data_erased_at, t.clock->now());
  EXPECT_EQ(erased.status, OrderStatus::kDelivered);
  t.clock->advance(1000);
  EXPECT_EQ(t.store->orders().erase_personal_data(order.id), erased);
  EXPECT_EQ(t.events("OrderPersonalDataErased").size(), 1u);
  EXPECT_EQ(t.order_row(order.id).shipping_address, "");
  EXPECT_TRUE(check_invariants(*t.store).ok());
  EXPECT_COMMERCE_ERROR(t.store->orders().erase_personal_data("no-such-order"),
                        ErrorCode::kNotFound);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->orders().erase_personal_data("bad id!"),
                                  ErrorCode::kInvalidArgument),
            "order_id");
}

TEST_P(StorageConformance, APlacementWithAnAddressStillReplaysAfterItsErasure) {
  PersonalDataTest t(location_, clock_);
  const Order order = t.place("ann", home(), "req-erased");
  t.store->orders().cancel(order.id);
  t.store->orders().erase_personal_data(order.id);
  const Order replayed = t.place("ann", home(), "req-erased");
  EXPECT_EQ(replayed.id, order.id);
  EXPECT_FALSE(replayed.shipping_address.has_value());
  EXPECT_EQ(replayed.status, OrderStatus::kCancelled);
  EXPECT_EQ(t.order_rows().size(), 1u);
  EXPECT_COMMERCE_ERROR(t.place("ann", office(), "req-erased"), ErrorCode::kConflict);
  // A request recorded without an address keeps its fingerprint: it replays as before.
  const Order plain = t.place("bob", std::nullopt, "req-plain");
  EXPECT_EQ(t.place("bob", std::nullopt, "req-plain").id, plain.id);
}

TEST_P(StorageConformance, ACartsAddressGoesToItsOrderUnlessTheCheckoutNamesAnother) {
  PersonalDataTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const Cart cart = carts.open_for_user("ann");
  const CartKey key = CartKey::for_user(cart.id, "ann");
  carts.add(key, "mug", 1);
  const Cart with_address = carts.set_shipping_address(key, home());
  EXPECT_EQ(with_address.shipping_address, home());
  EXPECT_EQ(with_address.lines.size(), 1u);
  EXPECT_EQ(carts.get(key).shipping_address, home());
  EXPECT_FALSE(carts.set_shipping_address(key, std::nullopt).shipping_address.has_value());
  carts.set_shipping_address(key, home());
  const Order order = carts.checkout(key, {});
  EXPECT_EQ(order.shipping_address, home());
  EXPECT_EQ(t.store->orders().get(order.id).shipping_address, home());
  // A closed cart's address cannot change.
  EXPECT_COMMERCE_ERROR(carts.set_shipping_address(key, office()),
                        ErrorCode::kFailedPrecondition);

  // The checkout's own address wins over the cart's.
  const Cart other = carts.open_for_user("ann");
  const CartKey other_key = CartKey::for_user(other.id, "ann");
  carts.add(other_key, "mug", 1);
  carts.set_shipping_address(other_key, home());
  EXPECT_EQ(carts.checkout(other_key, {.shipping_address = office()}).shipping_address, office());

  // A guest's address follows the guest's lines into the user's cart at sign-in.
  const GuestCart guest = carts.open_guest();
  const CartKey guest_key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  carts.add(guest_key, "mug", 1);
  carts.set_shipping_address(guest_key, office());
  EXPECT_EQ(carts.sign_in(guest.guest_token, "bob").shipping_address, office());
  EXPECT_FALSE(t.other_rows_hold_personal_data());
}

TEST_P(StorageConformance, CompactionErasesOldOrdersAndClosedCartsPerTheRetentionWindow) {
  PersonalDataTest t(location_, clock_, 30 * kDay);
  Carts& carts = t.store->carts();
  const Cart cart = carts.open_for_user("ann");
  const CartKey key = CartKey::for_user(cart.id, "ann");
  carts.add(key, "mug", 1);
  carts.set_shipping_address(key, home());
  const Order from_cart = carts.checkout(key, {});
  t.store->orders().ship(from_cart.id);
  t.store->orders().deliver(from_cart.id);
  const Cart open = carts.open_for_user("bob");  // open: kept, however old
  const CartKey open_key = CartKey::for_user(open.id, "bob");
  carts.set_shipping_address(open_key, office());
  const Order in_flight = t.place("cid", home());
  t.clock->advance(31 * kDay);
  const Order recent = t.delivered("dan", home());

  const CompactionReport report = t.store->compact();
  EXPECT_EQ(report.orders_erased, 1);
  EXPECT_EQ(report.carts_erased, 1);
  EXPECT_FALSE(t.store->orders().get(from_cart.id).shipping_address.has_value());
  EXPECT_EQ(t.store->orders().get(in_flight.id).shipping_address, home());
  EXPECT_EQ(t.store->orders().get(recent.id).shipping_address, home());
  EXPECT_FALSE(carts.get(key).shipping_address.has_value());
  EXPECT_EQ(carts.get(open_key).shipping_address, office());
  for (const auto& [id, address] : t.cart_addresses()) {
    EXPECT_EQ(address.empty(), id == cart.id) << id;
  }
  EXPECT_TRUE(check_invariants(*t.store).ok());
  const CompactionReport again = t.store->compact();
  EXPECT_EQ(again.orders_erased, 0);
  EXPECT_EQ(again.carts_erased, 0);
}

// Erasures racing from several threads, each with a Store of its own (another process's view),
// in batches and order by order: every order is erased once and announced once.
TEST_P(StorageConformance, ConcurrentErasuresEraseAndAnnounceEachOrderOnce) {
  PersonalDataTest t(location_, clock_);
  constexpr int kOrders = 24, kThreads = 4;
  std::vector<std::string> ids;
  for (int i = 0; i < kOrders; ++i) ids.push_back(t.delivered("u" + std::to_string(i), home()).id);
  clock_->advance(kDay);
  const Timestamp cutoff = clock_->now();
  std::atomic<int> erased{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const auto store = open_again();
      start.arrive_and_wait();
      if (i % 2 == 0) {
        while (const int n = store->orders().erase_personal_data_before(cutoff, 3)) erased += n;
      } else {
        for (const std::string& id : ids) store->orders().erase_personal_data(id);
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::vector<Event> events = t.events("OrderPersonalDataErased");
  EXPECT_EQ(events.size(), static_cast<std::size_t>(kOrders));
  std::set<std::string> announced;
  for (const Event& e : events) announced.insert(e.key);
  EXPECT_EQ(announced, std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_LE(erased.load(), kOrders);
  for (const OrderRow& row : t.order_rows()) {
    EXPECT_EQ(row.shipping_address, "") << row.id;
    EXPECT_NE(row.personal_data_erased_at, 0) << row.id;
  }
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, AnErasedOrderHoldingAnAddressFailsTheCheck) {
  PersonalDataTest t(location_, clock_);
  const Order order = t.delivered("ann", home());
  // What a broken erasure would leave: the mark without the address removed.
  run_unit(detail::storage_of(*t.store), Storage::Access::kWrite, [&](Transaction& tx) {
    static const Sql kMarkErased{"UPDATE orders SET personal_data_erased_at = 5 WHERE id = ?1"};
    Query q(tx.session(), kMarkErased);
    q.bind(1, order.id).run();
  });
  const InvariantReport report = check_invariants(*t.store);
  ASSERT_EQ(report.violations.size(), 1u);
  EXPECT_EQ(report.violations[0].rule, "order.personal_data");
  EXPECT_EQ(report.violations[0].subject, order.id);
  EXPECT_EQ(report.violations[0].detail.find(kName), std::string::npos);
}

}  // namespace
}  // namespace commerce::testing
