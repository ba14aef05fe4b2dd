// Persisted idempotency keys: the same request_id with the same arguments returns the first
// result; with other arguments it is a Conflict. The key is stored in the same transaction as
// the command's effect, so a crash cannot separate them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "context.h"
#include "validate.h"

namespace commerce::detail {

// Runs `body` once per request_id. `call` names the command and holds its arguments.
template <class Body>
auto once_per_request(Command& cmd, const nlohmann::json& call, Body&& body)
    -> decltype(body()) {
  using Result = decltype(body());
  if (cmd.request_id.empty()) return body();
  check_id("request_id", cmd.request_id);
  const std::string fingerprint = call.dump();
  if (auto prior = cmd.tx.find_request(cmd.request_id)) {
    if (prior->fingerprint != fingerprint) {
      throw Error::conflict(cmd.request_id,
                            "request_id '" + cmd.request_id +
                                "' was already used with other arguments: " + prior->fingerprint);
    }
    return nlohmann::json::parse(prior->result).get<Result>();
  }
  Result result = body();
  cmd.tx.insert_request(cmd.request_id, {fingerprint, nlohmann::json(result).dump()}, cmd.now);
  return result;
}

}  // namespace commerce::detail
