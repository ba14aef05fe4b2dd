// libFuzzer target for the inbox: the message parser and Inbox::receive().
//
// Each input is a candidate message text. The parser must either return a message whose fields
// satisfy the documented rules or throw commerce::Error kInvalidArgument naming a field; never
// crash, hang or throw anything else. The input is then delivered to an inbox over a SQLite
// store; a rejected delivery must leave the store exactly as it was (inbox records, outbox, the
// test handler's counter). Run it through fuzz/run_inbox_fuzzer.sh.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/inbox.h"
#include "commerce/store.h"

namespace {

using commerce::Error;
using commerce::ErrorCode;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "inbox fuzzer: %s\n", why.c_str());
  std::abort();
}

struct Snapshot {
  std::int64_t inbox = 0;
  std::int64_t outbox = 0;
  commerce::Money counter = 0;  // the test handler's points balance of user "counter"
  bool operator==(const Snapshot&) const = default;
};

struct Fixture {
  Fixture() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("commerce-inbox-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    path = (dir / "store.db").string();
    std::filesystem::remove(path);
    commerce::StoreOptions options;
    options.clock = std::make_shared<commerce::ManualClock>(1'800'000'000'000);
    store = commerce::Store::open(path, options);
    store->catalog().create({.id = "sku-1", .name = "Mug", .price = 100, .initial_stock = 10});
    // A host handler with an effect, so accepted messages change state and rejected ones
    // can be checked not to.
    store->inbox().register_handler(
        "CounterBumped", [](commerce::InboxContext& ctx, const commerce::IncomingMessage& m) {
          const std::int64_t amount = m.int_field("amount");
          if (amount <= 0 || amount > 1000) {
            throw Error::invalid_argument("payload.amount", "must be 1..1000");
          }
          ctx.unit().points().credit("counter", amount, "counter bumped");
        });
    before = snapshot();
  }
  ~Fixture() { std::filesystem::remove_all(std::filesystem::path(path).parent_path()); }

  Snapshot snapshot() {
    Snapshot s;
    store->run_unit([&](commerce::Unit& unit) {
      s.counter = unit.points().balance("counter");
      const auto counts = unit.events().counts();
      s.outbox = counts.pending + counts.delivered + counts.dead_letters;
    });
    s.inbox = store->inbox().applied_count();
    return s;
  }

  std::string path;
  std::unique_ptr<commerce::Store> store;
  Snapshot before;
};

void check_parsed(const commerce::IncomingMessage& m) {
  if (m.id.empty() || m.id.size() > 128) fail("accepted a bad id");
  if (m.type.empty() || m.type.size() > 64) fail("accepted a bad type");
  if (m.occurred_at < 0) fail("accepted a negative occurred_at");
  const auto payload = nlohmann::json::parse(m.payload);  // must be valid JSON
  if (!payload.is_object()) fail("accepted a non-object payload");
  if (payload.dump() != m.payload) fail("payload is not canonical");
  // Re-serializing the parsed message must give the same message back.
  nlohmann::json again{{"id", m.id}, {"type", m.type}, {"payload", payload}};
  if (!m.source.empty()) again["source"] = m.source;
  if (m.occurred_at != 0) again["occurred_at"] = m.occurred_at;
  const auto round = commerce::parse_incoming_message(again.dump());
  if (round.id != m.id || round.type != m.type || round.source != m.source ||
      round.occurred_at != m.occurred_at || round.payload != m.payload) {
    fail("parse is not stable under re-serialization");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture fixture;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  try {
    check_parsed(commerce::parse_incoming_message(text));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kInvalidArgument) fail("parser threw a non-InvalidArgument error");
    if (e.subject().empty()) fail("parser error names no field");
  } catch (const std::exception& e) {
    fail(std::string("parser threw a foreign exception: ") + e.what());
  }

  bool rejected = false;
  try {
    fixture.store->inbox().receive(text);
  } catch (const Error& e) {
    rejected = true;
    if (e.code() == ErrorCode::kInternal) fail(std::string("internal error: ") + e.what());
    if (e.subject().empty()) fail("inbox error names nothing");
  } catch (const std::exception& e) {
    fail(std::string("inbox threw a foreign exception: ") + e.what());
  }
  const Snapshot after = fixture.snapshot();
  if (rejected && !(after == fixture.before)) fail("a rejected message changed the store");
  fixture.before = after;
  return 0;
}
