// The outbox relay: ordered delivery, acknowledgement before marking, retries with backoff,
// dead letters without blocking other keys, retrying dead letters, figures, the lease, and
// crashes (fork + SIGKILL) between a commit and the relay and in the middle of a relay batch.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <span>

#include <nlohmann/json.hpp>

#include "commerce/outbox_relay.h"
#include "events_test_support.h"
#include "events/relay_access.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {
namespace {

using events_test::kStart;

// The delivered rows, counted exactly (RelayStats does not count them: it reads positions).
std::int64_t delivered_rows(Store& store) {
  return store.run_unit([](Unit& unit) { return unit.events().counts(); }).delivered;
}

// A sink that fails chosen events: `failures_left[seq]` more times for a seq (-1: always).
class FlakySink final : public EventSinkBase {
 public:
  std::string name() const override { return "flaky"; }
  std::map<std::int64_t, int> failures_left;
  std::vector<Event> accepted;
  int attempts = 0;

 protected:
  void write(const Event& e) override {
    ++attempts;
    auto it = failures_left.find(e.seq);
    if (it != failures_left.end() && it->second != 0) {
      if (it->second > 0) --it->second;
      throw std::runtime_error("refused seq " + std::to_string(e.seq));
    }
    accepted.push_back(e);
  }
};

// A sink that acknowledges asynchronously, as Kafka does: begin_publish() takes the batch and
// its outcome is settled only in wait(), so the relay keeps a batch in flight while it claims
// the next one. `failures_left[seq]`: more failures for a seq (-1: always).
class AsyncSink final : public EventSink {
 public:
  std::string name() const override { return "async"; }
  std::vector<Ack> publish(std::span<const Event> batch) override {
    return begin_publish(batch)->wait();
  }
  std::unique_ptr<PendingPublish> begin_publish(std::span<const Event> batch) override {
    const int now = ++in_flight;
    int seen = max_in_flight;
    while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {
    }
    if (std::this_thread::get_id() != creator) ++begun_elsewhere;
    ++begun_total;
    return std::make_unique<Pending>(*this, batch);
  }
  bool publishes_in_background() const override { return background; }

  std::map<std::int64_t, int> failures_left;  // read in wait() only
  std::atomic<int> in_flight = 0;
  std::atomic<int> max_in_flight = 0;
  // true (default): the relay calls begin_publish() from its publisher thread, as for Kafka.
  bool background = true;
  std::thread::id creator = std::this_thread::get_id();
  std::atomic<int> begun_elsewhere = 0;  // begin_publish() calls from another thread
  std::atomic<int> begun_total = 0;
  // In the background, the first wait() holds (up to 5 s) until a second batch was begun: the
  // relay claims ahead at once, but the publisher thread may lag behind on a loaded machine.
  std::atomic<bool> held = false;
  std::vector<Event> accepted;           // acknowledged events, in wait() order
  // true: done() says the outcome is known at once (as Kafka's, once its reports are in), so the
  // relay records a batch as soon as it comes round to it.
  bool settled_at_once = false;
  // Called once, in the first wait().
  std::function<void()> on_first_wait;

 private:
  class Pending final : public PendingPublish {
   public:
    Pending(AsyncSink& sink, std::span<const Event> batch) : sink_(sink), batch_(batch) {}
    bool done() const override { return sink_.settled_at_once; }
    std::vector<Ack> wait() override {
      if (auto hook = std::exchange(sink_.on_first_wait, nullptr)) hook();
      if (sink_.background && !sink_.held.exchange(true)) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (sink_.begun_total < 2 && std::chrono::steady_clock::now() < until) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
      --sink_.in_flight;
      std::vector<Ack> acks;
      std::set<std::string> failed;
      for (const auto& e : batch_) {
        auto it = sink_.failures_left.find(e.seq);
        if (failed.contains(e.key)) {
          acks.push_back({AckStatus::kNotAttempted, "behind a failed event"});
        } else if (it != sink_.failures_left.end() && it->second != 0) {
          if (it->second > 0) --it->second;
          failed.insert(e.key);
          acks.push_back({AckStatus::kFailed, "refused seq " + std::to_string(e.seq)});
        } else {
          acks.push_back({AckStatus::kAcked, {}});
          sink_.accepted.push_back(e);
        }
      }
      return acks;
    }

   private:
    AsyncSink& sink_;
    std::span<const Event> batch_;
  };
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = events_test::fresh_db_path();
    clock_ = std::make_shared<ManualClock>(kStart);
    store_ = events_test::open_store(path_, clock_);
  }

  // Writes `n` events for each of `keys` (one StockAdjusted per restock), interleaved by key.
  void make_events(const std::vector<std::string>& keys, int n) {
    for (const auto& key : keys) store_->catalog().create({.id = key, .name = key, .price = 1});
    for (int i = 0; i < n; ++i) {
      for (const auto& key : keys) store_->stock().adjust(key, 1, "restock");
    }
  }

  std::vector<Event> outbox() { return events_test::outbox_after(commerce::detail::storage_of(*store_)); }

