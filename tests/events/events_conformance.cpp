// Storage conformance for the events layer: the outbox-delivery, dead-letter, lease and inbox
// methods of commerce/storage.h, and the relay and inbox over them, for every adapter. Part of
// the commerce_conformance object library (see tests/conformance/storage_conformance.h).
#include <algorithm>
#include <atomic>
#include <thread>

#include "commerce/event_sink.h"
#include "commerce/ids.h"
#include "commerce/inbox.h"
#include "commerce/outbox_relay.h"
#include "conformance/storage_conformance.h"
#include "conformance/test_support.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

// The delivered rows, counted exactly (RelayStats does not count them: it reads positions).
std::int64_t delivered_rows(Store& store) {
  return store.run_unit([](Unit& unit) { return unit.events().counts(); }).delivered;
}

std::vector<Event> all_events(Store& store) {
  return run_unit(commerce::detail::storage_of(store), Storage::Access::kRead,
                  [](Transaction& tx) { return tx.read_outbox(0, 100'000); });
}

// Writes `per_key` StockAdjusted events for each key (after its ProductCreated).
void make_events(Store& store, const std::vector<std::string>& keys, int per_key) {
  for (const auto& key : keys) store.catalog().create({.id = key, .name = key, .price = 1});
  for (int i = 0; i < per_key; ++i) {
    for (const auto& key : keys) store.stock().adjust(key, 1, "restock");
  }
}

template <class F>
auto write(Store& store, F&& f) {
  return run_unit(commerce::detail::storage_of(store), Storage::Access::kWrite, std::forward<F>(f));
}

TEST_P(StorageConformance, EventsDueEventsSkipAKeyWaitingForARetry) {
  make_events(*store_, {"ka", "kb"}, 1);  // ka#1 kb#2 ka#3 kb#4
  const auto events = all_events(*store_);
  ASSERT_EQ(events.size(), 4u);
  auto due = [&](Timestamp now) {
    std::vector<std::int64_t> seqs;
    for (const auto& p : write(*store_, [&](Transaction& tx) { return tx.read_due_events(now, 0, 100); })) {
      seqs.push_back(p.event.seq);
    }
    return seqs;
  };
  EXPECT_EQ(due(kStart), (std::vector<std::int64_t>{events[0].seq, events[1].seq, events[2].seq, events[3].seq}));
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_record_event_failure(events[0].seq, 1, kStart + 100, "boom");
  }));
  EXPECT_EQ(due(kStart), (std::vector<std::int64_t>{events[1].seq, events[3].seq}));
  EXPECT_EQ(due(kStart + 100).size(), 4u);
  const auto first = write(*store_, [&](Transaction& tx) { return tx.read_due_events(kStart + 100, 0, 1); });
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].attempts, 1);
  EXPECT_EQ(first[0].last_error, "boom");
  EXPECT_EQ(first[0].event.id, events[0].id);
  EXPECT_EQ(first[0].event.payload, events[0].payload);

  const std::vector<std::int64_t> second{events[1].seq};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(second, kStart); }), 1);
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(second, kStart); }), 0);
  EXPECT_FALSE(write(*store_, [&](Transaction& tx) {
    return tx.try_record_event_failure(events[1].seq, 1, kStart, "late");
  }));
  const auto counts = write(*store_, [](Transaction& tx) { return tx.count_outbox(); });
  EXPECT_EQ(counts.pending, 3);
  EXPECT_EQ(counts.delivered, 1);
  EXPECT_EQ(counts.dead_letters, 0);
  EXPECT_EQ(counts.oldest_pending_at, events[0].occurred_at);
}

