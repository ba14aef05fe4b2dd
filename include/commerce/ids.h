// commerce/ids.h: library-generated identifiers that sort by time.
//
// Orders, payments, coupons, ledger entries and events get UUIDv7 ids (RFC 9562) in the canonical
// lowercase 36-character form. Ids made later compare greater as strings; within one process ids
// are strictly increasing even within one millisecond. Thread-safe.
#pragma once

#include <string>

#include "commerce/clock.h"

namespace commerce {

// A new UUIDv7 whose time part is `now`.
std::string new_id(Timestamp now);

}  // namespace commerce