  // Drains until nothing is pending; every retry comes due while the first batch of the first
  // drain waits for its acknowledgements (later batches in flight behind it).
  void drain_with_retries_due_mid_flight(AsyncSink& sink, OutboxRelay& relay) {
    sink.on_first_wait = [&] { clock_->advance(1000); };
    for (int round = 0; round < 5 && relay.stats().pending > 0; ++round) relay.drain();
    EXPECT_EQ(relay.stats().pending, 0);
  }

  static RelayOptions options(int max_attempts = 5, int batch = 100) {
    RelayOptions o;
    o.max_attempts = max_attempts;
    o.batch_size = batch;
    o.backoff_initial_ms = 100;
    o.backoff_max_ms = 400;
    o.owner = "relay-test";
    return o;
  }

  // Per key, the seqs in the order the sink accepted them.
  static std::map<std::string, std::vector<std::int64_t>> by_key(const std::vector<Event>& events) {
    std::map<std::string, std::vector<std::int64_t>> out;
    for (const auto& e : events) out[e.key].push_back(e.seq);
    return out;
  }

  std::string path_;
  std::shared_ptr<ManualClock> clock_;
  std::unique_ptr<Store> store_;
};

TEST_F(RelayTest, DeliversEveryEventInOutboxOrderAndMarksIt) {
  make_events({"sku-a", "sku-b", "sku-c"}, 4);
  const auto written = outbox();
  MemorySink sink;
  OutboxRelay relay(*store_, sink, options(5, 4));
  const auto stats_before = relay.stats();
  EXPECT_EQ(stats_before.pending, static_cast<std::int64_t>(written.size()));
  EXPECT_EQ(stats_before.oldest_pending_at, kStart);
  clock_->advance(2500);
  EXPECT_EQ(relay.stats().oldest_pending_age_ms, 2500);

  const auto total = relay.drain();
  EXPECT_TRUE(total.leader);
  EXPECT_EQ(total.delivered, static_cast<int>(written.size()));
  const auto got = sink.events();
  ASSERT_EQ(got.size(), written.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, written[i].id);
    EXPECT_EQ(got[i].seq, written[i].seq);
    EXPECT_EQ(got[i].payload, written[i].payload);
  }
  const auto stats = relay.stats();
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));
  EXPECT_EQ(stats.dead_letters, 0);
  EXPECT_EQ(stats.oldest_pending_age_ms, 0);
  EXPECT_EQ(stats.lag_seqs, 0);
  EXPECT_EQ(stats.last_seq, written.back().seq);
  EXPECT_EQ(stats.delivered_through_seq, written.back().seq);
  EXPECT_FALSE(relay.run_once().progressed());
  EXPECT_EQ(sink.size(), written.size());

  // New events flow on the next drain, and only they.
  store_->stock().adjust("sku-a", 1, "late");
  EXPECT_EQ(relay.drain().delivered, 1);
  EXPECT_EQ(sink.events().back().seq, outbox().back().seq);
}

TEST_F(RelayTest, ASinkThatFailsThenRecoversDeliversEverythingInKeyOrder) {
  make_events({"sku-a", "sku-b"}, 5);
  const auto written = outbox();
  FlakySink sink;
  // Every event of sku-a fails twice; the second sku-b event fails three times.
  std::vector<std::int64_t> b_seqs;
  for (const auto& e : written) {
    if (e.key == "sku-a") sink.failures_left[e.seq] = 2;
    if (e.key == "sku-b") b_seqs.push_back(e.seq);
  }
  sink.failures_left[b_seqs[1]] = 3;
  OutboxRelay relay(*store_, sink, options(10, 3));

  auto first = relay.drain();
  EXPECT_GT(first.failed, 0);
  // Backing off: nothing of the failed keys is published again until the clock moves.
  const int attempts = sink.attempts;
  relay.drain();
  EXPECT_EQ(sink.attempts, attempts);
  EXPECT_GT(relay.stats().pending, 0);

  for (int round = 0; round < 100 && relay.stats().pending > 0; ++round) {
    clock_->advance(400);
    relay.drain();
  }
  const auto stats = relay.stats();
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(stats.dead_letters, 0);
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));
  ASSERT_EQ(sink.accepted.size(), written.size());  // each accepted exactly once
  for (const auto& [key, seqs] : by_key(sink.accepted)) {
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << key;
  }
  EXPECT_EQ(by_key(sink.accepted), by_key(written));
}