TEST_P(StorageConformance, EventsDueEventsAfterASeqAndThePendingCount) {
  make_events(*store_, {"ka", "kb"}, 1);  // ka#1 kb#2 ka#3 kb#4
  const auto e = all_events(*store_);
  ASSERT_EQ(e.size(), 4u);
  auto due_after = [&](std::int64_t after_seq) {
    std::vector<std::int64_t> seqs;
    for (const auto& p : write(*store_, [&](Transaction& tx) { return tx.read_due_events(kStart, after_seq, 100); })) {
      seqs.push_back(p.event.seq);
    }
    return seqs;
  };
  auto pending_through = [&](std::int64_t seq) {
    return write(*store_, [&](Transaction& tx) { return tx.count_pending_events(0, seq); });
  };
  auto pending_between = [&](std::int64_t after, std::int64_t through) {
    return write(*store_, [&](Transaction& tx) { return tx.count_pending_events(after, through); });
  };
  EXPECT_EQ(due_after(e[1].seq), (std::vector<std::int64_t>{e[2].seq, e[3].seq}));
  EXPECT_EQ(due_after(e[3].seq), std::vector<std::int64_t>{});
  EXPECT_EQ(pending_through(0), 0);
  EXPECT_EQ(pending_through(e[1].seq), 2);
  EXPECT_EQ(pending_through(e[3].seq + 1000), 4);
  EXPECT_EQ(pending_between(e[0].seq, e[2].seq), 2);  // kb#2 ka#3
  EXPECT_EQ(pending_between(e[0].seq, e[0].seq), 0);
  EXPECT_EQ(pending_between(e[3].seq, e[3].seq + 1000), 0);
  // A waiting row before after_seq still holds back the later rows of its key.
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_record_event_failure(e[0].seq, 1, kStart + 100, "boom");
  }));
  EXPECT_EQ(due_after(e[1].seq), std::vector<std::int64_t>{e[3].seq});
  EXPECT_EQ(pending_through(e[1].seq), 2);  // waiting rows are pending
  const std::vector<std::int64_t> second{e[1].seq};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(second, kStart); }), 1);
  EXPECT_EQ(pending_through(e[1].seq), 1);
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_dead_letter_event(e[3].seq, 5, "poison", kStart, 0);
  }));
  EXPECT_EQ(pending_through(e[3].seq), 2);  // ka#1 (waiting) and ka#3
  // Once ka#1 is due again its key flows again, from ka#1 on.
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.read_due_events(kStart + 100, 0, 100); }).size(), 2u);
}

TEST_P(StorageConformance, EventsDeadLettersAndRequeue) {
  make_events(*store_, {"ka", "kb"}, 1);
  const auto events = all_events(*store_);
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_dead_letter_event(events[0].seq, 5, "poison", kStart, 0);
  }));
  EXPECT_FALSE(write(*store_, [&](Transaction& tx) {
    return tx.try_dead_letter_event(events[0].seq, 5, "again", kStart, 0);
  }));
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_dead_letter_event(events[2].seq, 0, "parked", kStart, events[0].seq);
  }));
  using Firsts = std::vector<std::pair<std::string, std::int64_t>>;
  const std::vector<std::string> keys{"kb", "ka", "kz", "ka"};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.find_first_dead_letters(keys); }),
            (Firsts{{"ka", events[0].seq}}));
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.find_first_dead_letters({"kb"}); }), Firsts{});
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.find_first_dead_letters({}); }), Firsts{});
  const auto dead = write(*store_, [](Transaction& tx) { return tx.list_dead_letters(0, 10); });
  ASSERT_EQ(dead.size(), 2u);
  EXPECT_EQ(dead[0].event.id, events[0].id);
  EXPECT_EQ(dead[0].attempts, 5);
  EXPECT_EQ(dead[0].last_error, "poison");
  EXPECT_EQ(dead[1].parked_behind, events[0].seq);
  EXPECT_EQ(write(*store_, [](Transaction& tx) { return tx.count_outbox(); }).dead_letters, 2);
  EXPECT_EQ(write(*store_, [](Transaction& tx) { return tx.requeue_dead_letters("kb"); }), 0);
  EXPECT_EQ(write(*store_, [](Transaction& tx) { return tx.requeue_dead_letters("ka"); }), 2);
  const auto due = write(*store_, [](Transaction& tx) { return tx.read_due_events(kStart, 0, 10); });
  ASSERT_EQ(due.size(), 4u);
  EXPECT_EQ(due[0].attempts, 0);
  EXPECT_EQ(write(*store_, [](Transaction& tx) { return tx.count_outbox(); }).dead_letters, 0);
}

