// Statements of idempotency keys (requests) and store settings.
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const Sql kFindRequest{.text = "SELECT fingerprint, result FROM requests WHERE request_id = ?1",
                       .lock_rows = true};
const Sql kInsertRequest{
    "INSERT INTO requests(request_id, fingerprint, result, created_at) VALUES(?1, ?2, ?3, ?4)"};
const Sql kFindSetting{.text = "SELECT value FROM settings WHERE key = ?1", .lock_rows = true};
const Sql kPutSetting{
    "INSERT INTO settings(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"};

}  // namespace

std::optional<RequestRecord> Transaction::find_request(const std::string& request_id) {
  Query q(session_, kFindRequest);
  q.bind(1, request_id);
  if (!q.step()) return std::nullopt;
  return RequestRecord{q.text(0), q.text(1)};
}

void Transaction::insert_request(const std::string& request_id, const RequestRecord& record,
                                 Timestamp now) {
  Query q(session_, kInsertRequest);
  q.bind(1, request_id).bind(2, record.fingerprint).bind(3, record.result).bind(4, now).run_later();
}

std::optional<std::string> Transaction::find_setting(const std::string& key) {
  Query q(session_, kFindSetting);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void Transaction::put_setting(const std::string& key, const std::string& value) {
  Query q(session_, kPutSetting);
  q.bind(1, key).bind(2, value).run_later();
}

}  // namespace commerce
