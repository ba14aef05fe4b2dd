// Statements of sagas: the saga row of an order and its log.
#include <fmt/format.h>

#include "commerce/error.h"
#include "query.h"
#include "row_batch.h"
#include "storage/saga_steps_text.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::RowBatch;
using storage_text::join_steps;
using storage_text::split_steps;

namespace {

const std::string kSagaColumns = "order_id, state, step, position, steps, reason, updated_at";

SagaRecord saga_from(const Query& q) {
  return SagaRecord{.order_id = q.text(0),
                    .state = parse_saga_state(q.text(1)),
                    .step = static_cast<int>(q.int64(2)),
                    .position = q.int64(3),
                    .steps = split_steps(q.text(4)),
                    .reason = q.text(5),
                    .updated_at = q.int64(6)};
}

const Sql kInsertSaga{"INSERT INTO sagas(" + kSagaColumns +
                      ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(order_id) DO NOTHING"};
const Sql kFindSaga{.text = "SELECT " + kSagaColumns + " FROM sagas WHERE order_id = ?1",
                    .lock_rows = true};
// The guard makes position = ?5 where it applies, so position + 1 is ?5 + 1.
const Sql kUpdateSaga{
    "UPDATE sagas SET state = ?1, step = ?2, reason = ?3, updated_at = ?4, "
    "position = position + 1 WHERE order_id = ?6 AND position = ?5"};
// The ORs repeat the partial index sagas_unfinished's condition, so that both planners see
// that the index fits whatever state ?1 is.
const Sql kListUnfinishedSagas{
    "SELECT " + kSagaColumns + " FROM sagas WHERE state = ?1 AND (state = 'running' "
    "OR state = 'awaiting_payment' OR state = 'compensating' OR state = 'cancelling') "
    "AND order_id > ?2 ORDER BY order_id LIMIT ?3"};
const RowBatch kInsertSagaLogs{"INSERT INTO saga_log(order_id, step, action, detail, at) VALUES",
                               5, " ON CONFLICT(order_id, step, action) DO NOTHING"};
const Sql kFindSagaLog{
    "SELECT step, action, detail, at FROM saga_log WHERE order_id = ?1 ORDER BY seq"};

}  // namespace

bool Transaction::insert_saga(const SagaRecord& g) {
  Query q(session_, kInsertSaga);
  const std::string steps = join_steps(g.steps);
  q.bind(1, g.order_id).bind_name(2, to_string(g.state)).bind(3, g.step);
  q.bind(4, g.position).bind(5, steps).bind(6, g.reason).bind(7, g.updated_at);
  return q.run_expecting(1) == 1;
}

std::optional<SagaRecord> Transaction::find_saga(const std::string& order_id) {
  Query q(session_, kFindSaga);
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return saga_from(q);
}

bool Transaction::try_update_saga(const SagaRecord& g, std::int64_t expected_position) {
  Query q(session_, kUpdateSaga);
  q.bind_name(1, to_string(g.state)).bind(2, g.step).bind(3, g.reason);
  q.bind(4, g.updated_at).bind(5, expected_position).bind(6, g.order_id);
  return q.run_expecting(1) == 1;
}

std::vector<SagaRecord> Transaction::list_unfinished_sagas(SagaState state,
                                                           const std::string& after_order_id,
                                                           int limit) {
  if (state == SagaState::kConfirmed || state == SagaState::kFailed ||
      state == SagaState::kCancelled) {
    throw Error::internal(fmt::format("list_unfinished_sagas: '{}' is a finished state",
                                      to_string(state)));
  }
  Query q(session_, kListUnfinishedSagas);
  q.bind_name(1, to_string(state)).bind(2, after_order_id).bind(3, limit);
  std::vector<SagaRecord> out;
  while (q.step()) out.push_back(saga_from(q));
  return out;
}

std::int64_t Transaction::insert_saga_logs(const std::vector<SagaLogEntry>& lines) {
  return kInsertSagaLogs.insert_expecting(session_, lines, [](Query& q, int at, const SagaLogEntry& e) {
    q.bind(at, e.order_id).bind(at + 1, e.step).bind(at + 2, e.action).bind(at + 3, e.detail);
    q.bind(at + 4, e.at);
  });
}

std::vector<SagaLogEntry> Transaction::find_saga_log(const std::string& order_id) {
  Query q(session_, kFindSagaLog);
  q.bind(1, order_id);
  std::vector<SagaLogEntry> out;
  while (q.step()) out.push_back({order_id, q.text(0), q.text(1), q.text(2), q.int64(3)});
  return out;
}

}  // namespace commerce
