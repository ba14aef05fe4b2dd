// commerce/outbox.h: the delivery state of outbox rows, dead letters and inbox records.
//
// Plain value types shared by the storage interface (commerce/storage.h), the relay
// (commerce/outbox_relay.h) and the inbox (commerce/inbox.h). Safe to copy between threads.
#pragma once

#include <cstdint>
#include <string>

#include "commerce/clock.h"
#include "commerce/event.h"

namespace commerce {

// An outbox row waiting for delivery, with its retry state.
struct PendingEvent {
  Event event;
  int attempts = 0;                // failed delivery attempts so far
  Timestamp next_attempt_at = 0;   // not published again before this time
  std::string last_error;          // why the last attempt failed, or empty
};

// An outbox row that the relay gave up on. Later events of the same key are parked behind it
// (dead-lettered too, with parked_behind naming it) so per-key order is never violated.
struct DeadLetter {
  Event event;
  int attempts = 0;                // failed attempts before it was dead-lettered (0 if parked)
  std::string last_error;          // the sink's last error, or why it was parked
  Timestamp dead_at = 0;
  std::int64_t parked_behind = 0;  // seq of the earlier dead letter of its key, or 0
};

// Outbox figures, as of one read transaction.
struct OutboxCounts {
  std::int64_t pending = 0;       // rows not yet delivered nor dead-lettered
  std::int64_t delivered = 0;     // rows acknowledged by a sink
  std::int64_t dead_letters = 0;  // rows in the dead-letter table
  Timestamp oldest_pending_at = 0;  // occurred_at of the oldest pending row; 0 if none
};

// A processed incoming message: its id is stored so the message is applied once.
struct InboxRecord {
  std::string message_id;
  std::string type;
  std::string fingerprint;  // canonical JSON of the message, to tell a re-send from a clash
  Timestamp received_at = 0;
};

}  // namespace commerce
