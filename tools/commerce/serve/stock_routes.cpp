// Stock: GET /products/{id}/stock, POST /products/{id}/stock/adjustments (commerce/stock.h).
#include "cli.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_stock_routes(Router& router, Store& store) {
  router.add({"GET", "/products/{id}/stock", Access::kStorefront, 200,
              "StockLedger::level", "", "StockLevel"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(store.stock().level(call.param("id"))).dump());
  });
  router.add({"POST", "/products/{id}/stock/adjustments", Access::kAdmin, 201,
              "StockLedger::adjust: restock or shrink", "StockAdjustmentRequest", "StockLevel"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::int64_t delta = fields.required_integer("delta");
               const std::string reason = fields.required_text("reason");
               const std::string location = fields.text("location_id").value_or("");
               fields.finish();
               return json_response(
                   201, cli::to_json(store.stock().adjust(call.param("id"), delta, reason,
                                                          call.idempotency_key(), location))
                            .dump());
             });
}

}  // namespace commerce::service
