// The order saga. Every move (a step, a compensation, the payment's begin and result, the
// confirmation) (1) moves the saga row by a conditional update on the position it read, (2) does
// its local effect with its outbox events, and (3) appends its saga log line, in one unit of
// work, so a crash leaves either all or none of them. Moves that need no external call share
// the unit they follow: placing an order paid by points is one unit, one paid through the
// gateway is two (everything up to the charge; the charge's result and the confirmation).
// External calls (the gateway, host steps) run between units, never inside one, and are made
// idempotent by keys derived from the order id. Any driver (the placing call, a duplicate
// request, recover() in another process) can resume a saga from its row and log.
#include "order_saga.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "commerce/coupons.h"
#include "commerce/error.h"
#include "commerce/ids.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "validate.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxOrderItems = 100;
constexpr const char* kPayment = "payment";

// Another driver moved the saga since we read it: reload and decide again.
struct SagaMoved {};

// A move refused inside an optimistic unit of work (one without savepoints): the unit is
// abandoned (rolled back whole) and run again carefully.
struct Refused {};

// After a refusal met optimistically, this many units run carefully.
constexpr int kCarefulUnitsAfterRefusal = 64;

bool is_refusal(const Error& e) {
  return e.code() == ErrorCode::kFailedPrecondition || e.code() == ErrorCode::kInvalidArgument ||
         e.code() == ErrorCode::kNotFound || e.code() == ErrorCode::kConflict;
}

bool is_builtin(const std::string& name) {
  return name == "stock" || name == "points" || name == "coupon" || name == kPayment;
}

bool is_local(const std::string& step) {
  return step == "stock" || step == "points" || step == "coupon";
}

// The payment may hold or be about to hold the customer's money: undoing it calls the gateway.
bool charged_or_open(const std::optional<Payment>& payment) {
  return payment && (payment->status == PaymentStatus::kStarted ||
                     payment->status == PaymentStatus::kPending ||
                     payment->status == PaymentStatus::kApproved);
}

// Moves the saga row from `saga` (as read) to `next` and makes `saga` the new row.
void move_saga(Command& cmd, SagaRecord& saga, SagaRecord next) {
  next.updated_at = cmd.now;
  if (!cmd.tx.try_update_saga(next, saga.position)) throw SagaMoved{};
  next.position = saga.position + 1;
  saga = std::move(next);
}

void log_text(Command& cmd, const std::string& order_id, const std::string& step,
              const std::string& action, std::string detail) {
  if (!cmd.tx.try_insert_saga_log({order_id, step, action, std::move(detail), cmd.now})) {
    throw SagaMoved{};
  }
}

void log(Command& cmd, const std::string& order_id, const std::string& step,
         const std::string& action, const JsonText& detail = {}) {
  log_text(cmd, order_id, step, action, detail.str());
}

void log(Command& cmd, const std::string& order_id, const std::string& step,
         const std::string& action, const json& detail) {
  log_text(cmd, order_id, step, action, detail.dump());
}

// Order status from -> to with its audit row and event, in the command's transaction; `order`
// becomes the new row.
void transition(Command& cmd, Order& order, OrderStatus from, OrderStatus to,
                const std::string& reason, std::string_view event) {
  if (!cmd.tx.try_set_order_status(order.id, from, to, reason, cmd.now)) throw SagaMoved{};
  cmd.tx.insert_order_audit({new_id(cmd.now), order.id, from, to, reason, cmd.now});
  order.status = to;
  order.updated_at = cmd.now;
  if (!reason.empty()) order.failure_reason = reason;
  JsonText payload;
  payload.add("order_id", order.id).add("user_id", order.user_id).add("total", order.total);
  payload.add("status", to_string(to));
  if (!reason.empty()) payload.add("reason", reason);
  emit(cmd, event, order.id, payload);
}

int index_of(const SagaRecord& saga, const std::string& step) {
  auto it = std::find(saga.steps.begin(), saga.steps.end(), step);
  if (it == saga.steps.end()) {
    throw Error::internal(fmt::format("saga of order '{}' has no step '{}'", saga.order_id, step));
  }
  return static_cast<int>(it - saga.steps.begin());
}

std::string payment_key(const std::string& order_id) { return order_id + ":payment"; }

std::pair<std::vector<OrderItem>, Money> snapshot(Transaction& tx,
                                                  const std::vector<LineItem>& items) {
  std::vector<OrderItem> lines;
  Money subtotal = 0;
  for (const auto& item : items) {
    auto product = tx.find_product(item.product_id);
    if (!product) throw Error::not_found("product", item.product_id);
    if (product->status != ProductStatus::kActive) {
      throw Error::failed_precondition(
          Reason::kInactive, item.product_id,
          fmt::format("product '{}' is {}", item.product_id, to_string(product->status)));
    }
    const Money line = checked_mul(product->price, item.qty, "items");
    subtotal = checked_add(subtotal, line, "items");
    lines.push_back({item.product_id, product->name, product->price, item.qty, line});
  }
  return {std::move(lines), subtotal};
}

// One local step's effect and its log line, in the caller's transaction.
void local_effect(Command& cmd, Order& o, UnitFacts& facts, const std::string& step) {
  JsonText detail;
  if (step == "stock") {
    std::vector<LineItem> items;
    for (const auto& item : o.items) items.push_back({item.product_id, item.qty});
    facts.reserved = reserve_stock(cmd, o.id, items, o.expires_at, facts.new_order);
    detail.add("products", facts.reserved.size());
  } else if (step == "points") {
    if (o.points_used > 0) use_points(cmd, o.user_id, o.points_used, o.id, facts.new_order);
    detail.add("amount", o.points_used);
  } else if (step == "coupon" && !o.coupon_id.empty()) {
    const CouponApplication app =
        use_coupon(cmd, o.coupon_id, o.user_id, o.id, o.subtotal, o.coupon_required,
                   facts.coupon ? &*facts.coupon : nullptr);
    const Money room = o.subtotal - o.points_used;
    const Money discount = app.applied ? std::min(app.discount, room) : 0;
    if (!cmd.tx.try_set_order_pricing(o.id, discount, room - discount, app.applied,
                                      app.skipped_reason, cmd.now)) {
      throw SagaMoved{};
    }
    o.discount = discount;
    o.total = room - discount;
    o.coupon_applied = app.applied;
    o.coupon_note = app.skipped_reason;
    o.updated_at = cmd.now;
    detail.add("applied", app.applied).add("discount", discount).add("note", app.skipped_reason);
  }
  log(cmd, o.id, step, "done", detail);
}

}  // namespace

