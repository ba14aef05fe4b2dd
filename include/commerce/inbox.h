// commerce/inbox.h: incoming events from other services, each applied exactly once.
//
//   store->inbox().receive(R"({"id":"pg-7781","type":"PaymentCompleted",
//                              "payload":{"order_id":"0190..."}})");
//
// A message is a JSON object: {"id": message id (required, 1..128 of A-Z a-z 0-9 - _ . : @ / +
// #), "type": handler name (required), "source": sender (optional), "occurred_at": ms since
// the epoch (optional), "payload": JSON object (required)}; at most 64 KiB, payload nesting at
// most 32 levels, no other fields. The message id is recorded in the inbox table in the same
// transaction as the handler's effect, so a message delivered any number of times (or by several
// processes at once) is applied once; a re-delivery returns kDuplicate and changes nothing. The
// same id with different content is a Conflict.
//
// Malformed messages (InvalidArgument naming the field, e.g. "payload.order_id"), unknown types
// (InvalidArgument naming "type") and messages whose handler refuses (the handler's error,
// e.g. NotFound or FailedPrecondition) change nothing, the inbox record included, and may be
// sent again.
//
// Built-in handlers (see docs/events.md):
//   PaymentCompleted {order_id}            the pending payment was approved: the order saga
//                                          confirms the order
//   PaymentFailed    {order_id, reason?}   the pending payment was declined: the saga
//                                          compensates and the order ends FAILED
//   DeliveryUpdated  {order_id, status: "shipped" | "delivered"}
//                                          the order moves to SHIPPED / DELIVERED
//
// Thread safety: receive() may be called from any number of threads and processes at once.
// register_handler() may be called at any time; a handler runs on the thread that called
// receive(), inside that call's unit of work, and must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/unit.h"

namespace commerce {

namespace detail {
struct Context;
}  // namespace detail

class OrderBook;
class Transaction;  // internal (src/storage/transaction.h)

struct IncomingMessage {
  std::string id;
  std::string type;
  std::string source;         // empty if not given
  Timestamp occurred_at = 0;  // 0 if not given
  std::string payload;        // JSON object text (canonical: keys sorted, no spaces)

  // The payload's string field `name`. Errors: InvalidArgument naming "payload.<name>" if it is
  // missing or not a string (or, with `id_like`, not a valid id).
  std::string string_field(std::string_view name, bool id_like = true) const;
  // The payload's optional string field; InvalidArgument naming it if present but not a string.
  std::optional<std::string> optional_string_field(std::string_view name) const;
  // The payload's integer field `name`. Errors: InvalidArgument naming "payload.<name>".
  std::int64_t int_field(std::string_view name) const;
};

// Parses the JSON text of a message (format above). Never changes state.
// Errors: InvalidArgument naming the offending field ("message" for the whole text, "id",
// "type", "source", "occurred_at", "payload", or the unexpected field's name).
IncomingMessage parse_incoming_message(std::string_view text);

// What a handler gets: the message and the unit of work it is applied in.
class InboxContext {
 public:
  // The unit of work the inbox record is written in (commerce/unit.h): write the message's
  // effect through its domain operations, so it commits with the record, once per message id.
  // Its after_commit() actions run after that commit (e.g. driving a saga on); their errors are
  // not reported to the sender. Do not call Store services from a handler: they open units of
  // work of their own.
  Unit& unit() { return unit_; }
  const IncomingMessage& message() const { return message_; }

 private:
  friend class Inbox;
  InboxContext(Unit& unit, const IncomingMessage& message) : unit_(unit), message_(message) {}

  Unit& unit_;
  const IncomingMessage& message_;
};

enum class InboxOutcome {
  kApplied,    // the handler ran and its effect committed with the inbox record
  kDuplicate,  // the message id was already recorded; nothing changed
};

std::string_view to_string(InboxOutcome outcome);

class Inbox {
 public:
  // Applies the message through ctx.unit(); throw (commerce::Error, or anything) to refuse it:
  // nothing is recorded and nothing it wrote stays. May run more than once per message if the
  // unit of work is retried on contention, so it must only change state through ctx.unit().
  using Handler = std::function<void(InboxContext& ctx, const IncomingMessage& message)>;

  // `orders` (may be null) receives the built-in payment and delivery handlers' follow-ups.
  Inbox(const detail::Context& ctx, OrderBook* orders);
  ~Inbox();
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;

  // Adds or replaces the handler of `type` (1..64 of A-Z a-z 0-9 . _ -).
  // Errors: InvalidArgument naming "type" or "handler" (empty).
  void register_handler(const std::string& type, Handler handler);
  bool has_handler(const std::string& type) const;
  // Registered types, sorted.
  std::vector<std::string> types() const;

  // Parses and applies a message. Errors: see the file comment; Conflict (same id, other
  // content); Unavailable (storage busy; send it again).
  InboxOutcome receive(std::string_view text);
  InboxOutcome receive(const IncomingMessage& message);

  // Whether a message id has been applied. Errors: InvalidArgument naming "message_id".
  bool seen(const std::string& message_id) const;
  // How many messages have been applied.
  std::int64_t applied_count() const;

 private:
  const detail::Context& ctx_;
  OrderBook* orders_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Handler, std::less<>> handlers_;
};

}  // namespace commerce
