// The JSON schemas of the service's request and response bodies (components/schemas of the
// OpenAPI document, openapi.h). Each route names its request and response schema in its
// RouteSpec; the service tests validate every response they get, and every request body the
// service accepted, against the served document (tests/service/conftest.py), so a schema that
// drifts from the handlers fails the tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace commerce::service {

// Every named schema: responses list every field they carry as required and allow no other
// (the handlers always write them all); requests name their required fields and allow no
// other (the handlers refuse unknown fields). "XPage" and "XList" names are made from X by
// openapi_document().
nlohmann::json component_schemas();

}  // namespace commerce::service
