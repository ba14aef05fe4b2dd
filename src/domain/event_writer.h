// Builds outbox events (envelope, topic by the store's naming option) and queues them in the
// command's transaction, which appends a unit's events together when the unit's work returns
// (Transaction::queue_event).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "context.h"
#include "json_text.h"

namespace commerce::detail {

// `type` is one of the catalogued event types (docs/events.md), e.g. "StockReserved".
void emit(Command& cmd, std::string_view type, const std::string& key,
          const nlohmann::json& payload);
// The same for a flat payload written as text (the placement's hot path).
void emit(Command& cmd, std::string_view type, const std::string& key, const JsonText& payload);

// A host's own event (Unit events().emit()): `type` is 2..8 PascalCase words (each an uppercase
// letter and lowercase letters or digits, e.g. "LoyaltyBonusApplied", at most 64 characters)
// and not a catalogued type; `key` an id; `payload` JSON object text (at most 64 KiB). Its
// domain is "host": topic "host-events", or "host.{first word}.{the other words in kebab
// case}" (e.g. "host.loyalty.bonus-applied") under TopicNaming::kPerType. Returns the event as
// appended (seq set). Errors: InvalidArgument naming "type", "key" or "payload".
Event emit_host_event(Command& cmd, const std::string& type, const std::string& key,
                      const std::string& payload);

// The topic `type` goes to under `naming`.
std::string topic_for(std::string_view type, TopicNaming naming);

}  // namespace commerce::detail
