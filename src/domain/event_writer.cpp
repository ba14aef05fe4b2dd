#include "event_writer.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"

namespace commerce::detail {

namespace {

struct EventKind {
  std::string_view type;
  std::string_view domain;  // user | product | order
  std::string_view entity;
  std::string_view event;
};

constexpr EventKind kEventKinds[] = {
    {"ProductCreated", "product", "product", "created"},
    {"ProductUpdated", "product", "product", "updated"},
    {"ProductDeleted", "product", "product", "deleted"},
    {"StockReserved", "product", "stock", "reserved"},
    {"StockReleased", "product", "stock", "released"},
    {"StockCommitted", "product", "stock", "committed"},
    {"StockAdjusted", "product", "stock", "adjusted"},
    {"PointCharged", "user", "point", "charged"},
    {"PointUsed", "user", "point", "used"},
    {"PointRestored", "user", "point", "restored"},
    {"PointAdjusted", "user", "point", "adjusted"},
    {"CouponTemplateCreated", "order", "coupon", "template-created"},
    {"CouponIssued", "order", "coupon", "issued"},
    {"CouponUsed", "order", "coupon", "used"},
    {"CouponRestored", "order", "coupon", "restored"},
    {"CouponRevoked", "order", "coupon", "revoked"},
    {"OrderCreated", "order", "order", "created"},
    {"OrderAwaitingPayment", "order", "order", "awaiting-payment"},
    {"OrderConfirmed", "order", "order", "confirmed"},
    {"OrderFailed", "order", "order", "failed"},
    {"OrderCancelled", "order", "order", "cancelled"},
    {"OrderShipped", "order", "order", "shipped"},
    {"OrderDelivered", "order", "order", "delivered"},
    {"PaymentCompleted", "order", "payment", "completed"},
    {"PaymentFailed", "order", "payment", "failed"},
    {"PaymentRefunded", "order", "payment", "refunded"},
    {"PaymentVoided", "order", "payment", "voided"},
};

const EventKind& kind_of(std::string_view type) {
  for (const auto& kind : kEventKinds) {
    if (kind.type == type) return kind;
  }
  throw Error::internal(fmt::format("event type '{}' is not catalogued", type));
}

}  // namespace

std::string topic_for(std::string_view type, TopicNaming naming) {
  const EventKind& kind = kind_of(type);
  if (naming == TopicNaming::kPerType) {
    return fmt::format("{}.{}.{}", kind.domain, kind.entity, kind.event);
  }
  std::string topic(kind.domain);
  topic += "-events";
  return topic;
}

namespace {

void append(Command& cmd, std::string_view type, const std::string& key, std::string payload) {
  Event event;
  event.id = new_id(cmd.now);
  event.type = std::string(type);
  event.schema_version = 1;
  event.topic = topic_for(type, cmd.ctx.options.topic_naming);
  event.key = key;
  event.occurred_at = cmd.now;
  event.request_id = cmd.request_id;
  event.payload = std::move(payload);
  cmd.tx.append_event(event);
}

}  // namespace

void emit(Command& cmd, std::string_view type, const std::string& key,
          const nlohmann::json& payload) {
  append(cmd, type, key, payload.dump());
}

void emit(Command& cmd, std::string_view type, const std::string& key, const JsonText& payload) {
  append(cmd, type, key, payload.str());
}

}  // namespace commerce::detail