TEST_F(RelayTest, APoisonMessageIsDeadLetteredAndOtherKeysFlow) {
  make_events({"sku-a", "sku-b", "sku-c"}, 3);
  const auto written = outbox();
  std::vector<std::int64_t> b_seqs;
  for (const auto& e : written) {
    if (e.key == "sku-b") b_seqs.push_back(e.seq);
  }
  ASSERT_EQ(b_seqs.size(), 4u);  // created + 3 restocks
  const std::int64_t poison = b_seqs[1];
  FlakySink sink;
  sink.failures_left[poison] = -1;
  OutboxRelay relay(*store_, sink, options(3, 100));

  for (int round = 0; round < 20; ++round) {
    relay.drain();
    clock_->advance(400);
  }
  const auto stats = relay.stats();
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(stats.dead_letters, 3);  // the poison and the two later sku-b events
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()) - 3);
  EXPECT_EQ(sink.attempts - static_cast<int>(sink.accepted.size()), 3);  // tried max_attempts

  const auto dead = relay.dead_letters();
  ASSERT_EQ(dead.size(), 3u);
  EXPECT_EQ(dead[0].event.seq, poison);
  EXPECT_EQ(dead[0].attempts, 3);
  EXPECT_EQ(dead[0].last_error, "refused seq " + std::to_string(poison));
  EXPECT_EQ(dead[0].parked_behind, 0);
  EXPECT_EQ(dead[1].event.seq, b_seqs[2]);
  EXPECT_EQ(dead[1].parked_behind, poison);
  EXPECT_EQ(dead[2].event.seq, b_seqs[3]);
  EXPECT_EQ(dead[2].parked_behind, poison);
  EXPECT_EQ(relay.dead_letters(dead[0].event.seq, 1).front().event.seq, b_seqs[2]);

  // Of sku-b only the event before the poison went out; the other keys went out whole.
  auto delivered = by_key(sink.accepted);
  EXPECT_EQ(delivered["sku-b"], std::vector<std::int64_t>{b_seqs[0]});
  EXPECT_EQ(delivered["sku-a"], by_key(written)["sku-a"]);
  EXPECT_EQ(delivered["sku-c"], by_key(written)["sku-c"]);

  // A new event of the parked key is parked too, never delivered ahead of the poison.
  store_->stock().adjust("sku-b", 1, "after poison");
  relay.drain();
  EXPECT_EQ(relay.stats().dead_letters, 4);
  EXPECT_EQ(by_key(sink.accepted)["sku-b"].size(), 1u);

  // Fixed: retrying the key's dead letters delivers them in order.
  sink.failures_left.clear();
  EXPECT_EQ(relay.retry_dead_letters("sku-a"), 0);
  EXPECT_EQ(relay.retry_dead_letters("sku-b"), 4);
  EXPECT_EQ(relay.retry_dead_letters("sku-b"), 0);
  EXPECT_EQ(relay.drain().delivered, 4);
  const auto after = relay.stats();
  EXPECT_EQ(after.pending, 0);
  EXPECT_EQ(after.dead_letters, 0);
  const auto b_delivered = by_key(sink.accepted)["sku-b"];
  EXPECT_EQ(b_delivered.size(), 5u);
  EXPECT_TRUE(std::is_sorted(b_delivered.begin(), b_delivered.end()));
}

TEST_F(RelayTest, RetryAllDeadLetters) {
  make_events({"sku-a", "sku-b"}, 1);
  FlakySink sink;
  for (const auto& e : outbox()) sink.failures_left[e.seq] = 1;
  OutboxRelay relay(*store_, sink, options(1, 100));
  relay.drain();
  EXPECT_EQ(relay.stats().dead_letters, 4);  // two failed, two parked behind them
  sink.failures_left.clear();
  EXPECT_EQ(relay.retry_dead_letters(), 4);
  EXPECT_EQ(relay.drain().delivered, 4);
  EXPECT_EQ(delivered_rows(*store_), 4);
}

TEST_F(RelayTest, AThrowingSinkOrAWrongAckCountFailsTheBatch) {
  make_events({"sku-a"}, 2);
  MemorySink memory;
  struct Throwing final : ForwardingEventSink {
    using ForwardingEventSink::ForwardingEventSink;
    int calls = 0;
    std::vector<Ack> publish(std::span<const Event> batch) override {
      if (++calls == 1) throw std::runtime_error("connection reset");
      if (calls == 2) return {};  // wrong number of acks
      return ForwardingEventSink::publish(batch);
    }
  } sink(memory);
  OutboxRelay relay(*store_, sink, options(5, 100));
  auto first = relay.run_once();
  EXPECT_EQ(first.failed, 1);  // only the head of the key counts as attempted
  clock_->advance(100);
  EXPECT_EQ(relay.run_once().failed, 1);
  clock_->advance(200);
  EXPECT_EQ(relay.drain().delivered, 3);
  EXPECT_EQ(memory.size(), 3u);
  const auto rows = run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead,
                             [](Transaction& tx) { return tx.read_due_events(kStart + 10'000, 0, 10); });
  EXPECT_TRUE(rows.empty());
}

// Batches are pipelined over an asynchronous sink: when a batch in flight reports a failure,
// the events of that key in the next batch (already handed to the sink) are not marked, so per
// key the delivered rows always stay a prefix of the key's rows.
TEST_F(RelayTest, PipelinedBatchesMarkNothingBehindAFailureOfTheBatchBefore) {
  make_events({"sku-a", "sku-b"}, 4);  // created a, created b, then a1 b1 a2 b2 ...
  const auto written = outbox();
  AsyncSink sink;
  std::int64_t a1 = 0;
  for (const auto& e : written) {
    if (e.key == "sku-a" && e.type == "StockAdjusted" && a1 == 0) a1 = e.seq;
  }
  sink.failures_left[a1] = 1;
  OutboxRelay relay(*store_, sink, options(5, 2));
  // Per key, no delivered row may come after a row that is still pending.
  auto check_prefix = [&] {
    const auto pending = run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead, [](Transaction& tx) {
      return tx.read_due_events(kStart + 1'000'000'000, 0, 1000);
    });
    std::map<std::string, std::int64_t> first_pending;
    for (const auto& p : pending) first_pending.emplace(p.event.key, p.event.seq);
    std::set<std::int64_t> pending_seqs;
    for (const auto& p : pending) pending_seqs.insert(p.event.seq);
    for (const auto& e : written) {
      auto it = first_pending.find(e.key);
      if (pending_seqs.contains(e.seq) || it == first_pending.end()) continue;
      EXPECT_LT(e.seq, it->second) << "seq " << e.seq << " of " << e.key
                                   << " delivered behind pending seq " << it->second;
    }
  };
  const auto first = relay.drain();
  EXPECT_GE(sink.max_in_flight, 2) << "the relay did not keep a batch in flight";
  EXPECT_EQ(first.failed, 1);
  check_prefix();
  EXPECT_EQ(relay.stats().pending, 4);  // a1..a4: a1 backs off, a2 was behind it
  clock_->advance(100);
  relay.drain();
  check_prefix();
  EXPECT_EQ(relay.stats().pending, 0);
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));
}

