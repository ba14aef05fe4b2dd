// The saga engine's driver: which move comes next, which run in the current unit of work, and
// the loop that makes the external ones. Step-specific work is in the rows (builtin_steps.cpp,
// payment_step.cpp, host steps).
#include "saga_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <thread>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"

namespace commerce::detail {

using nlohmann::json;

void move_saga_row(Command& cmd, SagaRecord& saga, SagaRecord next) {
  next.updated_at = cmd.now;
  if (!cmd.tx.try_update_saga(next, saga.position)) throw SagaMoved{};
  next.position = saga.position + 1;
  saga = std::move(next);
}

void log_saga_row(Command& cmd, const std::string& order_id, const std::string& step,
                  const std::string& action, const json& detail) {
  if (cmd.tx.insert_saga_logs({{order_id, step, action, detail.dump(), cmd.now}}) != 1) {
    throw SagaMoved{};
  }
}

void move_saga(Command& cmd, SagaSnapshot& s, SagaRecord next) {
  if (!s.unwritten.saga_moved) {
    s.unwritten.saga_moved = true;
    s.unwritten.read_position = s.saga.position;
  }
  next.updated_at = cmd.now;
  next.position = s.saga.position;
  s.saga = std::move(next);
}

namespace {

// A business refusal (the step says no) rather than a fault.
bool is_refusal(const Error& e) {
  return e.code() == ErrorCode::kFailedPrecondition || e.code() == ErrorCode::kInvalidArgument ||
         e.code() == ErrorCode::kNotFound || e.code() == ErrorCode::kConflict;
}

// The saga log line's action as a metric (commerce/metrics.h, MetricsSnapshot::Saga); the
// lines of the saga's own transitions (step "order") are no step's.
void count_step(const std::string& step, const std::string& action) {
  if (step == "order") return;
  if (action == "done") {
    count_in_unit(UnitCounter::kStepsDone);
  } else if (action == "failed") {
    count_in_unit(UnitCounter::kStepsRefused);
  } else if (action == "compensated") {
    count_in_unit(UnitCounter::kStepsCompensated);
  }
}

// The order's new state as a metric (MetricsSnapshot::Orders).
void count_order(OrderStatus to) {
  switch (to) {
    case OrderStatus::kAwaitingPayment: count_in_unit(UnitCounter::kOrdersAwaitingPayment); break;
    case OrderStatus::kConfirmed: count_in_unit(UnitCounter::kOrdersConfirmed); break;
    case OrderStatus::kFailed: count_in_unit(UnitCounter::kOrdersFailed); break;
    case OrderStatus::kCancelled: count_in_unit(UnitCounter::kOrdersCancelled); break;
    default: break;
  }
}

}  // namespace

void log_saga(Command& cmd, SagaSnapshot& s, const std::string& step, const std::string& action,
              const JsonText& detail) {
  s.unwritten.log.push_back({s.order.id, step, action, detail.str(), cmd.now});
}

void log_saga(Command& cmd, SagaSnapshot& s, const std::string& step, const std::string& action,
              const json& detail) {
  s.unwritten.log.push_back({s.order.id, step, action, detail.dump(), cmd.now});
}

void transition(Command& cmd, SagaSnapshot& s, OrderStatus from, OrderStatus to,
                const std::string& reason, std::string_view event) {
  Order& order = s.order;
  if (!s.facts.new_order &&
      !cmd.tx.try_set_order_status(order.id, from, to, reason, cmd.now)) {
    throw SagaMoved{};
  }
  s.unwritten.audit.push_back({new_id(cmd.now), order.id, from, to, reason, cmd.now});
  order.status = to;
  order.updated_at = cmd.now;
  if (!reason.empty()) order.failure_reason = reason;
  JsonText payload;
  payload.add("order_id", order.id).add("user_id", order.user_id).add("total", order.total);
  payload.add("status", to_string(to));
  if (!reason.empty()) payload.add("reason", reason);
  emit(cmd, event, order.id, payload);
}

void write_unit(Command& cmd, SagaSnapshot& s) {
  Transaction& tx = cmd.tx;
  UnitWrites& w = s.unwritten;
  if (s.facts.new_order) {
    const Order& order = s.order;
    if (!tx.insert_order(order)) {
      throw Error::internal(fmt::format("order id '{}' was generated twice", order.id));
    }
    tx.insert_order_items(order.id, order.items);
    tx.insert_reservations(s.facts.reserved);
    if (!tx.insert_saga(s.saga)) {
      throw Error::internal(fmt::format("order '{}' already has a saga", order.id));
    }
    s.facts.new_order = false;  // its rows are stored now; the snapshot says so
    count_in_unit(UnitCounter::kOrdersPlaced);
  } else if (w.saga_moved) {
    if (!tx.try_update_saga(s.saga, w.read_position)) throw SagaMoved{};
    s.saga.position = w.read_position + 1;
  }
  tx.insert_order_audits(w.audit);
  if (tx.insert_saga_logs(w.log) != static_cast<std::int64_t>(w.log.size())) throw SagaMoved{};
  // Counted from what the unit writes, not as moves are made: a move undone with its
  // savepoint (a careful run of steps met a refusal and is run again step by step) is gone
  // from the snapshot, and would otherwise be counted twice.
  for (const OrderAudit& a : w.audit) count_order(a.to);
  for (const SagaLogEntry& line : w.log) count_step(line.step, line.action);
  w = {};
}

struct SagaEngine::LockEntry {
  std::mutex mu;
  int users = 0;
};

SagaEngine::SagaEngine(const Context& ctx, SagaSteps steps)
    : ctx_(ctx), opts_(ctx.options.saga), steps_(std::move(steps)) {}

SagaEngine::OrderLock::OrderLock(SagaEngine& engine, const std::string& order_id)
    : engine_(engine), order_id_(order_id) {
  {
    std::lock_guard lock(engine_.locks_mu_);
    auto& slot = engine_.locks_[order_id_];
    if (!slot) slot = std::make_shared<LockEntry>();
    entry_ = slot;
    ++entry_->users;
  }
  entry_->mu.lock();
}

SagaEngine::OrderLock::~OrderLock() {
  entry_->mu.unlock();
  std::lock_guard lock(engine_.locks_mu_);
  if (--entry_->users == 0) engine_.locks_.erase(order_id_);
}

void backoff_sleep(const SagaOptions& options, int attempt) {
  std::int64_t ms = options.backoff_initial_ms;
  for (int i = 0; i < attempt && ms < options.backoff_max_ms; ++i) ms *= 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, options.backoff_max_ms)));
}

