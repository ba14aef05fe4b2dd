// GET /openapi.json: the OpenAPI 3.1 document of `commerce serve`, generated from the router's
// routes (so it lists exactly the routes served): paths, path parameters, the scope each route
// needs, Idempotency-Key, success statuses and problem+json errors. Request and response bodies
// are described as JSON objects only (their fields are in docs/service.md; issue 21 keeps
// field-level schemas open).
#pragma once

#include <nlohmann/json.hpp>

#include "router.h"

namespace commerce::service {

nlohmann::json openapi_document(const Router& router);

}  // namespace commerce::service