// A row of a key that comes due again (its retry time passes) while later batches are in
// flight lies behind the newest row in flight: the next claim must notice it and send it before
// the key's rows after the ones in flight, which it would otherwise reach first.
TEST_F(RelayTest, ARowThatComesDueBehindTheBatchesInFlightGoesFirstForItsKey) {
  make_events({"sku-a", "sku-c"}, 1);  // created a, created c, a1, c1
  const auto heads = outbox();
  AsyncSink sink;
  sink.background = false;
  sink.failures_left[heads[0].seq] = 1;  // sku-a's head
  sink.failures_left[heads[1].seq] = 1;  // sku-c's head
  OutboxRelay relay(*store_, sink, options(5, 2));
  EXPECT_EQ(relay.drain().failed, 2);  // both heads wait 100 ms, a1 and c1 behind them
  // In flight next: sku-b's rows, and between them sku-c's (waiting behind its head): more gaps
  // between the rows in flight than the claim probes one by one, so it counts.
  store_->catalog().create({.id = "sku-b", .name = "sku-b", .price = 1});
  for (int i = 0; i < 12; ++i) {
    store_->stock().adjust("sku-b", 1, "restock");
    store_->stock().adjust("sku-c", 1, "restock");
  }
  for (int i = 0; i < 3; ++i) store_->stock().adjust("sku-a", 1, "restock");  // after them
  drain_with_retries_due_mid_flight(sink, relay);  // while sku-b's batches are in flight
  // Per key, the events by their last acknowledged copy (the one marked delivered; copies
  // handed over behind a failure were acknowledged too, then re-sent).
  std::map<std::int64_t, std::size_t> last_copy;
  for (std::size_t i = 0; i < sink.accepted.size(); ++i) last_copy[sink.accepted[i].seq] = i;
  std::map<std::size_t, const Event*> by_last_copy;
  for (const auto& e : sink.accepted) by_last_copy[last_copy[e.seq]] = &e;
  std::map<std::string, std::vector<std::int64_t>> order;
  for (const auto& [index, e] : by_last_copy) order[e->key].push_back(e->seq);
  for (const auto& [key, seqs] : order) {
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()))
        << key << " acknowledged out of outbox order: " << ::testing::PrintToString(seqs);
  }
  EXPECT_EQ(order["sku-a"].size(), 5u);
}

// The same with the rows in flight in one run (the claim probes the gap before them).
TEST_F(RelayTest, ARowThatComesDueBehindOneRunInFlightGoesFirstForItsKey) {
  make_events({"sku-a"}, 1);  // created a, a1
  const auto head = outbox();
  AsyncSink sink;
  sink.background = false;
  sink.failures_left[head.front().seq] = 1;
  OutboxRelay relay(*store_, sink, options(5, 2));
  EXPECT_EQ(relay.drain().failed, 1);  // sku-a's head waits 100 ms; a1 waits behind it
  make_events({"sku-b"}, 6);           // in flight next
  for (int i = 0; i < 3; ++i) store_->stock().adjust("sku-a", 1, "restock");  // after them
  drain_with_retries_due_mid_flight(sink, relay);  // while sku-b's batches are in flight
  std::vector<std::int64_t> a_order;  // sku-a's events, in the order they were acknowledged
  for (const auto& e : sink.accepted) {
    if (e.key == "sku-a") a_order.push_back(e.seq);
  }
  EXPECT_TRUE(std::is_sorted(a_order.begin(), a_order.end()))
      << "sku-a acknowledged out of outbox order: " << ::testing::PrintToString(a_order);
  EXPECT_EQ(a_order.size(), 5u);
}

// Counts the write units run on a storage it does not own.
class CountingStorage final : public Storage {
 public:
  explicit CountingStorage(Storage& target) : target_(target) {}
  void run(Access access, const std::function<void(SqlSession&)>& work) override {
    if (access == Access::kWrite) ++writes;
    target_.run(access, work);
  }
  std::string url() const override { return target_.url(); }
  int writes = 0;