const StepRow* SagaEngine::find_row(const std::string& name) const {
  for (const StepRow& row : steps_.rows) {
    if (row.name == name) return &row;
  }
  return nullptr;
}

const StepRow& SagaEngine::row_at(const SagaRecord& saga, int index) const {
  const std::string& name = saga.steps[index];
  const StepRow* row = find_row(name);
  if (!row) {
    throw Error::internal(fmt::format(
        "a saga uses step '{}', which this store was not opened with (SagaOptions)", name));
  }
  return *row;
}

SagaSnapshot SagaEngine::load_in(Transaction& tx, const std::string& order_id) {
  auto saga = tx.find_saga(order_id);
  auto order = tx.find_order(order_id);
  if (!saga || !order) throw Error::not_found("order", order_id);
  order->items = tx.find_order_items(order_id);
  return SagaSnapshot{std::move(*saga), std::move(*order), tx.find_payment(order_id)};
}

SagaSnapshot SagaEngine::load(const std::string& order_id) const {
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return load_in(tx, order_id); });
}

bool SagaEngine::local_move(const SagaSnapshot& s) const {
  const int n = static_cast<int>(s.saga.steps.size());
  switch (s.saga.state) {
    case SagaState::kRunning: {
      if (s.saga.step >= n) return true;  // confirm
      const StepRow* row = find_row(s.saga.steps[s.saga.step]);
      return row && (row->local || (row->begins_in_unit && row->begins_in_unit(s)));
    }
    case SagaState::kCompensating:
    case SagaState::kCancelling: {
      if (s.saga.step <= 0) return true;  // finish
      const StepRow* row = find_row(s.saga.steps[s.saga.step - 1]);
      return row && (row->local || (row->compensates_in_unit && row->compensates_in_unit(s)));
    }
    default:
      return false;
  }
}

