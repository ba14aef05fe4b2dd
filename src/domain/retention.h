// Retention (issue 15): Store::compact() and what check_invariants() needs to know of it.
#pragma once

#include <string_view>

#include "commerce/clock.h"
#include "commerce/storage.h"
#include "commerce/store.h"
#include "domain/context.h"

namespace commerce::detail {

// The setting holding the cutoff of the latest event removal: delivered events that occurred
// before it may be gone (written before any is deleted).
inline constexpr std::string_view kEventsRemovedBefore = "retention.events_removed_before";

// InvalidArgument naming the field that is out of range.
void check_retention(const RetentionOptions& options);

// The stored kEventsRemovedBefore (0 if events were never removed).
Timestamp events_removed_before(Transaction& tx);

// Store::compact() with the store's retention options (ctx.options.retention).
CompactionReport compact(const Context& ctx);

}  // namespace commerce::detail
