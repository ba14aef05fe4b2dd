// The outbox event's columns (table alias o) and its row mapper, shared by outbox.cpp and
// outbox_queue.cpp.
#pragma once

#include <string>

#include "commerce/outbox.h"
#include "query.h"

namespace commerce::statements {

inline const std::string kEventColumns =
    "o.seq, o.id, o.type, o.schema_version, o.topic, o.key, o.occurred_at, o.request_id, "
    "o.payload";

inline Event event_from(const Query& q) {
  return Event{q.int64(0), q.text(1), q.text(2), static_cast<int>(q.int64(3)),
               q.text(4),  q.text(5), q.int64(6), q.text(7), q.text(8)};
}

}  // namespace commerce::statements
