// Operations: GET /check (the invariants, commerce/invariants.h), GET /stats (store figures),
// POST /recover and POST /sweep (commerce/orders.h), GET /outbox/dead-letters and
// POST /outbox/dead-letters/retry (commerce/outbox_relay.h).
#include "cli.h"
#include "commerce/event_sink.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_operator_routes(Router& router, Store& store) {
  router.add({"GET", "/check", Access::kOperator, 200,
              "check_invariants (settled=false: sagas in flight are no violation)", "",
              "InvariantReport", {{"settled"}}},
             [&store](const Call& call) {
               const bool settled = call.request.query_value("settled") != "false";
               const InvariantReport report = check_invariants(store, settled);
               json violations = json::array();
               for (const auto& v : report.violations) {
                 violations.push_back(
                     {{"rule", v.rule}, {"subject", v.subject}, {"detail", v.detail}});
               }
               return json_response(200, json{{"ok", report.ok()},
                                              {"violations", violations},
                                              {"truncated", report.truncated},
                                              {"products", report.products},
                                              {"users", report.users},
                                              {"coupons", report.coupons},
                                              {"templates", report.templates},
                                              {"orders", report.orders}}
                                             .dump());
             });
  router.add({"GET", "/stats", Access::kOperator, 200,
              "store figures: rows, outbox pending / lag / dead letters, inbox", "", "StoreStats"},
             [&store](const Call&) { return json_response(200, cli::stats_json(store).dump()); });
  router.add({"POST", "/recover", Access::kOperator, 200,
              "OrderBook::recover: finish or compensate every saga in flight",
              "", "RecoveryReport"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               return json_response(200, cli::to_json(store.orders().recover()).dump());
             });
  router.add({"POST", "/sweep", Access::kOperator, 200,
              "OrderBook::sweep, StockLedger::release_expired, Carts::sweep: expired orders, "
              "holds and guest carts", "SweepRequest", "SweepReport"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::int64_t limit = fields.integer("limit").value_or(100);
               fields.finish();
               if (limit < 1 || limit > kMaxPageSize) {
                 throw Error::invalid_argument("limit", "must be from 1 to " +
                                                            std::to_string(kMaxPageSize));
               }
               const auto cancelled = store.orders().sweep(static_cast<int>(limit));
               const auto released = store.stock().release_expired(static_cast<int>(limit));
               const auto expired = store.carts().sweep(static_cast<int>(limit));
               return json_response(200, json{{"cancelled_orders", cancelled},
                                              {"released_reservations", released},
                                              {"expired_carts", expired}}
                                             .dump());
             });
  router.add({"GET", "/outbox/dead-letters", Access::kOperator, 200,
              "OutboxRelay::dead_letters: events the relay gave up on (after=SEQ, limit)", "",
              "DeadLetterList",
              {{"after", true}, {"limit", true}}},
             [&store](const Call& call) {
               std::int64_t after = 0;
               const std::string after_text = call.request.query_value("after");
               if (!after_text.empty() && (!cli::parse_int(after_text, after) || after < 0)) {
                 throw Error::invalid_argument("after", "must be a sequence number >= 0");
               }
               MemorySink unused;  // the relay's reads need no sink
               OutboxRelay relay(store, unused);
               json items = json::array();
               for (const DeadLetter& d : relay.dead_letters(after, call.limit())) {
                 items.push_back(cli::to_json(d));
               }
               return json_response(200, json{{"items", items}}.dump());
             });
  router.add({"POST", "/outbox/dead-letters/retry", Access::kOperator, 200,
              "OutboxRelay::retry_dead_letters: back to pending (all, or one key)",
              "DeadLetterRetry", "DeadLetterRetried"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string key = fields.text("key").value_or("");
               fields.finish();
               MemorySink unused;
               OutboxRelay relay(store, unused);
               return json_response(200,
                                    json{{"requeued", relay.retry_dead_letters(key)}}.dump());
             });
}

}  // namespace commerce::service