OrderSaga::OrderSaga(const Context& ctx) : ctx_(ctx), opts_(ctx.options.saga) {
  std::vector<std::shared_ptr<SagaStep>> hosts = opts_.extra_steps;
  if (opts_.stock_step) hosts.insert(hosts.begin(), opts_.stock_step);
  for (const auto& step : hosts) {
    if (!step) throw Error::invalid_argument("saga.extra_steps", "must not hold null steps");
    const std::string name = step->name();
    const bool valid = !name.empty() && name.size() <= 64 &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                                c == '-';
                       });
    if (!valid || is_builtin(name) || host_steps_.count(name)) {
      throw Error::invalid_argument(
          "saga.extra_steps",
          fmt::format("step name '{}' must be unique, 1..64 of [a-z0-9_-], and not a built-in "
                      "step name",
                      name));
    }
    host_steps_[name] = step;
  }
  if (opts_.attempts < 1) throw Error::invalid_argument("saga.attempts", "must be at least 1");
  if (opts_.gateway_timeout_ms <= 0) {
    throw Error::invalid_argument("saga.gateway_timeout_ms", "must be positive");
  }
  if (opts_.backoff_initial_ms < 0 || opts_.backoff_max_ms < opts_.backoff_initial_ms) {
    throw Error::invalid_argument("saga.backoff_max_ms",
                                  "backoff must satisfy 0 <= initial <= max");
  }
}

std::vector<std::string> OrderSaga::step_names() const {
  std::vector<std::string> names = {opts_.stock_step ? opts_.stock_step->name() : "stock",
                                    "points", "coupon"};
  for (const auto& step : opts_.extra_steps) names.push_back(step->name());
  names.emplace_back(kPayment);
  return names;
}

SagaStep* OrderSaga::host_step(const std::string& name) const {
  if (is_builtin(name)) return nullptr;
  auto it = host_steps_.find(name);
  if (it == host_steps_.end()) {
    throw Error::internal(fmt::format(
        "a saga uses step '{}', which this store was not opened with (SagaOptions)", name));
  }
  return it->second.get();
}

bool OrderSaga::local_stock(const SagaRecord& saga) const {
  return std::find(saga.steps.begin(), saga.steps.end(), "stock") != saga.steps.end();
}

void OrderSaga::hook(const std::string& point) const {
  if (opts_.fault_hook) opts_.fault_hook(point);
}

class OrderSaga::OrderLock {
 public:
  OrderLock(OrderSaga& saga, const std::string& order_id) : saga_(saga), order_id_(order_id) {
    {
      std::lock_guard lock(saga_.locks_mu_);
      auto& slot = saga_.locks_[order_id_];
      if (!slot) slot = std::make_shared<LockEntry>();
      entry_ = slot;
      ++entry_->users;
    }
    entry_->mu.lock();
  }
  ~OrderLock() {
    entry_->mu.unlock();
    std::lock_guard lock(saga_.locks_mu_);
    if (--entry_->users == 0) saga_.locks_.erase(order_id_);
  }
  OrderLock(const OrderLock&) = delete;
  OrderLock& operator=(const OrderLock&) = delete;

 private:
  OrderSaga& saga_;
  const std::string order_id_;
  std::shared_ptr<LockEntry> entry_;
};

void OrderSaga::backoff(int attempt) const {
  std::int64_t ms = opts_.backoff_initial_ms;
  for (int i = 0; i < attempt && ms < opts_.backoff_max_ms; ++i) ms *= 2;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, opts_.backoff_max_ms)));
}

template <class Call>
PaymentResult OrderSaga::call_gateway(Call&& call) const {
  for (int attempt = 0;; ++attempt) {
    PaymentResult result;
    try {
      result = call();
    } catch (const std::exception& e) {  // a transport failure: the call may not have applied
      result = {PaymentOutcome::kUnknown, {}, e.what(), true};
    }
    if (result.outcome != PaymentOutcome::kUnknown || attempt + 1 >= opts_.attempts) {
      return result;
    }
    backoff(attempt);
  }
}

// --- placement

template <class Unit>
auto OrderSaga::run_optimistically(Unit&& unit) {
  int careful_left = careful_units_.load(std::memory_order_relaxed);
  while (careful_left > 0 && !careful_units_.compare_exchange_weak(
                                 careful_left, careful_left - 1, std::memory_order_relaxed)) {
  }
  if (careful_left > 0) return unit(true);
  try {
    return unit(false);
  } catch (const Refused&) {
    careful_units_.store(kCarefulUnitsAfterRefusal, std::memory_order_relaxed);
  }
  return unit(true);
}

