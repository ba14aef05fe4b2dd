// problem+json documents (RFC 9457). See problem.h.
#include "problem.h"

#include <nlohmann/json.hpp>

namespace commerce::service {

namespace {

HttpResponse problem(int status, const std::string& code, const std::string& reason,
                     const std::string& subject, const std::string& detail) {
  HttpResponse out;
  out.status = status;
  out.content_type = "application/problem+json";
  out.body = nlohmann::json{{"type", "urn:commerce:error:" + code},
                            {"title", code},
                            {"status", status},
                            {"detail", detail},
                            {"code", code},
                            {"reason", reason},
                            {"subject", subject}}
                 .dump();
  return out;
}

}  // namespace

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kInvalidArgument: return 422;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kConflict: return 422;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

HttpResponse problem_response(const Error& error) {
  HttpResponse out =
      problem(http_status_for(error.code()), std::string(to_string(error.code())),
              std::string(to_string(error.reason())), error.subject(), error.what());
  if (error.code() == ErrorCode::kUnavailable) out.headers["Retry-After"] = "1";
  return out;
}

HttpResponse problem_response(int status, const std::string& code, const std::string& subject,
                              const std::string& detail) {
  return problem(status, code, "none", subject, detail);
}

}  // namespace commerce::service