 private:
  Storage& target_;
};

// The transaction that records a batch's deliveries also claims the next batch: draining B
// batches costs B + 1 write transactions (the last claim finds nothing), not 2B + 1.
TEST_F(RelayTest, ABatchsDeliveriesAndTheNextClaimShareOneTransaction) {
  make_events({"sku-a", "sku-b"}, 20);
  const auto written = outbox();
  AsyncSink sink;
  sink.settled_at_once = true;
  sink.background = false;  // so the relay always comes round to a batch it has handed over
  CountingStorage counting(commerce::detail::storage_of(*store_));
  OutboxRelay relay = commerce::detail::RelayAccess::over(counting, *clock_, sink, options(5, 6));
  const RelayBatch done = relay.drain();
  EXPECT_TRUE(done.leader);
  EXPECT_EQ(done.delivered, static_cast<int>(written.size()));
  const int batches = static_cast<int>((written.size() + 5) / 6);
  EXPECT_EQ(counting.writes, batches + 1);
  EXPECT_EQ(relay.stats().pending, 0);
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));
}

// A pipelined relay whose lease was taken over while a batch was in flight records nothing of
// it (the lease is re-checked in the transaction that would mark it and claim the next batch)
// and claims nothing more; the new holder's outcome stands.
TEST_F(RelayTest, APipelinedRelayThatLostItsLeaseMarksAndClaimsNothing) {
  make_events({"sku-a", "sku-b"}, 3);
  const auto written = outbox();
  // Relay B refuses everything: its rows stay pending (each key's head with one failed attempt).
  struct Refusing final : EventSinkBase {
    std::string name() const override { return "refusing"; }
    void write(const Event&) override { throw std::runtime_error("refused"); }
  } refusing;
  RelayOptions ob = options();
  ob.owner = "relay-b";
  OutboxRelay relay_b(*store_, refusing, ob);
  RelayBatch b_batch;

  AsyncSink sink;
  sink.settled_at_once = true;
  sink.background = false;  // one batch in flight when the lease runs out
  sink.on_first_wait = [&] {  // A's first batch is in flight: its lease runs out, B takes over
    clock_->advance(30'001);
    b_batch = relay_b.run_once();
  };
  RelayOptions oa = options(5, 4);
  oa.owner = "relay-a";
  OutboxRelay relay_a(*store_, sink, oa);
  const RelayBatch a = relay_a.drain();
  EXPECT_FALSE(a.leader);
  EXPECT_EQ(a.delivered, 0);
  EXPECT_EQ(a.published, 4);  // sent (same ids are re-sent later), but not marked
  EXPECT_TRUE(b_batch.leader);
  EXPECT_EQ(b_batch.failed, 2);  // each key's head; the rest waits behind it
  const RelayStats stats = relay_a.stats();
  EXPECT_EQ(delivered_rows(*store_), 0);
  EXPECT_EQ(stats.pending, static_cast<std::int64_t>(written.size()));
  for (const auto& p : run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead, [](Transaction& tx) {
         return tx.read_due_events(kStart + 1'000'000'000, 0, 1000);
       })) {
    EXPECT_LE(p.attempts, 1) << "seq " << p.event.seq;  // B's attempt only
  }
}

// With a sink that publishes in the background, the relay hands batches over from its
// publisher thread while it records and claims: every event is delivered, per key in outbox
// order (re-sends after a failure included), and a failure still holds back its key's later
// events in the batches already handed over.
TEST_F(RelayTest, ABackgroundPublisherDeliversEverythingInKeyOrder) {
  make_events({"sku-a", "sku-b", "sku-c"}, 40);
  const auto written = outbox();
  AsyncSink sink;
  for (const auto& e : written) {
    if (e.seq % 17 == 0) sink.failures_left[e.seq] = 1;
  }
  OutboxRelay relay(*store_, sink, options(5, 7));
  for (int round = 0; round < 20 && relay.stats().pending > 0; ++round) {
    relay.drain();
    clock_->advance(400);
  }
  EXPECT_EQ(relay.stats().pending, 0);
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));
  EXPECT_GT(sink.begun_elsewhere.load(), 0) << "no batch went through the publisher thread";
  EXPECT_GE(sink.max_in_flight.load(), 2);
  // Events of a failed key that were already handed over are acknowledged by the sink but not
  // marked, and re-sent after the failed one: per key, the last copy of each event (the one
  // marked delivered) comes in outbox order.
  std::map<std::int64_t, std::size_t> last_copy;
  for (std::size_t i = 0; i < sink.accepted.size(); ++i) last_copy[sink.accepted[i].seq] = i;
  EXPECT_EQ(last_copy.size(), written.size());
  std::map<std::string, std::size_t> previous;
  for (const auto& e : written) {  // by seq
    auto it = last_copy.find(e.seq);
    if (it == last_copy.end()) continue;
    auto [p, fresh] = previous.emplace(e.key, it->second);
    if (!fresh) {
      EXPECT_GT(it->second, p->second) << "seq " << e.seq << " of " << e.key;
      p->second = it->second;
    }
  }
}