// Appends one event of `key` directly (keys the catalog would refuse included).
std::int64_t append_raw(Store& store, const std::string& key, Timestamp at) {
  return write(store, [&](Transaction& tx) {
    return tx.append_event(
        Event{0, new_id(at), "StockAdjusted", 1, "product-events", key, at, "", R"({"delta":1})"});
  });
}

TEST_P(StorageConformance, EventsMarkDeliveredChangesOnlyPendingRowsOfTheSet) {
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 6; ++i) seqs.push_back(append_raw(*store_, i % 2 ? "odd" : "even", kStart));
  // seqs[1] is dead, seqs[2] already delivered; seqs[5] is not in the set.
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
    return tx.try_dead_letter_event(seqs[1], 5, "poison", kStart, 0);
  }));
  const std::vector<std::int64_t> one{seqs[2]};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(one, kStart); }), 1);
  const std::vector<std::int64_t> set{seqs[0], seqs[1], seqs[2], seqs[3], seqs[4], 999'999'999};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(set, kStart + 5); }), 3);
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(set, kStart + 6); }), 0);
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered({}, kStart); }), 0);
  const auto due = write(*store_, [](Transaction& tx) { return tx.read_due_events(kStart + 10, 0, 100); });
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].event.seq, seqs[5]);
  const auto counts = write(*store_, [](Transaction& tx) { return tx.count_outbox(); });
  EXPECT_EQ(counts.pending, 1);
  EXPECT_EQ(counts.delivered, 4);
  EXPECT_EQ(counts.dead_letters, 1);
  const auto dead = write(*store_, [](Transaction& tx) { return tx.list_dead_letters(0, 10); });
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].event.seq, seqs[1]);  // still dead, not delivered
}

TEST_P(StorageConformance, EventsFirstDeadLettersOfManyKeys) {
  // Keys that need quoting in SQL array literals and JSON.
  const std::vector<std::string> odd{"a\"b", "c\\d", "e,f", "{g}", "h i", "", "NULL", "ü"};
  std::vector<std::pair<std::string, std::int64_t>> want;
  for (const auto& key : odd) {
    const std::int64_t first = append_raw(*store_, key, kStart);
    const std::int64_t second = append_raw(*store_, key, kStart);
    append_raw(*store_, key, kStart);  // stays pending
    EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
      return tx.try_dead_letter_event(first, 5, "poison", kStart, 0) &&
             tx.try_dead_letter_event(second, 0, "parked", kStart, first);
    }));
    want.emplace_back(key, first);
  }
  std::sort(want.begin(), want.end());
  std::vector<std::string> asked(odd);
  asked.push_back("clean");
  append_raw(*store_, "clean", kStart);
  for (int i = 0; i < 500; ++i) asked.push_back("absent-" + std::to_string(i));
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.find_first_dead_letters(asked); }), want);
  const auto ef = *std::find_if(want.begin(), want.end(), [](const auto& w) { return w.first == "e,f"; });
  const std::vector<std::string> some{"e,f", "clean"};
  EXPECT_EQ(write(*store_, [&](Transaction& tx) { return tx.find_first_dead_letters(some); }),
            (std::vector<std::pair<std::string, std::int64_t>>{ef}));
}

TEST_P(StorageConformance, EventsLeases) {
  auto acquire = [&](const std::string& owner, Timestamp now) {
    return write(*store_, [&](Transaction& tx) { return tx.try_acquire_lease("l", owner, now, now + 100); });
  };
  EXPECT_TRUE(acquire("a", kStart));
  EXPECT_TRUE(acquire("a", kStart + 50));   // renewed until kStart + 150
  EXPECT_FALSE(acquire("b", kStart + 149));
  EXPECT_TRUE(acquire("b", kStart + 150));  // expired: taken over
  EXPECT_FALSE(acquire("a", kStart + 151));
  write(*store_, [](Transaction& tx) { tx.release_lease("l", "a"); });  // not a's: no effect
  EXPECT_FALSE(acquire("a", kStart + 152));
  write(*store_, [](Transaction& tx) { tx.release_lease("l", "b"); });
  EXPECT_TRUE(acquire("a", kStart + 152));
}

