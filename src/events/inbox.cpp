#include "commerce/inbox.h"

#include <fmt/format.h>

#include <limits>
#include <mutex>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/storage.h"
#include "domain/context.h"
#include "domain/unit_access.h"
#include "domain/validate.h"
#include "inbox_handlers.h"
#include "storage/transaction.h"

namespace commerce {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxMessageBytes = 64 * 1024;
constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxTypeBytes = 64;
constexpr std::size_t kMaxSourceBytes = 128;

void check_type(std::string_view type) {
  if (type.empty() || type.size() > kMaxTypeBytes) {
    throw Error::invalid_argument("type", "must be 1..64 characters");
  }
  for (char c : type) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) throw Error::invalid_argument("type", "may hold only A-Z a-z 0-9 . _ -");
  }
}

// Parses JSON text, refusing nesting deeper than kMaxDepth (deep values would make the
// recursive dump and comparisons stack-hungry). `field` names the text in errors.
json parse_bounded(std::string_view text, const std::string& field) {
  bool too_deep = false;
  json j;
  try {
    j = json::parse(text, [&](int depth, json::parse_event_t, json&) {
      if (depth > kMaxDepth) {
        too_deep = true;
        return false;
      }
      return true;
    });
  } catch (const json::exception& e) {
    throw Error::invalid_argument(field, fmt::format("is not valid JSON: {}", e.what()));
  }
  if (too_deep) {
    throw Error::invalid_argument(field, fmt::format("nests deeper than {} levels", kMaxDepth));
  }
  return j;
}

json payload_object(const IncomingMessage& m) {
  json j = parse_bounded(m.payload, "payload");
  if (!j.is_object()) throw Error::invalid_argument("payload", "must be a JSON object");
  return j;
}

std::string fingerprint_of(const IncomingMessage& m) {
  return json{{"id", m.id},
              {"type", m.type},
              {"source", m.source},
              {"occurred_at", m.occurred_at},
              {"payload", json::parse(m.payload)}}
      .dump();
}

// Checks a message built in C++ (parse_incoming_message() output passes) and returns it with
// the payload in canonical form.
IncomingMessage checked(const IncomingMessage& m) {
  detail::check_id("id", m.id);
  check_type(m.type);
  detail::check_text("source", m.source, kMaxSourceBytes, false);
  if (m.occurred_at < 0) throw Error::invalid_argument("occurred_at", "must not be negative");
  if (m.payload.size() > kMaxMessageBytes) {
    throw Error::invalid_argument("payload", "must be at most 64 KiB");
  }
  IncomingMessage out = m;
  out.payload = payload_object(m).dump();
  return out;
}

}  // namespace

std::string_view to_string(InboxOutcome outcome) {
  return outcome == InboxOutcome::kApplied ? "applied" : "duplicate";
}

// --- IncomingMessage fields

std::string IncomingMessage::string_field(std::string_view name, bool id_like) const {
  const std::string field = fmt::format("payload.{}", name);
  const json j = payload_object(*this);
  auto it = j.find(name);
  if (it == j.end()) throw Error::invalid_argument(field, "is missing");
  if (!it->is_string()) throw Error::invalid_argument(field, "must be a string");
  std::string value = it->get<std::string>();
  if (id_like) {
    detail::check_id(field, value);
  } else {
    detail::check_text(field, value, detail::kMaxNameBytes, false);
  }
  return value;
}

std::optional<std::string> IncomingMessage::optional_string_field(std::string_view name) const {
  const json j = payload_object(*this);
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return std::nullopt;
  const std::string field = fmt::format("payload.{}", name);
  if (!it->is_string()) throw Error::invalid_argument(field, "must be a string");
  std::string value = it->get<std::string>();
  detail::check_text(field, value, detail::kMaxNameBytes, false);
  return value;
}

std::int64_t IncomingMessage::int_field(std::string_view name) const {
  const std::string field = fmt::format("payload.{}", name);
  const json j = payload_object(*this);
  auto it = j.find(name);
  if (it == j.end()) throw Error::invalid_argument(field, "is missing");
  if (it->is_number_integer() && !it->is_number_unsigned()) return it->get<std::int64_t>();
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(it->get<std::uint64_t>());
  }
  throw Error::invalid_argument(field, "must be an integer within int64");
}

// --- parser

