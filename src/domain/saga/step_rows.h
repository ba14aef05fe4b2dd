// The saga's steps as rows: the built-in table and the host's steps (SagaOptions).
#pragma once

#include <string>
#include <vector>

#include "commerce/saga.h"
#include "saga_engine.h"

namespace commerce::detail {

// The rows and new saga steps under `options`.
// Errors: InvalidArgument (a null host step; a host step name that is not 1..64 of
// [a-z0-9_-], repeats another, or is a built-in step's name).
SagaSteps saga_steps(const SagaOptions& options);

// The payment step's row (payment_step.cpp).
StepRow payment_row();

}  // namespace commerce::detail