TEST_P(StorageConformance, EventsInboxRecords) {
  const InboxRecord record{"m-1", "T", R"({"x":1})", kStart};
  EXPECT_TRUE(write(*store_, [&](Transaction& tx) { return tx.insert_inbox_message(record); }));
  EXPECT_FALSE(write(*store_, [&](Transaction& tx) { return tx.insert_inbox_message(record); }));
  const auto found = write(*store_, [](Transaction& tx) { return tx.find_inbox_message("m-1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->fingerprint, record.fingerprint);
  EXPECT_EQ(found->received_at, kStart);
  EXPECT_FALSE(write(*store_, [](Transaction& tx) { return tx.find_inbox_message("m-2"); }).has_value());
  EXPECT_EQ(write(*store_, [](Transaction& tx) { return tx.count_inbox_messages(); }), 1);
}

TEST_P(StorageConformance, EventsRelayDeliversInOrderAndDeadLettersAPoison) {
  make_events(*store_, {"ka", "kb"}, 3);
  const auto events = all_events(*store_);
  MemorySink memory;
  struct Poisoned final : ForwardingEventSink {
    using ForwardingEventSink::ForwardingEventSink;
    std::int64_t poison = 0;
    std::vector<Ack> publish(std::span<const Event> batch) override {
      std::vector<Ack> acks;
      std::vector<Event> rest;
      bool blocked = false;
      for (const auto& e : batch) {
        if (e.seq == poison || (blocked && e.key == "ka")) {
          acks.push_back({e.seq == poison ? AckStatus::kFailed : AckStatus::kNotAttempted, "poison"});
          blocked = true;
          continue;
        }
        auto one = target_.publish(std::span<const Event>(&e, 1));
        acks.push_back(one.at(0));
      }
      return acks;
    }
  } sink(memory);
  sink.poison = events[2].seq;  // the first restock of ka
  RelayOptions options;
  options.max_attempts = 2;
  options.backoff_initial_ms = 10;
  options.backoff_max_ms = 10;
  OutboxRelay relay(*store_, sink, options);
  for (int i = 0; i < 5; ++i) {
    relay.drain();
    clock_->advance(10);
  }
  auto stats = relay.stats();
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(stats.dead_letters, 3);  // the poison and the two later ka events
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(events.size()) - 3);
  sink.poison = 0;
  EXPECT_EQ(relay.retry_dead_letters("ka"), 3);
  relay.drain();
  EXPECT_EQ(delivered_rows(*store_), static_cast<std::int64_t>(events.size()));
  std::vector<std::int64_t> ka;
  for (const auto& e : memory.events()) {
    if (e.key == "ka") ka.push_back(e.seq);
  }
  EXPECT_EQ(ka.size(), 4u);
  EXPECT_TRUE(std::is_sorted(ka.begin(), ka.end()));
}

// stats() reads the queue's positions with index seeks and counts within a cap of seqs: exact
// while the backlog fits the cap, a flagged lower bound when it does not; alike on every adapter.
TEST_P(StorageConformance, EventsRelayStatsReadPositionsAndCountUpToTheCap) {
  MemorySink memory;
  OutboxRelay relay(*store_, memory);
  RelayStats s = relay.stats();
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.lag_seqs, 0);
  EXPECT_EQ(s.oldest_pending_seq, 0);
  EXPECT_EQ(s.dead_letters, 0);

  make_events(*store_, {"ka", "kb"}, 3);
  const auto events = all_events(*store_);
  ASSERT_GE(events.size(), 6u);
  const auto n = static_cast<std::int64_t>(events.size());
  const std::int64_t first = events.front().seq, last = events.back().seq;
  s = relay.stats();
  EXPECT_EQ(s.pending, n);
  EXPECT_FALSE(s.pending_capped);
  EXPECT_EQ(s.oldest_pending_seq, first);
  EXPECT_EQ(s.last_seq, last);
  EXPECT_EQ(s.lag_seqs, last - first + 1);
  EXPECT_EQ(s.delivered_through_seq, first - 1);
  EXPECT_EQ(s.oldest_pending_at, events.front().occurred_at);
  clock_->advance(1500);
  EXPECT_EQ(relay.stats().oldest_pending_age_ms, 1500);

  const RelayStats capped = relay.stats(3);  // counts the pending rows among 3 seqs only
  EXPECT_TRUE(capped.pending_capped);
  EXPECT_EQ(capped.pending, 3);
  EXPECT_EQ(capped.lag_seqs, last - first + 1);  // the upper bound stays exact

  // The first two delivered, the next and the fifth dead: the positions move, counts follow.
  write(*store_, [&](Transaction& tx) {
    return tx.mark_events_delivered({events[0].seq, events[1].seq}, kStart);
  });
  for (const std::size_t i : {2u, 4u}) {
    EXPECT_TRUE(write(*store_, [&](Transaction& tx) {
      return tx.try_dead_letter_event(events[i].seq, 1, "boom", kStart, 0);
    }));
  }
  s = relay.stats();
  EXPECT_EQ(s.pending, n - 4);
  EXPECT_EQ(s.oldest_pending_seq, events[3].seq);
  EXPECT_EQ(s.delivered_through_seq, events[3].seq - 1);
  EXPECT_EQ(s.dead_letters, 2);
  EXPECT_FALSE(s.dead_letters_capped);
  const RelayStats one = relay.stats(1);
  EXPECT_TRUE(one.dead_letters_capped);  // two dead letters three seqs apart
  EXPECT_EQ(one.dead_letters, 1);

  std::vector<std::int64_t> rest;
  for (const auto& e : events) rest.push_back(e.seq);
  write(*store_, [&](Transaction& tx) { return tx.mark_events_delivered(rest, kStart); });
  s = relay.stats();
  EXPECT_EQ(s.pending, 0);
  EXPECT_EQ(s.lag_seqs, 0);
  EXPECT_EQ(s.oldest_pending_seq, 0);
  EXPECT_EQ(s.oldest_pending_at, 0);
  EXPECT_EQ(s.oldest_pending_age_ms, 0);
  EXPECT_EQ(s.delivered_through_seq, last);
  EXPECT_EQ(s.dead_letters, 2);

  EXPECT_EQ(EXPECT_COMMERCE_ERROR(relay.stats(0), ErrorCode::kInvalidArgument), "count_cap");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(relay.stats(RelayStats::kMaxCountCap + 1),
                                  ErrorCode::kInvalidArgument),
            "count_cap");
}