Order OrderSaga::place(const PlaceOrder& r) {
  check_id("user_id", r.user_id);
  if (r.items.empty() || r.items.size() > kMaxOrderItems) {
    throw Error::invalid_argument("items", fmt::format("must hold 1..{} items", kMaxOrderItems));
  }
  const auto items = merge_items(r.items);
  if (!r.coupon_id.empty()) check_id("coupon_id", r.coupon_id);
  check_not_negative("points_to_use", r.points_to_use);
  check_text("payment_method", r.payment_method, 64, true);

  // The request's fingerprint, for its request_id (none without one).
  const json call = r.request_id.empty() ? json()
                                         : json{{"op", "orders.place"},
                                                {"user_id", r.user_id},
                                                {"items", items},
                                                {"coupon_id", r.coupon_id},
                                                {"coupon_required", r.coupon_required},
                                                {"points_to_use", r.points_to_use},
                                                {"payment_method", r.payment_method}};
  // The order is created and its saga run as far as it goes without an external call, all in
  // one unit of work: a crash leaves either nothing or a saga that any driver can resume.
  // The new order is locked before its unit commits: this process's duplicates of the request
  // must not drive the saga (and find the payment begun) while this call is about to charge.
  const std::string new_order_id = new_id(ctx_.clock.now());
  std::optional<OrderLock> lock;
  lock.emplace(*this, new_order_id);
  std::optional<Snapshot> placed;
  std::string order_id;
  try {
    order_id = run_optimistically([&](bool careful) {
      return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        placed.reset();
        Command cmd{tx, ctx_, ctx_.clock.now(), r.request_id};
        return once_per_request(cmd, call, [&] {
          auto [lines, subtotal] = snapshot(tx, items);
          // What the coupon would take off now, so the points can be bounded by what remains;
          // the coupon step validates it for real.
          Money expected_discount = 0;
          std::optional<CouponRead> coupon_read;
          if (!r.coupon_id.empty()) {
            try {
              expected_discount = quote_coupon(cmd, r.coupon_id, r.user_id, subtotal, coupon_read);
            } catch (const Error&) {
              expected_discount = 0;
            }
          }
          const Money room = subtotal - std::min(expected_discount, subtotal);
          if (r.points_to_use > room) {
            throw Error::invalid_argument(
                "points_to_use",
                fmt::format("must be at most {} (subtotal {} minus the coupon's {})", room,
                            subtotal, subtotal - room));
          }
          if (room - r.points_to_use > 0 && !ctx_.options.gateway) {
            throw Error::failed_precondition(
                Reason::kNone, "gateway",
                "the store has no payment gateway, so only orders with a total of 0 can be placed");
          }
          Snapshot s{.saga = {},
                     .order = {.id = new_order_id,
                               .user_id = r.user_id,
                               .status = OrderStatus::kPending,
                               .items = std::move(lines),
                               .subtotal = subtotal,
                               .discount = 0,
                               .points_used = r.points_to_use,
                               .total = subtotal - r.points_to_use,
                               .coupon_id = r.coupon_id,
                               .coupon_required = r.coupon_required,
                               .coupon_applied = false,
                               .coupon_note = {},
                               .payment_method = r.payment_method,
                               .failure_reason = {},
                               .request_id = r.request_id,
                               .expires_at = cmd.now + ctx_.options.reservation_ttl_ms,
                               .created_at = cmd.now,
                               .updated_at = cmd.now},
                     .payment = std::nullopt,
                     .charge_now = false,
                     .careful = careful,
                     .facts = {.new_order = true, .coupon = std::move(coupon_read), .reserved = {}}};
          const Order& order = s.order;
          if (!tx.insert_order(order)) {
            throw Error::internal(fmt::format("order id '{}' was generated twice", order.id));
          }
          for (const auto& line : order.items) tx.insert_order_item(order.id, line);
          tx.insert_order_audit(
              {new_id(cmd.now), order.id, std::nullopt, OrderStatus::kPending, "placed", cmd.now});
          emit(cmd, "OrderCreated", order.id,
               JsonText()
                   .add("order_id", order.id)
                   .add("user_id", order.user_id)
                   .add("subtotal", order.subtotal)
                   .add("points_used", order.points_used)
                   .add("coupon_id", order.coupon_id)
                   .add("total", order.total));
          s.saga = {order.id, SagaState::kRunning, 0, 0, step_names(), {}, cmd.now};
          if (!tx.insert_saga(s.saga)) {
            throw Error::internal(fmt::format("order '{}' already has a saga", order.id));
          }
          log(cmd, order.id, "order", "created", JsonText().add("steps", s.saga.steps));
          hook("order.create.inside");
          advance_locally(cmd, s);
          placed = std::move(s);
          return placed->order.id;
        });
      });
    });
  } catch (const SagaMoved&) {
    throw Error::internal("a new order's saga was changed by someone else");
  }
  hook("order.create.after");
  if (order_id != new_order_id) {  // a repeated request: drive the order it placed
    lock.reset();
    return drive(order_id);
  }
  if (!needs_driver(*placed)) return placed->order;
  return drive_locked(order_id, true, std::move(*placed));
}

// --- the driver

OrderSaga::Snapshot OrderSaga::load_in(Transaction& tx, const std::string& order_id) {
  auto saga = tx.find_saga(order_id);
  auto order = tx.find_order(order_id);
  if (!saga || !order) throw Error::not_found("order", order_id);
  order->items = tx.find_order_items(order_id);
  return Snapshot{std::move(*saga), std::move(*order), tx.find_payment(order_id)};
}

OrderSaga::Snapshot OrderSaga::load(const std::string& order_id) const {
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return load_in(tx, order_id); });
}

template <class Moves>
void OrderSaga::write(Snapshot& s, Moves&& moves) {
  Snapshot out;
  run_optimistically([&](bool careful) {
    run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
      Command cmd{tx, ctx_, ctx_.clock.now(), s.order.request_id};
      Snapshot t = s;  // the unit may run more than once
      t.careful = careful;
      t.facts = {};
      moves(cmd, t);
      advance_locally(cmd, t);
      out = std::move(t);
    });
  });
  s = std::move(out);
  hook("unit.after");
}

bool OrderSaga::local_move(const Snapshot& s) {
  const int n = static_cast<int>(s.saga.steps.size());
  switch (s.saga.state) {
    case SagaState::kRunning:
      if (s.saga.step >= n) return true;  // confirm
      if (is_local(s.saga.steps[s.saga.step])) return true;
      return s.saga.steps[s.saga.step] == kPayment && !s.payment;  // begin (or skip) the payment
    case SagaState::kCompensating:
    case SagaState::kCancelling: {
      if (s.saga.step <= 0) return true;  // finish
      const std::string& undo = s.saga.steps[s.saga.step - 1];
      return is_local(undo) || (undo == kPayment && !charged_or_open(s.payment));
    }
    default:
      return false;
  }
}

