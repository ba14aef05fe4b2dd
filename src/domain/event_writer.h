// Builds outbox events (envelope, topic by the store's naming option) and appends them in the
// command's transaction.
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

// The topic `type` goes to under `naming`.
std::string topic_for(std::string_view type, TopicNaming naming);

}  // namespace commerce::detail
