// FakeGateway: a scriptable gateway whose ledger survives a crash of the process.
//
// Every change to the ledger is one line "OP KEY ORDER AMOUNT" (a partial refund: "part
// REFUND_KEY ORDER AMOUNT PAYMENT_KEY") appended to the record file and
// fsynced before the call answers; opening the file again replays it. A kill between the fsync
// and the answer is exactly the "charged, reply lost" case the saga must survive.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/payments.h"
#include "core/record_file.h"

namespace commerce {

FakeGateway::FakeGateway(std::string record_path) {
  if (record_path.empty()) return;
  record_ = std::make_unique<detail::RecordFile>(std::move(record_path), "the fake gateway record");
  Ledger ledger(*this);  // replays the record
}

FakeGateway::Ledger::Ledger(const FakeGateway& gateway) : gateway_(gateway), lock_(gateway.mu_) {
  // Other processes may share the file: take it, then apply what they appended since.
  if (gateway_.record_) {
    gateway_.record_->lock([this](const std::string& line) { gateway_.apply(line); });
  }
}

FakeGateway::Ledger::~Ledger() {
  if (gateway_.record_) gateway_.record_->unlock();
}

FakeGateway::~FakeGateway() = default;

void FakeGateway::script(Operation op, std::vector<Step> steps) {
  std::lock_guard lock(mu_);
  auto& queue = scripts_[op];
  for (auto& step : steps) queue.push_back(step);
}

void FakeGateway::set_standing(Operation op, Behaviour behaviour) {
  std::lock_guard lock(mu_);
  standing_[op] = behaviour;
}

FakeGateway::Step FakeGateway::next_step(Operation op) {
  std::lock_guard lock(mu_);
  ++calls_[op];
  auto& queue = scripts_[op];
  if (queue.empty()) {
    const auto standing = standing_.find(op);
    return {standing == standing_.end() ? Behaviour::kApprove : standing->second, 0};
  }
  Step step = queue.front();
  queue.pop_front();
  return step;
}

void FakeGateway::apply(const std::string& line) const {
  std::istringstream in(line);
  std::string op, key, order_id;
  Money amount = 0;
  if (!(in >> op >> key >> order_id >> amount)) return;  // a torn last line: never answered
  if (op == "part") {
    std::string payment_key;
    if (!(in >> payment_key)) return;
    parts_[key] = payment_key;
    keys_[payment_key].refunded += amount;
    ++refunds_[order_id];
    net_[order_id] -= amount;
    return;
  }
  Key& k = keys_[key];
  if (k.order_id.empty()) {
    k.order_id = order_id;
    k.amount = amount;
  }
  if (op == "hold") {
    k.state = KeyState::kHeld;
  } else if (op == "pending") {
    k.state = KeyState::kPending;
  } else if (op == "capture") {
    k.state = KeyState::kCaptured;
    ++charges_[k.order_id];
    net_[k.order_id] += k.amount;
  } else if (op == "decline") {
    k.state = KeyState::kDeclined;
  } else if (op == "void") {
    k.state = KeyState::kVoided;
  } else if (op == "refund") {
    k.state = KeyState::kRefunded;
    ++refunds_[k.order_id];
    net_[k.order_id] -= k.amount;
  }
}

void FakeGateway::append(const std::string& line) {
  if (record_) record_->append(line);
  apply(line);
}

PaymentResult FakeGateway::finish(Step step, std::int64_t timeout_ms, PaymentResult result) {
  if (step.behaviour == Behaviour::kTimeout) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max<std::int64_t>(timeout_ms, 0)));
    return {PaymentOutcome::kUnknown, {}, "timed out waiting for the reply", true};
  }
  if (timeout_ms > 0 && step.latency_ms > timeout_ms) {  // arrived, but after the caller gave up
    return {PaymentOutcome::kUnknown, {}, "timed out waiting for the reply", true};
  }
  return result;
}

namespace {

// The request travels for the step's latency (at most the caller's timeout) before it arrives.
void arrive(const FakeGateway::Step& step, std::int64_t timeout_ms) {
  const std::int64_t wait =
      timeout_ms > 0 ? std::min(step.latency_ms, timeout_ms) : step.latency_ms;
  if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
}

void fail_transport(const FakeGateway::Step& step, const std::string& key) {
  if (step.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(step.latency_ms));
  throw Error::unavailable(key, "fake gateway: transport failure (scripted)");
}

}  // namespace