bool OrderSaga::needs_driver(const Snapshot& s) { return in_flight(s.saga.state); }

void OrderSaga::advance_locally(Command& cmd, Snapshot& s) const {
  while (local_move(s)) {
    const int n = static_cast<int>(s.saga.steps.size());
    if (s.saga.state == SagaState::kRunning) {
      if (s.saga.step >= n) {
        confirm_in(cmd, s);
      } else if (s.saga.steps[s.saga.step] == kPayment) {
        begin_payment_in(cmd, s);
      } else {
        run_local_steps_in(cmd, s);
      }
    } else if (s.saga.step <= 0) {
      finish_in(cmd, s);
    } else {
      const std::string undo = s.saga.steps[s.saga.step - 1];
      if (undo == kPayment) {
        undo_payment_in(cmd, s, PaymentStatus::kVoided, {});
      } else {
        undo_in(cmd, s, undo);
      }
    }
  }
}

Order OrderSaga::drive(const std::string& order_id, bool patient, std::optional<Snapshot> from) {
  OrderLock lock(*this, order_id);
  return drive_locked(order_id, patient, from ? std::move(*from) : load(order_id));
}

Order OrderSaga::drive_locked(const std::string& order_id, bool patient, Snapshot s) {
  std::optional<std::chrono::steady_clock::time_point> waiting_since;
  for (int round = 0; round < 10'000; ++round) {
    try {
      if (local_move(s)) {
        write(s, [](Command&, Snapshot&) {});
        continue;
      }
      switch (s.saga.state) {
        case SagaState::kConfirmed:
        case SagaState::kFailed:
        case SagaState::kCancelled:
        case SagaState::kAwaitingPayment:
          return s.order;
        case SagaState::kRunning: {
          const std::string step = s.saga.steps[s.saga.step];
          const bool settled = step == kPayment ? pay(s, patient, waiting_since)
                                                : execute_host(s, step);
          if (!settled) return load(order_id).order;
          break;
        }
        case SagaState::kCompensating:
        case SagaState::kCancelling:
          if (!compensate(s, s.saga.steps[s.saga.step - 1])) return load(order_id).order;
          break;
      }
    } catch (const SagaMoved&) {
      s = load(order_id);  // another driver got there first; look again
    }
  }
  throw Error::internal(fmt::format("the saga of order '{}' does not settle", order_id));
}

// --- forward steps

