// PaymentGateway's defaults for the calls a gateway may not offer.
#include "commerce/error.h"
#include "commerce/payments.h"

namespace commerce {

PaymentResult PaymentGateway::refund_part(const std::string& payment_key, const std::string&,
                                          Money, std::int64_t) {
  throw Error::failed_precondition(
      Reason::kNone, "gateway",
      "the payment gateway offers no partial refunds (payment '" + payment_key + "')");
}

}  // namespace commerce