// The check and the envelope read strings eight bytes at a time while no byte is special: every
// special byte ('"', '\\', a control byte, a byte >= 0x80) and its plain neighbours (' ', DEL),
// at every position of a word and across words, in a payload's string and in the envelope's own
// strings (the key), must be judged and written as a JSON library does.
TEST(RelayEnvelope, SpecialBytesAnywhereInALongStringAreJudgedAndWrittenAsAJsonLibraryDoes) {
  const std::vector<std::string> specials = {"\"", "\\", "\\n", "\\u00e9", "\x1f", "\x01",
                                             " ",  "\x7f", "\x80", "\xc3\xa9", "\xc3", "\xff"};
  for (const std::string& special : specials) {
    for (std::size_t at = 0; at <= 17; ++at) {
      const std::string text = std::string(at, 'a') + special + std::string(17 - at, 'b');
      const std::string payload = "{\"s\":\"" + text + "\"}";
      const bool parser_takes = nlohmann::json::accept(payload);
      Event e{7, "0190f3a2-6c1e-7b4a-9d2e-5f0a1b2c3d4e", "StockReserved", 1, "product-events",
              text, 1'800'000'000'000, "", payload};
      try {
        const std::string envelope = envelope_json(e);
        EXPECT_TRUE(parser_takes) << "took " << payload;
        EXPECT_EQ(nlohmann::json::parse(envelope)["payload"], nlohmann::json::parse(payload));
      } catch (const Error& err) {
        EXPECT_EQ(err.code(), ErrorCode::kInvalidArgument);
        EXPECT_FALSE(parser_takes) << "refused " << payload;
      }
      e.payload = "{}";  // the key, written as the library writes it
      const std::string key = nlohmann::json(text).dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace);
      EXPECT_NE(envelope_json(e).find(",\"key\":" + key + ",\"occurred_at\":"), std::string::npos)
          << envelope_json(e);
    }
  }
}

// The relay's envelopes embed the stored payload as is, after a check of its own: it must take
// exactly the JSON a JSON parser takes (a wrong "yes" would hand consumers an envelope they
// cannot parse), and the envelope must be what a JSON library would have written.
TEST(RelayEnvelope, PayloadCheckAgreesWithAJsonParserAndTheEnvelopeWithAJsonLibrary) {
  const std::vector<std::string> payloads = {
      "{}", "[]", "0", "-0", "1.5e+3", "-12.25E-2", "true", "false", "null", R"("s")",
      R"({"a":1,"b":[1,2,{"c":null}],"d":"x\"y\\z\/\b\f\n\r\t\u00e9"})",
      " {\"a\" : 1 } ", "{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
      R"({"p":"\ud83d\ude00"})", std::string(300, '[') + std::string(300, ']'),
      // refused
      "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "+1", "-",
      "1e", "1e+", "tru", "nul", "True", R"("\x")", R"("\u12")", R"("\ud83d")",
      R"("\ud83d\u0041")", R"("\ude00")", "\"a\tb\"", "\"\x01\"", "\"\xc3\"", "\"\xc0\xaf\"",
      "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"", "{} {}",
      "[1] x", "\"abc"};
  for (const auto& payload : payloads) {
    Event e{7, "0190f3a2-6c1e-7b4a-9d2e-5f0a1b2c3d4e", "StockReserved", 1, "product-events",
            "k\"ey\x01", 1'800'000'000'000, "", payload};
    const bool parser_takes = nlohmann::json::accept(payload);
    std::string envelope;
    bool taken = true;
    try {
      envelope = envelope_json(e);
    } catch (const Error& err) {
      taken = false;
      EXPECT_EQ(err.code(), ErrorCode::kInvalidArgument);
    }
    if (payload.size() < 600) {  // the 300-deep array is beyond the check's nesting bound
      EXPECT_EQ(taken, parser_takes) << "payload " << payload;
    }
    if (!taken) continue;
    nlohmann::ordered_json j;
    j["seq"] = e.seq;
    j["id"] = e.id;
    j["type"] = e.type;
    j["schema_version"] = e.schema_version;
    j["topic"] = e.topic;
    j["key"] = e.key;
    j["occurred_at"] = e.occurred_at;
    j["request_id"] = e.request_id;
    j["payload"] = nlohmann::ordered_json::parse(payload);
    EXPECT_EQ(nlohmann::ordered_json::parse(envelope), j) << envelope;
    if (payload == nlohmann::ordered_json::parse(payload).dump()) {  // stored payloads are compact
      EXPECT_EQ(envelope, j.dump()) << envelope;
    }
  }
}

TEST_F(RelayTest, FailureRecordsAttemptsErrorAndBackoff) {
  make_events({"sku-a"}, 0);
  FlakySink sink;
  const auto seq = outbox().front().seq;
  sink.failures_left[seq] = -1;
  OutboxRelay relay(*store_, sink, options(10, 100));
  relay.run_once();
  auto pending = [&] {
    return run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead,
                    [](Transaction& tx) { return tx.read_due_events(kStart + 1'000'000, 0, 10); });
  };
  ASSERT_EQ(pending().size(), 1u);
  EXPECT_EQ(pending()[0].attempts, 1);
  EXPECT_EQ(pending()[0].next_attempt_at, kStart + 100);
  EXPECT_EQ(pending()[0].last_error, "refused seq " + std::to_string(seq));
  for (int expected_wait : {200, 400, 400}) {
    clock_->set(pending()[0].next_attempt_at);
    relay.run_once();
    EXPECT_EQ(pending()[0].next_attempt_at, clock_->now() + expected_wait);
  }
  EXPECT_EQ(pending()[0].attempts, 4);
}

