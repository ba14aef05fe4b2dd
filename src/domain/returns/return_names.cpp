// Names of the return statuses, as stored, printed and accepted on input.
#include <string>

#include "commerce/returns.h"
#include "domain/enum_names.h"

namespace commerce {

namespace {

constexpr std::pair<ReturnStatus, const char*> kReturnStatus[] = {
    {ReturnStatus::kRequested, "requested"},
    {ReturnStatus::kApproved, "approved"},
    {ReturnStatus::kRejected, "rejected"},
    {ReturnStatus::kReceived, "received"},
    {ReturnStatus::kRefunded, "refunded"},
    {ReturnStatus::kRefundDeclined, "refund_declined"}};

}  // namespace

std::string_view to_string(ReturnStatus status) { return detail::enum_name(status, kReturnStatus); }
ReturnStatus parse_return_status(std::string_view name) {
  return detail::parse_enum("status", name, kReturnStatus);
}

}  // namespace commerce
