// The inbox (commerce/inbox.h): POST /inbox/messages receives one message from another
// service (a payment provider's PaymentCompleted / PaymentFailed, a carrier's DeliveryUpdated,
// or a handler the host registered), applied exactly once per message id;
// GET /inbox/messages/{id} says whether a message id has been applied.
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_inbox_routes(Router& router, Store& store) {
  router.add({"POST", "/inbox/messages", Access::kAdmin, 200,
              "Inbox::receive: applied, or duplicate (the id was applied before)",
              "InboxMessage", "InboxReceipt"},
             [&store](const Call& call) {
               const json body = parse_body_object(call.request.body);
               const InboxOutcome outcome = store.inbox().receive(body.dump());
               // receive() parsed the message, so its id is a string.
               return json_response(200, json{{"message_id", body.at("id")},
                                              {"outcome", std::string(to_string(outcome))}}
                                             .dump());
             });
  router.add({"GET", "/inbox/messages/{id}", Access::kAdmin, 200,
              "Inbox::seen: whether the message id has been applied", "", "InboxMessageSeen"},
             [&store](const Call& call) {
               const std::string& id = call.param("id");
               return json_response(
                   200, json{{"message_id", id}, {"seen", store.inbox().seen(id)}}.dump());
             });
}

}  // namespace commerce::service
