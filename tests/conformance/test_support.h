// Small helpers shared by the conformance tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/event.h"
#include "commerce/store.h"
#include "storage/transaction.h"
#include "store_access.h"

// Expects `statement` to throw commerce::Error with `code`, and returns the error's subject.
#define EXPECT_COMMERCE_ERROR(statement, expected_code)                                 \
  [&]() -> std::string {                                                                \
    try {                                                                               \
      statement;                                                                        \
    } catch (const ::commerce::Error& e) {                                              \
      EXPECT_EQ(e.code(), expected_code) << e.what();                                   \
      return e.subject();                                                               \
    }                                                                                   \
    ADD_FAILURE() << "expected " << ::commerce::to_string(expected_code) << " from " #statement; \
    return std::string("<no error>");                                                   \
  }()

namespace commerce::testing {

// A day in milliseconds.
inline constexpr Timestamp kDay = 24LL * 60 * 60 * 1000;

// The store's outbox events of `type`, oldest first.
inline std::vector<Event> events_of_type(Store& store, const std::string& type) {
  std::vector<Event> out;
  for (Event& e : run_unit(detail::storage_of(store), Storage::Access::kRead,
                           [](Transaction& tx) { return tx.read_outbox(0, 100000); })) {
    if (e.type == type) out.push_back(std::move(e));
  }
  return out;
}

// The store's outbox events (the first 100,000), oldest first.
inline std::vector<Event> events_of(Store& store) {
  return run_unit(detail::storage_of(store), Storage::Access::kRead,
                  [](Transaction& tx) { return tx.read_outbox(0, 100000); });
}

// The ids of a page of products, in its order.
inline std::vector<std::string> ids_of(const Page<Product>& page) {
  std::vector<std::string> out;
  for (const Product& p : page.items) out.push_back(p.id);
  return out;
}

}  // namespace commerce::testing