void OrderSaga::run_local_steps_in(Command& cmd, Snapshot& s) const {
  // The run of local steps starting here is tried at once. Optimistically, straight in the
  // unit: a refusal abandons the unit (Refused). Carefully, in a savepoint: if one refuses, the
  // savepoint is rolled back and the steps are run one by one, so the refusal is met at its own
  // step and the steps before it are compensated explicitly.
  std::vector<std::string> run;
  for (std::size_t i = s.saga.step; i < s.saga.steps.size() && is_local(s.saga.steps[i]); ++i) {
    run.push_back(s.saga.steps[i]);
  }
  const auto moves = [&](Snapshot& t, const std::vector<std::string>& names) {
    SagaRecord next = t.saga;
    next.step += static_cast<int>(names.size());
    move_saga(cmd, t.saga, next);
    for (const auto& name : names) {
      local_effect(cmd, t.order, t.facts, name);
      hook(name + ".execute.inside");
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
  const auto execute = [&](const std::vector<std::string>& names) {
    Snapshot t = s;
    cmd.tx.savepoint([&] { moves(t, names); });
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
  for (const auto& name : run) {
    try {
      execute({name});
    } catch (const Error& e) {
      if (!is_refusal(e)) throw;
      fail_in(cmd, s, name, e.what());
      return;
    }
  }
}

bool OrderSaga::execute_host(Snapshot& s, const std::string& step) {
  SagaStep* host = host_step(step);
  const SagaStepContext context{s.order, s.order.id + ":" + step};
  for (int attempt = 0;; ++attempt) {
    try {
      host->execute(context);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kUnavailable) {
        write(s, [&](Command& cmd, Snapshot& t) { fail_in(cmd, t, step, e.what()); });
        return true;
      }
    } catch (const std::exception& e) {
      write(s, [&](Command& cmd, Snapshot& t) { fail_in(cmd, t, step, e.what()); });
      return true;
    }
    if (attempt + 1 >= opts_.attempts) return false;  // left in flight for recover()
    backoff(attempt);
  }
  hook(step + ".execute.called");
  write(s, [&](Command& cmd, Snapshot& t) {
    SagaRecord next = t.saga;
    ++next.step;
    move_saga(cmd, t.saga, next);
    log(cmd, t.order.id, step, "done");
    hook(step + ".execute.inside");
  });
  return true;
}

void OrderSaga::fail_in(Command& cmd, Snapshot& s, const std::string& step,
                        const std::string& why) const {
  SagaRecord next = s.saga;
  next.state = SagaState::kCompensating;  // undo the steps before `step`
  next.reason = why;
  move_saga(cmd, s.saga, next);
  log(cmd, s.order.id, step, "failed", {{"reason", why}});
  hook(step + ".fail.inside");
}

void OrderSaga::begin_payment_in(Command& cmd, Snapshot& s) const {
  const Order& o = s.order;
  SagaRecord next = s.saga;
  if (o.total == 0) {
    ++next.step;
    move_saga(cmd, s.saga, next);
    log(cmd, o.id, kPayment, "skipped", JsonText().add("total", 0));
  } else if (!ctx_.options.gateway) {
    next.state = SagaState::kCompensating;
    next.reason = "the store has no payment gateway";
    move_saga(cmd, s.saga, next);
    log(cmd, o.id, kPayment, "failed", {{"reason", next.reason}});
  } else {
    move_saga(cmd, s.saga, next);
    const Payment payment{payment_key(o.id), o.id,    o.total, o.payment_method,
                          PaymentStatus::kStarted, {}, cmd.now, cmd.now};
    if (!cmd.tx.insert_payment(payment)) throw SagaMoved{};
    log(cmd, o.id, kPayment, "begin",
        JsonText().add("key", payment.id).add("amount", payment.amount));
    s.payment = payment;
    s.charge_now = true;
  }
  transition(cmd, s.order, OrderStatus::kPending, OrderStatus::kAwaitingPayment, {},
             "OrderAwaitingPayment");
  hook("payment.begin.inside");
}

bool OrderSaga::pay(Snapshot& s, bool patient,
                    std::optional<std::chrono::steady_clock::time_point>& waiting_since) {
  const Order& o = s.order;
  const bool fresh = s.charge_now;
  if (!fresh && patient) {
    // Another driver (another process: this one's are serialized) started this payment and may
    // be calling the gateway now. Give it as long as its calls can take before asking ourselves.
    const std::chrono::milliseconds grace(opts_.attempts *
                                              (opts_.gateway_timeout_ms + opts_.backoff_max_ms) +
                                          opts_.gateway_timeout_ms);
    const auto now = std::chrono::steady_clock::now();
    if (!waiting_since) waiting_since = now;
    if (now - *waiting_since < grace) {
      std::this_thread::sleep_for(std::clamp(grace / 100, std::chrono::milliseconds(1),
                                             std::chrono::milliseconds(100)));
      throw SagaMoved{};  // look again
    }
  }
  PaymentResult result{PaymentOutcome::kUnknown, {}, "resuming: ask the gateway", true};
  if (fresh) {
    s.charge_now = false;
    const Payment& payment = *s.payment;
    const PaymentRequest request{payment.id,         o.id,
                                 o.user_id,          payment.amount,
                                 ctx_.options.currency, o.payment_method,
                                 opts_.gateway_timeout_ms};
    hook("payment.gateway.before");
    result = call_gateway([&] { return ctx_.options.gateway->charge(request); });
    hook("payment.gateway.after");
  }
  if (result.outcome == PaymentOutcome::kUnknown && !resolve_unknown(s, result)) return false;
  write(s, [&](Command& cmd, Snapshot& t) { record_payment_in(cmd, t, result); });
  return true;
}

// The charge's outcome is unknown: ask the gateway by key. A key it never saw is voided first,
// so a late copy of the request can never charge, and the payment counts as declined.
bool OrderSaga::resolve_unknown(const Snapshot& s, PaymentResult& result) {
  PaymentGateway* gateway = ctx_.options.gateway.get();
  if (!gateway || !s.payment) return false;
  const std::string key = s.payment->id;
  hook("payment.status.before");
  PaymentResult status =
      call_gateway([&] { return gateway->status(key, opts_.gateway_timeout_ms); });
  hook("payment.status.after");
  if (status.outcome == PaymentOutcome::kUnknown) return false;
  if (status.known) {
    result = status;
    return true;
  }
  hook("payment.void.before");
  const PaymentResult voided =
      call_gateway([&] { return gateway->void_payment(key, opts_.gateway_timeout_ms); });
  hook("payment.void.after");
  if (voided.outcome == PaymentOutcome::kUnknown) return false;
  if (voided.outcome == PaymentOutcome::kApproved) {
    result = {PaymentOutcome::kDeclined, {}, "the gateway never received the payment; voided",
              true};
    return true;
  }
  status = call_gateway([&] { return gateway->status(key, opts_.gateway_timeout_ms); });
  if (status.outcome == PaymentOutcome::kUnknown) return false;
  result = status;
  return true;
}

bool OrderSaga::awaits_payment_result(const Snapshot& s) {
  return s.payment &&
         (s.payment->status == PaymentStatus::kPending ||
          s.payment->status == PaymentStatus::kStarted) &&
         (s.saga.state == SagaState::kAwaitingPayment ||
          (s.saga.state == SagaState::kRunning && s.saga.step == index_of(s.saga, kPayment)));
}

void OrderSaga::record_payment_in(Command& cmd, Snapshot& s, const PaymentResult& result) const {
  apply_payment_result(cmd, s, result, json::object());
  hook("payment.record.inside");
}

void OrderSaga::apply_payment_result(Command& cmd, Snapshot& s, const PaymentResult& result,
                                     const json& log_detail) {
  if (!awaits_payment_result(s)) throw SagaMoved{};
  const std::string& order_id = s.order.id;
  Payment& payment = *s.payment;
  SagaRecord next = s.saga;
  const auto set_status = [&](PaymentStatus to) {
    if (!cmd.tx.try_set_payment_status(payment.id, payment.status, to, result.reference,
                                       cmd.now)) {
      throw SagaMoved{};
    }
    payment.status = to;
    if (!result.reference.empty()) payment.reference = result.reference;
    payment.updated_at = cmd.now;
  };
  const auto payload = [&] {
    return json{{"order_id", order_id},
                {"payment_id", payment.id},
                {"amount", payment.amount},
                {"reference", payment.reference}};
  };
  json detail = log_detail;
  switch (result.outcome) {
    case PaymentOutcome::kApproved:
      set_status(PaymentStatus::kApproved);
      emit(cmd, "PaymentCompleted", order_id, payload());
      detail["reference"] = payment.reference;
      log(cmd, order_id, kPayment, "done", detail);
      next.state = SagaState::kRunning;
      next.step = index_of(s.saga, kPayment) + 1;
      break;
    case PaymentOutcome::kDeclined: {
      set_status(PaymentStatus::kDeclined);
      json failed = payload();
      failed["reason"] = result.message;
      emit(cmd, "PaymentFailed", order_id, failed);
      detail["reason"] = result.message;
      log(cmd, order_id, kPayment, "failed", detail);
      next.state = SagaState::kCompensating;
      next.reason = "payment declined: " + result.message;
      break;
    }
    case PaymentOutcome::kPending:
      if (payment.status == PaymentStatus::kPending) return;  // already waiting
      set_status(PaymentStatus::kPending);
      log(cmd, order_id, kPayment, "pending", detail);
      next.state = SagaState::kAwaitingPayment;
      break;
    case PaymentOutcome::kUnknown:
      throw Error::internal("an unknown payment outcome cannot be recorded");
  }
  move_saga(cmd, s.saga, next);
}

bool OrderSaga::record_payment_result(Command& cmd, const std::string& order_id,
                                      const PaymentResult& result, const json& log_detail) {
  Snapshot s = load_in(cmd.tx, order_id);
  if (!awaits_payment_result(s)) {
    const bool same = s.payment && ((result.outcome == PaymentOutcome::kApproved &&
                                     s.payment->status == PaymentStatus::kApproved) ||
                                    (result.outcome == PaymentOutcome::kDeclined &&
                                     s.payment->status == PaymentStatus::kDeclined));
    if (same) return false;
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {} and not waiting for a payment result", order_id,
                    to_string(s.order.status)));
  }
  try {
    apply_payment_result(cmd, s, result, log_detail);
  } catch (const SagaMoved&) {
    throw Error::unavailable(order_id, fmt::format("order '{}' changed concurrently; try again",
                                                   order_id));
  }
  return true;
}