TEST_F(RelayTest, OnlyTheLeaseHolderPublishesAndALostLeaseMarksNothing) {
  make_events({"sku-a", "sku-b"}, 2);
  const auto written = outbox();
  MemorySink sink_b;
  RelayOptions ob = options();
  ob.owner = "relay-b";
  OutboxRelay relay_b(*store_, sink_b, ob);

  // Relay A stalls inside publish past its lease; B takes over and delivers everything.
  MemorySink sink_a;
  struct Stalling final : ForwardingEventSink {
    Stalling(EventSink& t, ManualClock& c, OutboxRelay& other)
        : ForwardingEventSink(t), clock(c), relay(other) {}
    ManualClock& clock;
    OutboxRelay& relay;
    RelayBatch other_batch;
    bool armed = true;  // stalls the first publish only
    std::vector<Ack> publish(std::span<const Event> batch) override {
      auto acks = ForwardingEventSink::publish(batch);
      if (!std::exchange(armed, false)) return acks;
      EXPECT_FALSE(relay.run_once().leader);  // A still holds the lease
      clock.advance(30'001);
      other_batch = relay.drain();
      return acks;
    }
  } stalling(sink_a, *clock_, relay_b);
  RelayOptions oa = options();
  oa.owner = "relay-a";
  OutboxRelay relay_a(*store_, stalling, oa);

  const auto batch = relay_a.run_once();
  EXPECT_FALSE(batch.leader);
  EXPECT_EQ(batch.delivered, 0);
  EXPECT_EQ(stalling.other_batch.delivered, static_cast<int>(written.size()));
  EXPECT_EQ(sink_b.size(), written.size());
  EXPECT_EQ(sink_a.size(), written.size());  // A's copies were sent: same ids, re-sent
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(sink_a.events()[i].id, sink_b.events()[i].id);
  }
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(written.size()));

  // B holds the lease now; A stands by until B releases it.
  store_->stock().adjust("sku-a", 1, "more");
  EXPECT_FALSE(relay_a.run_once().leader);
  relay_b.release_lease();
  EXPECT_TRUE(relay_a.run_once().leader);
}

TEST_F(RelayTest, RejectsBadOptionsNamingTheField) {
  MemorySink sink;
  auto with = [&](auto change) {
    RelayOptions o;
    change(o);
    OutboxRelay relay(*store_, sink, o);
  };
  EXPECT_EQ(EVENTS_EXPECT_ERROR(with([](RelayOptions& o) { o.batch_size = 0; }), ErrorCode::kInvalidArgument),
            "batch_size");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(with([](RelayOptions& o) { o.max_attempts = 0; }), ErrorCode::kInvalidArgument),
            "max_attempts");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(with([](RelayOptions& o) { o.backoff_max_ms = 1; }), ErrorCode::kInvalidArgument),
            "backoff_max_ms");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(with([](RelayOptions& o) { o.lease_ms = 0; }), ErrorCode::kInvalidArgument),
            "lease_ms");
  OutboxRelay relay(*store_, sink);
  EXPECT_EQ(EVENTS_EXPECT_ERROR(relay.dead_letters(0, 0), ErrorCode::kInvalidArgument), "limit");
}

TEST_F(RelayTest, RunStopsWhenAskedAndReleasesTheLease) {
  make_events({"sku-a"}, 3);
  MemorySink sink;
  RelayOptions o = options();
  o.idle_poll_ms = 1;
  OutboxRelay relay(*store_, sink, o);
  std::stop_source stop;
  int batches = 0;
  relay.run(stop.get_token(), [&](const RelayBatch& b) {
    ++batches;
    if (relay.stats().pending == 0) stop.request_stop();
    EXPECT_TRUE(b.progressed());
  });
  EXPECT_GE(batches, 1);
  EXPECT_EQ(sink.size(), 4u);
  RelayOptions other = options();
  other.owner = "someone-else";
  OutboxRelay relay2(*store_, sink, other);
  EXPECT_TRUE(relay2.run_once().leader);  // the lease was released
}

// --- crashes

// Runs `child` in a forked process that must end by SIGKILL; fails the test otherwise.
void run_killed_child(const std::function<void()>& child) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      child();
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(4);  // the child was supposed to be killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
}