void SagaEngine::advance_locally(Command& cmd, SagaSnapshot& s) const {
  while (local_move(s)) {
    const int n = static_cast<int>(s.saga.steps.size());
    if (s.saga.state == SagaState::kRunning) {
      if (s.saga.step >= n) {
        confirm_in(cmd, s);
        continue;
      }
      const StepRow& row = row_at(s.saga, s.saga.step);
      if (row.local) {
        run_local_steps_in(cmd, s);
      } else {
        row.begin_in(*this, cmd, s);
      }
    } else if (s.saga.step <= 0) {
      finish_in(cmd, s);
    } else {
      const StepRow& row = row_at(s.saga, s.saga.step - 1);
      compensated_in(cmd, s, row, [&row](Command& c, SagaSnapshot& t) {
        return row.compensate_in ? row.compensate_in(c, t) : json::object();
      });
    }
  }
}

Order SagaEngine::drive(const std::string& order_id, bool patient,
                        std::optional<SagaSnapshot> from) {
  OrderLock lock(*this, order_id);
  return drive_locked(order_id, patient, from ? std::move(*from) : load(order_id));
}

Order SagaEngine::drive_locked(const std::string& order_id, bool patient, SagaSnapshot s) {
  Patience patience{.patient = patient, .waiting_since = std::nullopt};
  for (int round = 0; round < 10'000; ++round) {
    try {
      if (local_move(s)) {
        write(s, [](Command&, SagaSnapshot&) {});
        continue;
      }
      switch (s.saga.state) {
        case SagaState::kConfirmed:
        case SagaState::kFailed:
        case SagaState::kCancelled:
        case SagaState::kAwaitingPayment:
          return s.order;
        case SagaState::kRunning: {
          const StepRow& row = row_at(s.saga, s.saga.step);
          if (!row.execute(*this, s, row, patience)) return load(order_id).order;
          break;
        }
        case SagaState::kCompensating:
        case SagaState::kCancelling: {
          const StepRow& row = row_at(s.saga, s.saga.step - 1);
          if (!row.compensate(*this, s, row)) return load(order_id).order;
          break;
        }
      }
    } catch (const SagaMoved&) {
      s = load(order_id);  // another driver got there first; look again
    }
  }
  throw Error::internal(fmt::format("the saga of order '{}' does not settle", order_id));
}

void SagaEngine::run_local_steps_in(Command& cmd, SagaSnapshot& s) const {
  // The run of local steps starting here is tried at once. Optimistically, straight in the
  // unit: a refusal abandons the unit (Refused). Carefully, in a savepoint: if one refuses, the
  // savepoint is rolled back and the steps are run one by one, so the refusal is met at its own
  // step and the steps before it are compensated explicitly.
  std::vector<const StepRow*> run;
  run.reserve(s.saga.steps.size() - s.saga.step);
  for (std::size_t i = s.saga.step; i < s.saga.steps.size(); ++i) {
    const StepRow* row = find_row(s.saga.steps[i]);
    if (!row || !row->local) break;
    run.push_back(row);
  }
  const auto moves = [&](SagaSnapshot& t, const std::vector<const StepRow*>& rows) {
    SagaRecord next = t.saga;
    next.step += static_cast<int>(rows.size());
    move_saga(cmd, t, next);
    // Executed with the rows marked executes_last last; each step's log line and events are
    // then put back in the saga's order.
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_partition(order.begin(), order.end(),
                          [&](std::size_t i) { return !rows[i]->executes_last; });
    std::vector<SagaLogEntry> lines(rows.size());
    std::vector<std::vector<Event>> events(rows.size());
    for (const std::size_t i : order) {
      const std::size_t queued = cmd.tx.queued_event_count();
      log_saga(cmd, t, rows[i]->name, "done", rows[i]->execute_in(cmd, t));
      lines[i] = std::move(t.unwritten.log.back());
      t.unwritten.log.pop_back();
      events[i] = cmd.tx.take_queued_events(queued);
      hook(FaultPoint::kStepExecuteInside);
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      t.unwritten.log.push_back(std::move(lines[i]));
      for (Event& e : events[i]) cmd.tx.queue_event(std::move(e));
    }
  };
  if (!s.careful) {
    try {
      moves(s, run);
    } catch (const Error& e) {
      if (is_refusal(e)) throw Refused{};
      throw;
    }
    return;
  }
  const auto execute = [&](const std::vector<const StepRow*>& rows) {
    SagaSnapshot t = s;
    cmd.tx.savepoint([&] { moves(t, rows); });
    s = std::move(t);
  };
  if (run.size() > 1) {
    try {
      execute(run);
      return;
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;
    }
  }
  for (const StepRow* row : run) {
    try {
      execute({row});
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;
      fail_in(cmd, s, row->name, e.what());
      return;
    }
  }
}