void OrderSaga::confirm_in(Command& cmd, Snapshot& s) const {
  const auto confirm = [&](Snapshot& t) {
    SagaRecord next = t.saga;
    next.state = SagaState::kConfirmed;
    move_saga(cmd, t.saga, next);
    if (local_stock(t.saga)) {
      commit_stock(cmd, t.order.id, t.facts.reserved.empty() ? nullptr : &t.facts.reserved);
    }
    transition(cmd, t.order, OrderStatus::kAwaitingPayment, OrderStatus::kConfirmed, {},
               "OrderConfirmed");
    log(cmd, t.order.id, "order", "confirmed");
    hook("confirm.inside");
  };
  // The reservation was released (it expired) before the payment was recorded.
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
  Snapshot t = s;
  try {
    cmd.tx.savepoint([&] { confirm(t); });
    s = std::move(t);
  } catch (const Error& e) {
    if (!refused(e)) throw;
    // The reservation was released (it expired) before the payment was recorded: the order
    // cannot be filled, so it is cancelled and the payment given back.
    SagaRecord next = s.saga;
    next.state = SagaState::kCancelling;
    next.step = static_cast<int>(s.saga.steps.size());
    next.reason = std::string("cannot confirm: ") + e.what();
    move_saga(cmd, s.saga, next);
    log(cmd, s.order.id, "order", "confirm_refused", {{"reason", next.reason}});
    hook("confirm.refused.inside");
  }
}

// --- compensation

bool OrderSaga::compensate(Snapshot& s, const std::string& step) {
  if (step == kPayment) return undo_payment(s);
  SagaStep* host = host_step(step);
  const SagaStepContext context{s.order, s.order.id + ":" + step};
  for (int attempt = 0;; ++attempt) {
    try {
      host->compensate(context);
      break;
    } catch (const std::exception&) {
      if (attempt + 1 >= opts_.attempts) return false;  // left in flight for recover()
    }
    backoff(attempt);
  }
  hook(step + ".compensate.called");
  write(s, [&](Command& cmd, Snapshot& t) { undo_in(cmd, t, step); });
  return true;
}

void OrderSaga::undo_in(Command& cmd, Snapshot& s, const std::string& step) const {
  Transaction& tx = cmd.tx;
  SagaRecord next = s.saga;
  --next.step;
  move_saga(cmd, s.saga, next);
  json detail = json::object();
  if (step == "stock") {
    detail["released"] = release_stock(cmd, s.order.id).size();
    // Units already sold to this (cancelled) order go back on the shelf.
    int restocked = 0;
    for (const auto& row : tx.find_reservations(s.order.id)) {
      if (row.state != ReservationState::kCommitted) continue;
      if (!tx.try_adjust_stock(row.product_id, row.qty)) {
        throw Error::internal(fmt::format("cannot restock '{}'", row.product_id));
      }
      const std::string reason = fmt::format("order {} cancelled", s.order.id);
      tx.insert_stock_adjustment({new_id(cmd.now), row.product_id, row.qty, reason, cmd.now});
      emit(cmd, "StockAdjusted", row.product_id,
           {{"product_id", row.product_id}, {"delta", row.qty}, {"reason", reason}});
      ++restocked;
    }
    detail["restocked"] = restocked;
  } else if (step == "points") {
    detail["restored"] = restore_points(cmd, s.order.id).has_value();
  } else if (step == "coupon") {
    detail["restored"] = restore_coupon(cmd, s.order.id).has_value();
  }
  log(cmd, s.order.id, step, "compensated", detail);
  hook(step + ".compensate.inside");
}

bool OrderSaga::undo_payment(Snapshot& s) {
  const Payment& payment = *s.payment;  // charged_or_open(): the local case is undo_payment_in
  PaymentGateway* gateway = ctx_.options.gateway.get();
  if (!gateway) {
    throw Error::unavailable("gateway", fmt::format("no payment gateway to void or refund "
                                                    "payment '{}'",
                                                    payment.id));
  }
  PaymentStatus to = PaymentStatus::kVoided;
  std::string reference;
  hook("payment.undo.before");
  const PaymentResult voided =
      call_gateway([&] { return gateway->void_payment(payment.id, opts_.gateway_timeout_ms); });
  if (voided.outcome == PaymentOutcome::kUnknown) return false;
  if (voided.outcome != PaymentOutcome::kApproved) {  // captured: refund it
    hook("payment.refund.before");
    const PaymentResult refunded = call_gateway([&] {
      return gateway->refund(payment.id, payment.amount, opts_.gateway_timeout_ms);
    });
    if (refunded.outcome != PaymentOutcome::kApproved) return false;
    to = PaymentStatus::kRefunded;
    reference = refunded.reference;
  }
  hook("payment.undo.after");
  write(s, [&](Command& cmd, Snapshot& t) { undo_payment_in(cmd, t, to, reference); });
  return true;
}