TEST(RelayCrash, KilledBetweenCommitAndRelayLosesNothing) {
  const std::string path = events_test::fresh_db_path();
  const std::string jsonl = path + ".jsonl";
  run_killed_child([&] {
    auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
    store->catalog().create({.id = "sku-a", .name = "A", .price = 10, .initial_stock = 3});
    store->points().charge("user-1", 100);
    ::raise(SIGKILL);  // committed, never relayed
  });
  auto clock = std::make_shared<ManualClock>(kStart);
  auto store = events_test::open_store(path, clock);
  const auto written = events_test::outbox_after(commerce::detail::storage_of(*store));
  ASSERT_EQ(written.size(), 3u);
  JsonLinesSink sink(jsonl);
  OutboxRelay relay(*store, sink);
  EXPECT_EQ(relay.stats().pending, 3);
  EXPECT_EQ(relay.drain().delivered, 3);
  const auto lines = read_json_lines(jsonl);
  ASSERT_EQ(lines.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(lines[i].id, written[i].id);
}

TEST(RelayCrash, KilledDuringABatchResendsTheSameIdsAndLosesNothing) {
  const std::string path = events_test::fresh_db_path();
  const std::string jsonl = path + ".jsonl";
  {
    auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
    for (const char* key : {"sku-a", "sku-b"}) {
      store->catalog().create({.id = key, .name = key, .price = 1});
      for (int i = 0; i < 9; ++i) store->stock().adjust(key, 1, "restock");
    }
  }  // closed before fork: the child opens its own connections
  RelayOptions options;
  options.batch_size = 5;
  options.owner = "crashing-relay";
  run_killed_child([&] {
    auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
    JsonLinesSink file(jsonl);
    struct DieOnSecondBatch final : ForwardingEventSink {
      using ForwardingEventSink::ForwardingEventSink;
      int batches = 0;
      std::vector<Ack> publish(std::span<const Event> batch) override {
        auto acks = ForwardingEventSink::publish(batch);  // written and fsynced
        if (++batches == 2) ::raise(SIGKILL);              // before the relay marks them
        return acks;
      }
    } sink(file);
    OutboxRelay relay(*store, sink, options);
    relay.drain();
  });

  auto clock = std::make_shared<ManualClock>(kStart);
  auto store = events_test::open_store(path, clock);
  const auto written = events_test::outbox_after(commerce::detail::storage_of(*store));
  ASSERT_EQ(written.size(), 20u);
  const auto before = read_json_lines(jsonl);
  ASSERT_EQ(before.size(), 10u);  // two batches reached the file; one was marked

  JsonLinesSink sink(jsonl);
  // Another relay must wait for the dead relay's lease to expire.
  RelayOptions other = options;
  other.owner = "replacement";
  OutboxRelay replacement(*store, sink, other);
  EXPECT_EQ(replacement.stats().pending, 15);
  EXPECT_FALSE(replacement.run_once().leader);
  clock->advance(options.lease_ms);
  EXPECT_EQ(replacement.drain().delivered, 15);

  const auto lines = read_json_lines(jsonl);
  ASSERT_EQ(lines.size(), 25u);
  // Batch two (seqs 6..10) appears twice with the same ids and envelopes; nothing is missing.
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(envelope_json(lines[5 + i]), envelope_json(lines[10 + i]));
  }
  std::set<std::string> ids;
  for (const auto& e : lines) ids.insert(e.id);
  std::set<std::string> expected;
  for (const auto& e : written) expected.insert(e.id);
  EXPECT_EQ(ids, expected);
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(lines[i < 10 ? i : i + 5].id, written[i].id);
  }
  EXPECT_EQ(delivered_rows(*store), 20);
}

}  // namespace
}  // namespace commerce

namespace commerce {
namespace {

TEST(RelayCrash, KilledInTheMiddleOfABatchPublishesTheWholeBatchAfterRestart) {
  const std::string path = events_test::fresh_db_path();
  const std::string jsonl = path + ".jsonl";
  {
    auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
    store->catalog().create({.id = "sku-a", .name = "A", .price = 1});
    for (int i = 0; i < 7; ++i) store->stock().adjust("sku-a", 1, "restock");
  }
  RelayOptions options;
  options.batch_size = 3;
  options.owner = "relay-host-1";  // stable: the restarted relay takes its lease back at once
  run_killed_child([&] {
    auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
    JsonLinesSink file(jsonl);
    CallbackSink sink([&file, n = 0](const Event& e) mutable {
      if (++n == 5) ::raise(SIGKILL);  // in the middle of the second batch, before any ack
      file.publish(std::span<const Event>(&e, 1));
    });
    OutboxRelay relay(*store, sink, options);
    relay.drain();
  });
  auto store = events_test::open_store(path, std::make_shared<ManualClock>(kStart));
  const auto written = events_test::outbox_after(commerce::detail::storage_of(*store));
  ASSERT_EQ(written.size(), 8u);
  EXPECT_EQ(read_json_lines(jsonl).size(), 4u);  // batch one, and one event of batch two
  JsonLinesSink sink(jsonl);
  OutboxRelay relay(*store, sink, options);
  EXPECT_EQ(relay.stats().pending, 5);
  EXPECT_EQ(relay.drain().delivered, 5);
  const auto lines = read_json_lines(jsonl);
  ASSERT_EQ(lines.size(), 9u);  // the fourth event was written before the kill and re-sent
  EXPECT_EQ(lines[3].id, lines[4].id);
  for (std::size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(lines[i < 4 ? i : i + 1].id, written[i].id);
  }
}

}  // namespace
}  // namespace commerce
