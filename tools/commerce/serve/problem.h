// Errors as application/problem+json (RFC 9457): every failed request of `commerce serve` gets
// one, carrying the library's error code, reason and subject (docs/service.md, "Errors").
#pragma once

#include <string>

#include "commerce/error.h"
#include "http_server.h"

namespace commerce::service {

// The HTTP status of a library error: NotFound 404, InvalidArgument 422, FailedPrecondition
// 409, Conflict (an Idempotency-Key reused with other arguments) 422, Unavailable 503 (with
// Retry-After), Internal 500.
int http_status_for(ErrorCode code);

// The problem document of a library error:
//   {"type": "urn:commerce:error:<code>", "title": <code>, "status": ..., "detail": <message>,
//    "code": <code>, "reason": <reason>, "subject": <field or id>}
HttpResponse problem_response(const Error& error);

// A problem the HTTP layer itself finds (no route, a missing key, a body too large, malformed
// JSON): `code` names it (e.g. "Unauthorized", "MalformedJson"), `subject` the header or field.
HttpResponse problem_response(int status, const std::string& code, const std::string& subject,
                              const std::string& detail);

// Thrown by request parsing and the access check to answer with `response` at once (the
// service's handler catches it; no library call has been made).
struct HttpProblem {
  HttpResponse response;
};

}  // namespace commerce::service