void OrderSaga::undo_payment_in(Command& cmd, Snapshot& s, PaymentStatus to,
                                const std::string& reference) const {
  SagaRecord next = s.saga;
  --next.step;
  move_saga(cmd, s.saga, next);
  json detail = json::object();
  if (charged_or_open(s.payment)) {  // the gateway call was made: record what it did
    Payment& payment = *s.payment;
    if (!cmd.tx.try_set_payment_status(payment.id, payment.status, to, reference, cmd.now)) {
      throw SagaMoved{};
    }
    payment.status = to;
    if (!reference.empty()) payment.reference = reference;
    payment.updated_at = cmd.now;
    emit(cmd, to == PaymentStatus::kRefunded ? "PaymentRefunded" : "PaymentVoided", s.order.id,
         {{"order_id", s.order.id}, {"payment_id", payment.id}, {"amount", payment.amount}});
    detail["status"] = to_string(to);
  }
  log(cmd, s.order.id, kPayment, "compensated", detail);
  hook("payment.compensate.inside");
}

void OrderSaga::finish_in(Command& cmd, Snapshot& s) const {
  const bool failing = s.saga.state == SagaState::kCompensating;
  const std::string reason = s.saga.reason.empty() ? "cancelled" : s.saga.reason;
  SagaRecord next = s.saga;
  next.state = failing ? SagaState::kFailed : SagaState::kCancelled;
  move_saga(cmd, s.saga, next);
  transition(cmd, s.order, s.order.status,
             failing ? OrderStatus::kFailed : OrderStatus::kCancelled, reason,
             failing ? "OrderFailed" : "OrderCancelled");
  log(cmd, s.order.id, "order", failing ? "failed" : "cancelled");
  hook("finish.inside");
}

// --- reads

Order OrderSaga::get(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto order = tx.find_order(order_id);
    if (!order) throw Error::not_found("order", order_id);
    order->items = tx.find_order_items(order_id);
    return *order;
  });
}

Page<Order> OrderSaga::list_for_user(const std::string& user_id, const std::string& cursor,
                                     int limit) const {
  check_id("user_id", user_id);
  check_limit(limit);
  const std::string before = decode_cursor(cursor);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Page<Order> page;
    page.items = tx.list_orders_for_user(user_id, before, limit + 1);
    if (static_cast<int>(page.items.size()) > limit) {
      page.items.resize(limit);
      page.next_cursor = encode_cursor(page.items.back().id);
    }
    for (auto& order : page.items) order.items = tx.find_order_items(order.id);
    return page;
  });
}

std::vector<OrderAudit> OrderSaga::audit(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    if (!tx.find_order(order_id)) throw Error::not_found("order", order_id);
    return tx.find_order_audit(order_id);
  });
}

// --- commands on placed orders

Order OrderSaga::cancel(const std::string& order_id, const std::string& reason,
                        const std::string& request_id) {
  check_id("order_id", order_id);
  check_text("reason", reason, kMaxNameBytes, false);
  const json call = {{"op", "orders.cancel"}, {"order_id", order_id}, {"reason", reason}};
  for (int attempt = 0;; ++attempt) {
    try {
      run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
        return once_per_request(cmd, call, [&] {
          auto saga = tx.find_saga(order_id);
          const auto order = tx.find_order(order_id);
          if (!saga || !order) throw Error::not_found("order", order_id);
          if (order->status == OrderStatus::kCancelled || saga->state == SagaState::kCancelling) {
            return order_id;
          }
          const bool cancellable = (saga->state == SagaState::kConfirmed &&
                                    order->status == OrderStatus::kConfirmed) ||
                                   (saga->state == SagaState::kAwaitingPayment &&
                                    order->status == OrderStatus::kAwaitingPayment);
          if (!cancellable) {
            throw Error::failed_precondition(
                Reason::kIllegalTransition, order_id,
                fmt::format("order '{}' is {}{} and cannot be cancelled", order_id,
                            to_string(order->status),
                            in_flight(saga->state) ? " with its placement in progress" : ""));
          }
          SagaRecord next = *saga;
          next.state = SagaState::kCancelling;
          next.step = static_cast<int>(saga->steps.size());
          next.reason = reason.empty() ? "cancelled" : reason;
          move_saga(cmd, *saga, next);
          log(cmd, order_id, "order", "cancel_requested", {{"reason", next.reason}});
          hook("cancel.request.inside");
          return order_id;
        });
      });
      break;
    } catch (const SagaMoved&) {
      if (attempt >= 100) throw Error::unavailable(order_id, "the order kept changing; retry");
    }
  }
  hook("cancel.request.after");
  Order order = drive(order_id);
  if (order.status != OrderStatus::kCancelled) {
    throw Error::unavailable(order_id,
                             fmt::format("the cancellation of order '{}' is recorded but not "
                                         "finished (the gateway did not answer); recover() "
                                         "finishes it",
                                         order_id));
  }
  return order;
}

Order OrderSaga::advance_fulfilment(const std::string& order_id, OrderStatus from,
                                    OrderStatus to) {
  check_id("order_id", order_id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const auto order = tx.find_order(order_id);
    if (!order) throw Error::not_found("order", order_id);
    if (order->status == to) return;
    if (order->status != from) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order_id,
          fmt::format("order '{}' is {}, not {}", order_id, to_string(order->status),
                      to_string(from)));
    }
    fulfil(cmd, *order, from, to, {});
  });
  return get(order_id);
}

void OrderSaga::fulfil(Command& cmd, const Order& order, OrderStatus from, OrderStatus to,
                       const std::string& reason) {
  if (!cmd.tx.try_set_order_status(order.id, from, to, {}, cmd.now)) {
    throw Error::unavailable(order.id, fmt::format("order '{}' changed concurrently; try again",
                                                   order.id));
  }
  cmd.tx.insert_order_audit({new_id(cmd.now), order.id, from, to, reason, cmd.now});
  emit(cmd, to == OrderStatus::kShipped ? "OrderShipped" : "OrderDelivered", order.id,
       {{"order_id", order.id}, {"user_id", order.user_id}, {"status", to_string(to)}});
}

