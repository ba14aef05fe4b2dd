// StockLocations: the locations stock is kept in (commerce/locations.h).
#include "commerce/locations.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "context.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "validate.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace {

constexpr std::int64_t kMaxPriority = 1'000'000;

void check_location_fields(const StockLocation& l) {
  detail::check_id("id", l.id);
  detail::check_text("name", l.name, 200, true);
  if (l.priority < -kMaxPriority || l.priority > kMaxPriority) {
    throw Error::invalid_argument("priority", "must be -1000000..1000000");
  }
  detail::check_text("region", l.region, detail::kMaxRegionBytes, false);
}

}  // namespace

StockLocation StockLocations::create(const NewStockLocation& spec, const std::string& request_id) {
  StockLocation location{.id = spec.id,
                         .name = spec.name,
                         .active = spec.active,
                         .priority = spec.priority,
                         .region = spec.region};
  check_location_fields(location);
  const json call = {{"op", "locations.create"}, {"location", location}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      StockLocation row = location;
      row.created_at = row.updated_at = cmd.now;
      if (!tx.insert_location(row)) {
        throw Error::failed_precondition(Reason::kNone, row.id,
                                         fmt::format("stock location '{}' already exists", row.id));
      }
      detail::emit(cmd, "StockLocationCreated", row.id,
                   detail::JsonText()
                       .add("location_id", row.id)
                       .add("name", row.name)
                       .add("active", row.active)
                       .add("priority", row.priority)
                       .add("region", row.region));
      return row;
    });
  });
}

StockLocation StockLocations::update(const std::string& id, const StockLocationChanges& changes,
                                     const std::string& request_id) {
  detail::check_id("id", id);
  json change_json = json::object();
  if (changes.name) change_json["name"] = *changes.name;
  if (changes.active) change_json["active"] = *changes.active;
  if (changes.priority) change_json["priority"] = *changes.priority;
  if (changes.region) change_json["region"] = *changes.region;
  const json call = {{"op", "locations.update"}, {"id", id}, {"changes", change_json}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      auto row = tx.find_location(id, true);
      if (!row) throw Error::not_found("stock location", id);
      if (changes.name) row->name = *changes.name;
      if (changes.active) row->active = *changes.active;
      if (changes.priority) row->priority = *changes.priority;
      if (changes.region) row->region = *changes.region;
      check_location_fields(*row);
      row->updated_at = cmd.now;
      tx.update_location(*row);
      json payload = change_json;
      payload["location_id"] = id;
      detail::emit(cmd, "StockLocationUpdated", id, payload);
      return *row;
    });
  });
}

StockLocation StockLocations::get(const std::string& id) const {
  detail::check_id("id", id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto row = tx.find_location(id);
    if (!row) throw Error::not_found("stock location", id);
    return *row;
  });
}

std::vector<StockLocation> StockLocations::list() const {
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.list_locations(); });
}

}  // namespace commerce
