// The order as the library places it (Store::orders().place), for the benchmarks.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "bench_support.h"
#include "commerce/store.h"

namespace commerce::bench {

// Places one order through the library; returns true if it ended CONFIRMED, false if it ended
// FAILED (refused: out of stock); throws for anything else. The store needs a gateway for
// PayBy::kGateway. Thread-safe.
bool library_place(Store& store, const std::string& user, const std::string& coupon,
                   const std::vector<std::pair<std::string, std::int64_t>>& items, Money points);

}  // namespace commerce::bench
