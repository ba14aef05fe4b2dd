#include "event_writer.h"

#include <fmt/format.h>

#include <vector>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "validate.h"

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
    {"StockTransferred", "product", "stock", "transferred"},
    {"StockLow", "product", "stock", "low"},
    {"StockReplenished", "product", "stock", "replenished"},
    {"StockLocationCreated", "product", "stock", "location-created"},
    {"StockLocationUpdated", "product", "stock", "location-updated"},
    {"PointCharged", "user", "point", "charged"},
    {"PointUsed", "user", "point", "used"},
    {"PointRestored", "user", "point", "restored"},
    {"PointAdjusted", "user", "point", "adjusted"},
    {"PointRefunded", "user", "point", "refunded"},
    {"CouponTemplateCreated", "order", "coupon", "template-created"},
    {"CouponIssued", "order", "coupon", "issued"},
    {"CouponUsed", "order", "coupon", "used"},
    {"CouponRestored", "order", "coupon", "restored"},
    {"CouponRevoked", "order", "coupon", "revoked"},
    {"CartAbandoned", "order", "cart", "abandoned"},
    {"CartCheckedOut", "order", "cart", "checked-out"},
    {"CartHeld", "order", "cart", "held"},
    {"OrderCreated", "order", "order", "created"},
    {"OrderAwaitingPayment", "order", "order", "awaiting-payment"},
    {"OrderConfirmed", "order", "order", "confirmed"},
    {"OrderFailed", "order", "order", "failed"},
    {"OrderCancelled", "order", "order", "cancelled"},
    {"OrderShipped", "order", "order", "shipped"},
    {"OrderDelivered", "order", "order", "delivered"},
    {"OrderShipmentReturned", "order", "order", "shipment-returned"},
    {"ShipmentCreated", "order", "shipment", "created"},
    {"ShipmentLabelCreated", "order", "shipment", "label-created"},
    {"ShipmentDispatched", "order", "shipment", "dispatched"},
    {"ShipmentInTransit", "order", "shipment", "in-transit"},
    {"ShipmentDeliveryFailed", "order", "shipment", "delivery-failed"},
    {"ShipmentDelivered", "order", "shipment", "delivered"},
    {"ShipmentReturned", "order", "shipment", "returned"},
    {"ShipmentCancelled", "order", "shipment", "cancelled"},
    {"OrderPersonalDataErased", "order", "order", "personal-data-erased"},
    {"OrderItemsCancelled", "order", "order", "items-cancelled"},
    {"ReturnRequested", "order", "return", "requested"},
    {"ReturnApproved", "order", "return", "approved"},
    {"ReturnRejected", "order", "return", "rejected"},
    {"ReturnReceived", "order", "return", "received"},
    {"ReturnRefunded", "order", "return", "refunded"},
    {"ReturnRefundDeclined", "order", "return", "refund-declined"},
    {"PaymentCompleted", "order", "payment", "completed"},
    {"PaymentFailed", "order", "payment", "failed"},
    {"PaymentRefunded", "order", "payment", "refunded"},
    {"PaymentVoided", "order", "payment", "voided"},
};

const EventKind* find_kind(std::string_view type) {
  for (const auto& kind : kEventKinds) {
    if (kind.type == type) return &kind;
  }
  return nullptr;
}

const EventKind& kind_of(std::string_view type) {
  if (const EventKind* kind = find_kind(type)) return *kind;
  throw Error::internal(fmt::format("event type '{}' is not catalogued", type));
}

constexpr std::size_t kMaxHostTypeBytes = 64;
constexpr int kMaxHostTypeWords = 8;

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The words of a host event type (see emit_host_event()), lower-cased; InvalidArgument naming
// "type" if it is not 2..8 PascalCase words or is a catalogued type.
std::vector<std::string> host_type_words(std::string_view type) {
  const auto refuse = [](const std::string& problem) {
    return Error::invalid_argument("type", problem);
  };
  if (type.empty() || type.size() > kMaxHostTypeBytes) {
    throw refuse(fmt::format("must be 1..{} characters", kMaxHostTypeBytes));
  }
  if (find_kind(type) != nullptr) {
    throw refuse(fmt::format("'{}' is one of the library's own event types; the library's "
                             "operations write those",
                             type));
  }
  std::vector<std::string> words;
  for (std::size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    if (is_upper(c)) {
      words.emplace_back(1, static_cast<char>(c - 'A' + 'a'));
    } else if (is_lower_or_digit(c) && !words.empty()) {
      words.back() += c;
    } else {
      throw refuse("must be PascalCase words of A-Z followed by a-z 0-9, e.g. LoyaltyBonusApplied");
    }
  }
  for (const auto& word : words) {
    if (word.size() < 2) {
      throw refuse("each word must be an uppercase letter followed by lowercase letters or "
                   "digits, e.g. LoyaltyBonusApplied");
    }
  }
  if (words.size() < 2 || static_cast<int>(words.size()) > kMaxHostTypeWords) {
    throw refuse(fmt::format("must be 2..{} words: the entity, then the event, e.g. "
                             "LoyaltyBonusApplied",
                             kMaxHostTypeWords));
  }
  return words;
}

std::string host_topic(std::string_view type, TopicNaming naming) {
  const std::vector<std::string> words = host_type_words(type);
  if (naming == TopicNaming::kPerDomain) return "host-events";
  std::string event = words[1];
  for (std::size_t i = 2; i < words.size(); ++i) event += "-" + words[i];
  return fmt::format("host.{}.{}", words[0], event);
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

Event make_event(Command& cmd, std::string_view type, std::string topic, const std::string& key,
                 std::string payload) {
  Event event;
  event.id = new_id(cmd.now);
  event.type = std::string(type);
  event.schema_version = 1;
  event.topic = std::move(topic);
  event.key = key;
  event.occurred_at = cmd.now;
  event.request_id = cmd.request_id;
  event.payload = std::move(payload);
  return event;
}

}  // namespace

// The library's own events are queued: the unit writes them together when it ends.
void emit(Command& cmd, std::string_view type, const std::string& key,
          const nlohmann::json& payload) {
  cmd.tx.queue_event(
      make_event(cmd, type, topic_for(type, cmd.ctx.options.topic_naming), key, payload.dump()));
}

void emit(Command& cmd, std::string_view type, const std::string& key, const JsonText& payload) {
  cmd.tx.queue_event(
      make_event(cmd, type, topic_for(type, cmd.ctx.options.topic_naming), key, payload.str()));
}

Event emit_host_event(Command& cmd, const std::string& type, const std::string& key,
                      const std::string& payload) {
  std::string topic = host_topic(type, cmd.ctx.options.topic_naming);
  check_id("key", key);
  check_json_object("payload", payload);
  // A host's event is appended at once: the host is given its seq.
  Event event = make_event(cmd, type, std::move(topic), key, payload);
  event.seq = cmd.tx.append_event(event);
  return event;
}

}  // namespace commerce::detail