PaymentResult FakeGateway::start(const PaymentRequest& request, bool capture, Operation op) {
  const Step step = next_step(op);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, request.idempotency_key);
  arrive(step, request.timeout_ms);
  PaymentResult result{PaymentOutcome::kApproved, "fake-" + request.idempotency_key, {}, true};
  {
    Ledger ledger(*this);
    auto it = keys_.find(request.idempotency_key);
    const std::string tail =
        fmt::format("{} {} {}", request.idempotency_key, request.order_id, request.amount);
    if (it == keys_.end()) {
      switch (step.behaviour) {
        case Behaviour::kDecline:
          append("decline " + tail);
          result = {PaymentOutcome::kDeclined, {}, "declined (scripted)", true};
          break;
        case Behaviour::kPending:
          append("pending " + tail);
          keys_[request.idempotency_key].capture_on_settle = capture;
          result.outcome = PaymentOutcome::kPending;
          break;
        default:  // kApprove, kTimeout: the charge is applied
          append((capture ? "capture " : "hold ") + tail);
          break;
      }
    } else {
      Key& k = it->second;
      switch (k.state) {
        case KeyState::kCaptured:
        case KeyState::kRefunded:
          break;  // the first answer again; never a second charge
        case KeyState::kHeld:
          if (capture) append("capture " + tail);
          break;
        case KeyState::kPending:
          result.outcome = PaymentOutcome::kPending;
          break;
        case KeyState::kDeclined:
        case KeyState::kVoided:
          result = {PaymentOutcome::kDeclined, {}, "declined earlier or voided", true};
          break;
      }
    }
  }
  return finish(step, request.timeout_ms, result);
}

PaymentResult FakeGateway::charge(const PaymentRequest& request) {
  return start(request, true, Operation::kCharge);
}

PaymentResult FakeGateway::authorize(const PaymentRequest& request) {
  return start(request, false, Operation::kAuthorize);
}

PaymentResult FakeGateway::capture(const std::string& key, std::int64_t timeout_ms) {
  const Step step = next_step(Operation::kCapture);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, key);
  arrive(step, timeout_ms);
  PaymentResult result{PaymentOutcome::kApproved, "fake-" + key, {}, true};
  {
    Ledger ledger(*this);
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      result = {PaymentOutcome::kDeclined, {}, "unknown key", false};
    } else if (it->second.state == KeyState::kHeld && step.behaviour != Behaviour::kDecline) {
      append(fmt::format("capture {} {} {}", key, it->second.order_id, it->second.amount));
    } else if (it->second.state != KeyState::kCaptured) {
      result = {PaymentOutcome::kDeclined, {}, "nothing to capture", true};
    }
  }
  return finish(step, timeout_ms, result);
}

PaymentResult FakeGateway::void_payment(const std::string& key, std::int64_t timeout_ms) {
  const Step step = next_step(Operation::kVoid);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, key);
  arrive(step, timeout_ms);
  PaymentResult result{PaymentOutcome::kApproved, {}, "voided", true};
  {
    Ledger ledger(*this);
    auto it = keys_.find(key);
    const KeyState state = it == keys_.end() ? KeyState::kHeld : it->second.state;
    if (state == KeyState::kCaptured || state == KeyState::kRefunded) {
      result = {PaymentOutcome::kDeclined, {}, "already captured; refund it", true};
    } else if (it == keys_.end() || state == KeyState::kHeld || state == KeyState::kPending) {
      append(fmt::format("void {} {} {}", key, it == keys_.end() ? "-" : it->second.order_id,
                         it == keys_.end() ? 0 : it->second.amount));
    }
  }
  return finish(step, timeout_ms, result);
}

PaymentResult FakeGateway::refund(const std::string& key, Money amount, std::int64_t timeout_ms) {
  const Step step = next_step(Operation::kRefund);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, key);
  arrive(step, timeout_ms);
  PaymentResult result{PaymentOutcome::kApproved, {}, "refunded", true};
  {
    Ledger ledger(*this);
    auto it = keys_.find(key);
    if (it == keys_.end() ||
        (it->second.state != KeyState::kCaptured && it->second.state != KeyState::kRefunded)) {
      result = {PaymentOutcome::kDeclined, {}, "nothing captured under this key",
                it != keys_.end()};
    } else if (it->second.refunded > 0) {
      result = {PaymentOutcome::kDeclined, {},
                fmt::format("{} of the capture is refunded already; refund the rest in part",
                            it->second.refunded),
                true};
    } else if (amount != it->second.amount) {
      result = {PaymentOutcome::kDeclined, {},
                fmt::format("refund of {} does not match the capture of {}", amount,
                            it->second.amount),
                true};
    } else if (it->second.state == KeyState::kCaptured) {
      if (step.behaviour == Behaviour::kDecline) {
        result = {PaymentOutcome::kDeclined, {}, "refund declined (scripted)", true};
      } else {
        append(fmt::format("refund {} {} {}", key, it->second.order_id, it->second.amount));
      }
    }
  }
  return finish(step, timeout_ms, result);
}