void SagaEngine::fail_in(Command& cmd, SagaSnapshot& s, const std::string& step,
                         const std::string& why) const {
  SagaRecord next = s.saga;
  next.state = SagaState::kCompensating;  // undo the steps before `step`
  next.reason = why;
  move_saga(cmd, s, next);
  log_saga(cmd, s, step, "failed", json{{"reason", why}});
  hook(FaultPoint::kStepFailInside);
}

void SagaEngine::confirm_in(Command& cmd, SagaSnapshot& s) const {
  const auto confirm = [&](SagaSnapshot& t) {
    SagaRecord next = t.saga;
    next.state = SagaState::kConfirmed;
    move_saga(cmd, t, next);
    for (const std::string& step : t.saga.steps) {
      const StepRow* row = find_row(step);
      if (row && row->confirm_in) row->confirm_in(cmd, t);
    }
    transition(cmd, t, OrderStatus::kAwaitingPayment, OrderStatus::kConfirmed, {},
               "OrderConfirmed");
    log_saga(cmd, t, "order", "confirmed");
    hook(FaultPoint::kConfirmInside);
  };
  // A step's confirmation refused: e.g. the reservation was released (it expired) before the
  // payment was recorded.
  const auto refused = [](const Error& e) {
    return e.code() == ErrorCode::kFailedPrecondition || e.code() == ErrorCode::kNotFound;
  };
  if (!s.careful) {
    try {
      confirm(s);
    } catch (const Error& e) {
      if (refused(e)) throw Refused{};
      throw;
    }
    return;
  }
  SagaSnapshot t = s;
  try {
    cmd.tx.savepoint([&] { confirm(t); });
    s = std::move(t);
  } catch (const Error& e) {
    if (!refused(e)) throw;
    // The order cannot be filled, so it is cancelled and the payment given back.
    SagaRecord next = s.saga;
    next.state = SagaState::kCancelling;
    next.step = static_cast<int>(s.saga.steps.size());
    next.reason = std::string("cannot confirm: ") + e.what();
    move_saga(cmd, s, next);
    log_saga(cmd, s, "order", "confirm_refused", json{{"reason", next.reason}});
    hook(FaultPoint::kConfirmRefusedInside);
  }
}

void SagaEngine::finish_in(Command& cmd, SagaSnapshot& s) const {
  const bool failing = s.saga.state == SagaState::kCompensating;
  const std::string reason = s.saga.reason.empty() ? "cancelled" : s.saga.reason;
  SagaRecord next = s.saga;
  next.state = failing ? SagaState::kFailed : SagaState::kCancelled;
  move_saga(cmd, s, next);
  transition(cmd, s, s.order.status, failing ? OrderStatus::kFailed : OrderStatus::kCancelled,
             reason, failing ? "OrderFailed" : "OrderCancelled");
  log_saga(cmd, s, "order", failing ? "failed" : "cancelled");
  hook(FaultPoint::kFinishInside);
}

}  // namespace commerce::detail