IncomingMessage parse_incoming_message(std::string_view text) {
  if (text.size() > kMaxMessageBytes) {
    throw Error::invalid_argument("message", "must be at most 64 KiB");
  }
  const json j = parse_bounded(text, "message");
  if (!j.is_object()) throw Error::invalid_argument("message", "must be a JSON object");
  for (const auto& [name, value] : j.items()) {
    if (name != "id" && name != "type" && name != "source" && name != "occurred_at" &&
        name != "payload") {
      if (name.empty()) throw Error::invalid_argument("message", "has a field with an empty name");
      const std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
      throw Error::invalid_argument(shown, "is not a message field (id, type, source, "
                                           "occurred_at, payload)");
    }
  }
  IncomingMessage m;
  auto string_of = [&](const char* name, bool required) -> std::string {
    auto it = j.find(name);
    if (it == j.end() || (!required && it->is_null())) {
      if (required) throw Error::invalid_argument(name, "is missing");
      return {};
    }
    if (!it->is_string()) throw Error::invalid_argument(name, "must be a string");
    return it->get<std::string>();
  };
  m.id = string_of("id", true);
  detail::check_id("id", m.id);
  m.type = string_of("type", true);
  check_type(m.type);
  m.source = string_of("source", false);
  detail::check_text("source", m.source, kMaxSourceBytes, false);
  if (auto it = j.find("occurred_at"); it != j.end() && !it->is_null()) {
    if (it->is_number_unsigned() &&
        it->get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      m.occurred_at = static_cast<Timestamp>(it->get<std::uint64_t>());
    } else if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
      m.occurred_at = it->get<std::int64_t>();
    } else {
      throw Error::invalid_argument("occurred_at", "must be a non-negative integer (ms)");
    }
  }
  auto payload = j.find("payload");
  if (payload == j.end()) throw Error::invalid_argument("payload", "is missing");
  if (!payload->is_object()) throw Error::invalid_argument("payload", "must be a JSON object");
  m.payload = payload->dump();
  return m;
}

// --- Inbox

Inbox::Inbox(const detail::Context& ctx, OrderBook* orders) : ctx_(ctx), orders_(orders) {
  detail::register_builtin_handlers(*this, orders_);
}

Inbox::~Inbox() = default;

void Inbox::register_handler(const std::string& type, Handler handler) {
  check_type(type);
  if (!handler) throw Error::invalid_argument("handler", "must not be empty");
  std::unique_lock lock(mu_);
  handlers_[type] = std::move(handler);
}

bool Inbox::has_handler(const std::string& type) const {
  std::shared_lock lock(mu_);
  return handlers_.contains(type);
}

std::vector<std::string> Inbox::types() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [type, handler] : handlers_) out.push_back(type);
  return out;
}

InboxOutcome Inbox::receive(std::string_view text) { return receive(parse_incoming_message(text)); }

InboxOutcome Inbox::receive(const IncomingMessage& raw) {
  const IncomingMessage message = checked(raw);
  Handler handler;
  {
    std::shared_lock lock(mu_);
    auto it = handlers_.find(message.type);
    if (it == handlers_.end()) {
      throw Error::invalid_argument(
          "type", fmt::format("no handler for message type '{}' (message '{}')", message.type,
                              message.id));
    }
    handler = it->second;
  }
  const std::string fingerprint = fingerprint_of(message);
  InboxOutcome outcome = InboxOutcome::kDuplicate;
  std::vector<std::function<void()>> follow_ups;
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    follow_ups.clear();
    detail::Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    if (!tx.insert_inbox_message({message.id, message.type, fingerprint, cmd.now})) {
      auto prior = tx.find_inbox_message(message.id);
      if (prior && prior->fingerprint != fingerprint) {
        throw Error::conflict(message.id,
                              fmt::format("message '{}' was already applied with other content: {}",
                                          message.id, prior->fingerprint));
      }
      outcome = InboxOutcome::kDuplicate;
      return;
    }
    follow_ups = detail::UnitAccess::run(cmd, UnitMode::kWrite, [&](Unit& unit) {
      InboxContext context(unit, message);
      handler(context, message);
    });
    outcome = InboxOutcome::kApplied;
  });
  detail::run_after_commit(follow_ups);
  return outcome;
}

bool Inbox::seen(const std::string& message_id) const {
  detail::check_id("message_id", message_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.find_inbox_message(message_id).has_value();
  });
}

std::int64_t Inbox::applied_count() const {
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.count_inbox_messages(); });
}

}  // namespace commerce
