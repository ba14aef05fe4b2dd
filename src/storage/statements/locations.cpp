// Statements of stock locations (commerce/locations.h).
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kLocationColumns = "id, name, active, priority, region, created_at, updated_at";
const Sql kInsertLocation{"INSERT INTO stock_locations(" + kLocationColumns +
                          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING"};
const Sql kUpdateLocation{
    "UPDATE stock_locations SET name = ?2, active = ?3, priority = ?4, region = ?5, "
    "updated_at = ?7 WHERE id = ?1 AND created_at = ?6"};
const Sql kFindLocation{"SELECT " + kLocationColumns + " FROM stock_locations WHERE id = ?1"};
const Sql kLockLocation{.text = kFindLocation.text, .lock_rows = true};
const Sql kListLocations{"SELECT " + kLocationColumns +
                         " FROM stock_locations ORDER BY priority, id"};

StockLocation location_from(const Query& q) {
  return StockLocation{.id = q.text(0),
                       .name = q.text(1),
                       .active = q.int64(2) != 0,
                       .priority = q.int64(3),
                       .region = q.text(4),
                       .created_at = q.int64(5),
                       .updated_at = q.int64(6)};
}

void bind_location(Query& q, const StockLocation& l) {
  q.bind(1, l.id).bind(2, l.name).bind(3, l.active ? 1 : 0).bind(4, l.priority);
  q.bind(5, l.region).bind(6, l.created_at).bind(7, l.updated_at);
}

}  // namespace

bool Transaction::insert_location(const StockLocation& location) {
  Query q(session_, kInsertLocation);
  bind_location(q, location);
  return q.run() == 1;
}

void Transaction::update_location(const StockLocation& location) {
  Query q(session_, kUpdateLocation);
  bind_location(q, location);
  q.run();
}

std::optional<StockLocation> Transaction::find_location(const std::string& id, bool lock) {
  Query q(session_, lock ? kLockLocation : kFindLocation);
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return location_from(q);
}

std::vector<StockLocation> Transaction::list_locations() {
  Query q(session_, kListLocations);
  std::vector<StockLocation> out;
  while (q.step()) out.push_back(location_from(q));
  return out;
}

}  // namespace commerce