PaymentResult FakeGateway::refund_part(const std::string& payment_key,
                                       const std::string& refund_key, Money amount,
                                       std::int64_t timeout_ms) {
  const Step step = next_step(Operation::kRefund);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, refund_key);
  arrive(step, timeout_ms);
  PaymentResult result{PaymentOutcome::kApproved, "fake-" + refund_key, "refunded", true};
  {
    Ledger ledger(*this);
    auto it = keys_.find(payment_key);
    if (parts_.count(refund_key)) {
      // the first answer again; never a second refund
    } else if (it == keys_.end() || it->second.state != KeyState::kCaptured) {
      result = {PaymentOutcome::kDeclined, {}, "no capture to refund under this key",
                it != keys_.end()};
    } else if (amount <= 0 || it->second.refunded + amount > it->second.amount) {
      result = {PaymentOutcome::kDeclined, {},
                fmt::format("refund of {} exceeds what remains of the capture ({} of {} "
                            "refunded)",
                            amount, it->second.refunded, it->second.amount),
                true};
    } else if (step.behaviour == Behaviour::kDecline) {
      result = {PaymentOutcome::kDeclined, {}, "refund declined (scripted)", true};
    } else {
      append(fmt::format("part {} {} {} {}", refund_key, it->second.order_id, amount,
                         payment_key));
    }
  }
  return finish(step, timeout_ms, result);
}

PaymentResult FakeGateway::status(const std::string& key, std::int64_t timeout_ms) {
  const Step step = next_step(Operation::kStatus);
  if (step.behaviour == Behaviour::kFail) fail_transport(step, key);
  arrive(step, timeout_ms);
  PaymentResult result;
  {
    Ledger ledger(*this);
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      result = {PaymentOutcome::kDeclined, {}, "unknown key", false};
    } else {
      switch (it->second.state) {
        case KeyState::kCaptured:
          result = {PaymentOutcome::kApproved, "fake-" + key, "captured", true};
          break;
        case KeyState::kRefunded:
          result = {PaymentOutcome::kApproved, "fake-" + key, "refunded", true};
          break;
        case KeyState::kHeld:
        case KeyState::kPending:
          result = {PaymentOutcome::kPending, {}, "pending", true};
          break;
        case KeyState::kDeclined:
          result = {PaymentOutcome::kDeclined, {}, "declined", true};
          break;
        case KeyState::kVoided:
          result = {PaymentOutcome::kDeclined, {}, "voided", true};
          break;
      }
    }
  }
  return finish(step, timeout_ms, result);
}

void FakeGateway::settle(const std::string& key, bool approved) {
  Ledger ledger(*this);
  auto it = keys_.find(key);
  if (it == keys_.end()) throw Error::not_found("payment key", key);
  if (it->second.state != KeyState::kPending) {
    throw Error::failed_precondition(Reason::kIllegalTransition, key,
                                     fmt::format("payment '{}' is not pending", key));
  }
  const char* op = !approved ? "decline" : it->second.capture_on_settle ? "capture" : "hold";
  append(fmt::format("{} {} {} {}", op, key, it->second.order_id, it->second.amount));
}

int FakeGateway::charges_for(const std::string& order_id) const {
  Ledger ledger(*this);
  auto it = charges_.find(order_id);
  return it == charges_.end() ? 0 : it->second;
}

int FakeGateway::refunds_for(const std::string& order_id) const {
  Ledger ledger(*this);
  auto it = refunds_.find(order_id);
  return it == refunds_.end() ? 0 : it->second;
}

int FakeGateway::total_charges() const {
  Ledger ledger(*this);
  int total = 0;
  for (const auto& [order, n] : charges_) total += n;
  return total;
}

Money FakeGateway::net_for(const std::string& order_id) const {
  Ledger ledger(*this);
  auto it = net_.find(order_id);
  return it == net_.end() ? 0 : it->second;
}

int FakeGateway::calls(Operation op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

}  // namespace commerce
