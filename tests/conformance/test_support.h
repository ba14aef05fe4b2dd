// Small helpers shared by the conformance tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "commerce/error.h"

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
