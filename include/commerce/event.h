// commerce/event.h: the envelope of an outbox event.
//
// Every state change writes its events to the outbox in the same transaction as the change.
// Payloads are small JSON objects of identifiers and amounts. Plain value type.
#pragma once

#include <cstdint>
#include <string>

#include "commerce/clock.h"

namespace commerce {

// How topics are named (StoreOptions::topic_naming).
enum class TopicNaming {
  kPerDomain,  // "user-events", "product-events", "order-events" (default)
  kPerType,    // "{domain}.{entity}.{event}", e.g. "order.order.created"
};

struct Event {
  std::int64_t seq = 0;    // outbox position, assigned by storage on append
  std::string id;          // UUIDv7; the same id whenever the event is re-sent
  std::string type;        // e.g. "StockReserved"
  int schema_version = 1;  // version of this type's payload
  std::string topic;       // e.g. "product-events"
  std::string key;         // aggregate id; the Kafka partition key
  Timestamp occurred_at = 0;
  std::string request_id;  // idempotency key of the command that caused it, or empty
  std::string payload;     // JSON object text
};

}  // namespace commerce