TEST_P(StorageConformance, EventsOneRelayLeaderAcrossStores) {
  make_events(*store_, {"ka"}, 2);
  auto other = open_again();
  MemorySink sink_a;
  MemorySink sink_b;
  RelayOptions oa;
  oa.owner = "a";
  RelayOptions ob;
  ob.owner = "b";
  OutboxRelay a(*store_, sink_a, oa);
  OutboxRelay b(*other, sink_b, ob);
  EXPECT_TRUE(a.run_once().leader);
  EXPECT_FALSE(b.run_once().leader);
  EXPECT_EQ(sink_a.size(), 3u);
  EXPECT_EQ(sink_b.size(), 0u);
  a.release_lease();
  EXPECT_TRUE(b.run_once().leader);
}

TEST_P(StorageConformance, EventsInboxAppliesOnceAcrossStores) {
  auto other = open_again();
  auto bump = [](InboxContext& ctx, const IncomingMessage& m) {
    ctx.unit().points().credit("bumps", m.int_field("n"), "bump " + m.id);
  };
  store_->inbox().register_handler("Bump", bump);
  other->inbox().register_handler("Bump", bump);
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Store& s = t % 2 == 0 ? *store_ : *other;
      for (int i = 0; i < 50; ++i) {
        const std::string text = R"({"id":"m-)" + std::to_string(i % 10) +
                                 R"(","type":"Bump","payload":{"n":)" + std::to_string(i % 10 + 1) +
                                 "}}";
        if (s.inbox().receive(text) == InboxOutcome::kApplied) ++applied;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(applied.load(), 10);
  EXPECT_EQ(store_->points().balance("bumps"), 55);
}

}  // namespace
}  // namespace commerce::testing
