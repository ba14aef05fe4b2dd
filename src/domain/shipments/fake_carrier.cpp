// FakeCarrier: a scriptable carrier whose ledger survives a crash of the process.
//
// Every change is one line "create KEY ORDER TRACKING", "block KEY ORDER -" or
// "cancel KEY ORDER -" appended to the record file (core/record_file.h) and fsynced before the
// call answers; a kill between the fsync and the answer is the "created, reply lost" case
// recover() must survive.
#include <sstream>

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/shipments.h"
#include "core/record_file.h"

namespace commerce {

// Holds the carrier's mutex and its record file's lock, every line appended so far applied.
class FakeCarrier::Ledger {
 public:
  explicit Ledger(const FakeCarrier& carrier) : carrier_(carrier), lock_(carrier.mu_) {
    if (carrier_.record_) {
      carrier_.record_->lock([this](const std::string& line) { carrier_.apply(line); });
    }
  }
  ~Ledger() {
    if (carrier_.record_) carrier_.record_->unlock();
  }
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

 private:
  const FakeCarrier& carrier_;
  std::lock_guard<std::mutex> lock_;
};

FakeCarrier::FakeCarrier(std::string record_path) {
  if (record_path.empty()) return;
  record_ = std::make_unique<detail::RecordFile>(std::move(record_path), "the fake carrier record");
  Ledger ledger(*this);  // replays the record
}

FakeCarrier::~FakeCarrier() = default;

void FakeCarrier::script(Operation op, std::vector<Behaviour> steps) {
  std::lock_guard lock(mu_);
  for (auto step : steps) scripts_[op].push_back(step);
}

void FakeCarrier::scan(const std::string& tracking_number, TrackingEvent event) {
  std::lock_guard lock(mu_);
  scans_[tracking_number].push_back(std::move(event));
}

FakeCarrier::Behaviour FakeCarrier::next(Operation op) {
  std::lock_guard lock(mu_);
  ++calls_[op];
  auto& queue = scripts_[op];
  if (queue.empty()) return Behaviour::kSucceed;
  const Behaviour b = queue.front();
  queue.pop_front();
  return b;
}

void FakeCarrier::apply(const std::string& line) const {
  std::istringstream in(line);
  std::string op, key, order_id, tracking;
  if (!(in >> op >> key >> order_id >> tracking)) return;  // a torn last line: never answered
  Parcel& p = parcels_[key];
  p.order_id = order_id;
  if (op == "create") {
    p.tracking_number = tracking;
    ++created_[order_id];
  } else if (op == "cancel") {
    p.cancelled = true;
    if (!p.tracking_number.empty()) ++cancelled_[order_id];
  } else if (op == "block") {
    p.cancelled = true;
  }
}

void FakeCarrier::append(const std::string& line) {
  if (record_) record_->append(line);
  apply(line);
}

CarrierLabel FakeCarrier::create(const CarrierRequest& request) {
  const Behaviour b = next(Operation::kCreate);
  if (b == Behaviour::kFail) {
    throw Error::unavailable(request.idempotency_key, "the fake carrier is unreachable");
  }
  Ledger ledger(*this);
  auto it = parcels_.find(request.idempotency_key);
  if (it != parcels_.end() && it->second.cancelled) {
    return {CarrierOutcome::kRefused, {}, {}, "cancelled before it was created"};
  }
  if (it == parcels_.end()) {
    if (b == Behaviour::kRefuse) {
      return {CarrierOutcome::kRefused, {}, {}, "the fake carrier refused the shipment"};
    }
    append(fmt::format("create {} {} FAKE-{}", request.idempotency_key, request.order_id,
                       parcels_.size() + 1));
    it = parcels_.find(request.idempotency_key);
  }
  if (b == Behaviour::kTimeout) return {CarrierOutcome::kUnknown, {}, {}, "timed out"};
  const std::string& tracking = it->second.tracking_number;
  return {CarrierOutcome::kDone, tracking, "https://labels.example/" + tracking, {}};
}

CarrierOutcome FakeCarrier::cancel(const std::string& idempotency_key, std::int64_t) {
  const Behaviour b = next(Operation::kCancel);
  if (b == Behaviour::kFail) {
    throw Error::unavailable(idempotency_key, "the fake carrier is unreachable");
  }
  if (b == Behaviour::kRefuse) return CarrierOutcome::kRefused;
  Ledger ledger(*this);
  auto it = parcels_.find(idempotency_key);
  if (it == parcels_.end()) {
    append(fmt::format("block {} - -", idempotency_key));
  } else if (!it->second.cancelled) {
    append(fmt::format("cancel {} {} -", idempotency_key, it->second.order_id));
  }
  return b == Behaviour::kTimeout ? CarrierOutcome::kUnknown : CarrierOutcome::kDone;
}

std::vector<TrackingEvent> FakeCarrier::track(const std::string& tracking_number,
                                              std::int64_t) {
  const Behaviour b = next(Operation::kTrack);
  if (b == Behaviour::kFail || b == Behaviour::kTimeout) {
    throw Error::unavailable(tracking_number, "the fake carrier is unreachable");
  }
  std::lock_guard lock(mu_);
  auto it = scans_.find(tracking_number);
  return it == scans_.end() ? std::vector<TrackingEvent>{} : it->second;
}

int FakeCarrier::created_for(const std::string& order_id) const {
  Ledger ledger(*this);
  auto it = created_.find(order_id);
  return it == created_.end() ? 0 : it->second;
}

int FakeCarrier::cancelled_for(const std::string& order_id) const {
  Ledger ledger(*this);
  auto it = cancelled_.find(order_id);
  return it == cancelled_.end() ? 0 : it->second;
}

std::string FakeCarrier::tracking_number_of(const std::string& idempotency_key) const {
  Ledger ledger(*this);
  auto it = parcels_.find(idempotency_key);
  return it == parcels_.end() ? std::string() : it->second.tracking_number;
}

int FakeCarrier::calls(Operation op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

}  // namespace commerce