Order OrderSaga::complete_payment(const std::string& order_id, bool approved) {
  check_id("order_id", order_id);
  const PaymentResult result{approved ? PaymentOutcome::kApproved : PaymentOutcome::kDeclined,
                             {}, approved ? "approved by callback" : "declined by callback",
                             true};
  for (int attempt = 0; attempt < 100; ++attempt) {
    Snapshot s = load(order_id);
    if (awaits_payment_result(s)) {
      try {
        OrderLock lock(*this, order_id);
        write(s, [&](Command& cmd, Snapshot& t) { record_payment_in(cmd, t, result); });
      } catch (const SagaMoved&) {
        continue;
      }
      if (!needs_driver(s)) return s.order;
      return drive(order_id, true, std::move(s));
    }
    const bool same = s.payment && (approved ? s.payment->status == PaymentStatus::kApproved
                                             : s.payment->status == PaymentStatus::kDeclined);
    if (same) return drive(order_id);
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {} and not waiting for a payment result", order_id,
                    to_string(s.order.status)));
  }
  throw Error::unavailable(order_id, "the order kept changing; retry");
}

std::vector<std::string> OrderSaga::sweep(int limit) {
  check_limit(limit);
  const auto expired = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.find_expired_orders(OrderStatus::kAwaitingPayment, ctx_.clock.now(), limit);
  });
  std::vector<std::string> cancelled;
  for (const auto& order_id : expired) {
    bool marked = false;
    try {
      run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        Command cmd{tx, ctx_, ctx_.clock.now(), {}};
        auto saga = tx.find_saga(order_id);
        if (!saga || saga->state != SagaState::kAwaitingPayment) return;
        SagaRecord next = *saga;
        next.state = SagaState::kCancelling;
        next.step = static_cast<int>(saga->steps.size());
        next.reason = "payment not completed before the order expired";
        move_saga(cmd, *saga, next);
        log(cmd, order_id, "order", "expired");
        marked = true;
      });
    } catch (const SagaMoved&) {
      continue;
    }
    if (marked && drive(order_id).status == OrderStatus::kCancelled) {
      cancelled.push_back(order_id);
    }
  }
  return cancelled;
}

RecoveryReport OrderSaga::recover() {
  RecoveryReport report;
  auto settle = [&](const std::string& order_id) {
    try {
      const Order order = drive(order_id, false);
      const Snapshot s = load(order_id);
      if (in_flight(s.saga.state)) {
        report.unresolved.push_back(
            fmt::format("{}: an external call did not answer; saga is {}", order_id,
                        to_string(s.saga.state)));
        return;
      }
      switch (order.status) {
        case OrderStatus::kConfirmed:
        case OrderStatus::kShipped:
        case OrderStatus::kDelivered:
          ++report.confirmed;
          break;
        case OrderStatus::kFailed:
          ++report.failed;
          break;
        case OrderStatus::kCancelled:
          ++report.cancelled;
          break;
        default:
          ++report.awaiting_payment;
          break;
      }
    } catch (const Error& e) {
      report.unresolved.push_back(fmt::format("{}: {}", order_id, e.what()));
    }
  };
  for (SagaState state : {SagaState::kRunning, SagaState::kCompensating, SagaState::kCancelling,
                          SagaState::kAwaitingPayment}) {
    std::string after;
    for (;;) {
      const auto page = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
        return tx.list_sagas(state, after, 100);
      });
      if (page.empty()) break;
      for (const auto& saga : page) {
        after = saga.order_id;
        ++report.examined;
        if (state == SagaState::kAwaitingPayment) {
          // Ask the gateway whether the pending payment finished meanwhile.
          try {
            Snapshot s = load(saga.order_id);
            PaymentResult result;
            if (s.saga.state == SagaState::kAwaitingPayment && resolve_unknown(s, result) &&
                result.outcome != PaymentOutcome::kPending) {
              OrderLock lock(*this, saga.order_id);
              write(s, [&](Command& cmd, Snapshot& t) { record_payment_in(cmd, t, result); });
            }
          } catch (const SagaMoved&) {
          } catch (const Error& e) {
            report.unresolved.push_back(fmt::format("{}: {}", saga.order_id, e.what()));
            continue;
          }
        }
        settle(saga.order_id);
      }
    }
  }
  return report;
}

}  // namespace commerce::detail

namespace commerce {

OrderBook::OrderBook(const detail::Context& ctx)
    : saga_(std::make_unique<detail::OrderSaga>(ctx)) {}
OrderBook::~OrderBook() = default;

Order OrderBook::place(const PlaceOrder& request) { return saga_->place(request); }
Order OrderBook::get(const std::string& order_id) const { return saga_->get(order_id); }
Page<Order> OrderBook::list_for_user(const std::string& user_id, const std::string& cursor,
                                     int limit) const {
  return saga_->list_for_user(user_id, cursor, limit);
}
std::vector<OrderAudit> OrderBook::audit(const std::string& order_id) const {
  return saga_->audit(order_id);
}
Order OrderBook::cancel(const std::string& order_id, const std::string& reason,
                        const std::string& request_id) {
  return saga_->cancel(order_id, reason, request_id);
}
Order OrderBook::ship(const std::string& order_id) {
  return saga_->advance_fulfilment(order_id, OrderStatus::kConfirmed, OrderStatus::kShipped);
}
Order OrderBook::deliver(const std::string& order_id) {
  return saga_->advance_fulfilment(order_id, OrderStatus::kShipped, OrderStatus::kDelivered);
}
Order OrderBook::complete_payment(const std::string& order_id, bool approved) {
  return saga_->complete_payment(order_id, approved);
}
std::vector<std::string> OrderBook::sweep(int limit) { return saga_->sweep(limit); }
RecoveryReport OrderBook::recover() { return saga_->recover(); }

}  // namespace commerce
