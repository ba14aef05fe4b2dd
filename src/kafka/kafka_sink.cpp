// The Kafka sink: librdkafka plumbing behind commerce/kafka_sink.h.
//
// Delivery reports are the only source of acknowledgements. Every produced message carries an
// integer token as its opaque; the token maps to (batch, index) in `inflight`, so a report that
// arrives after publish() gave up on it (or after close()) finds nothing and is dropped, and no
// memory is owned by librdkafka. Reports and error events are served only by rd_kafka_poll() and
// rd_kafka_flush(), which this file calls only with `mu` held, so the callbacks run under `mu`.
#include "commerce/kafka_sink.h"

#include <librdkafka/rdkafka.h>

#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <charconv>
#include <deque>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "commerce/error.h"

namespace commerce {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* kSubject = "kafka-sink";

// The sink's defaults; host properties are applied after them.
const std::pair<const char*, const char*> kDefaults[] = {
    {"enable.idempotence", "true"},
    {"acks", "all"},
    {"partitioner", "murmur2_random"},
    {"message.timeout.ms", "30000"},
    {"linger.ms", "5"},
    {"client.id", "commerce-relay"},
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Refuses the settings that would break the sink's guarantees or its own wiring.
void check_property(const std::string& name, const std::string& value) {
  const std::string field = "properties." + name;
  if (name == "enable.idempotence" && lower(value) != "true") {
    throw Error::invalid_argument(field, "must stay true: the sink relies on the idempotent "
                                         "producer for ordered, duplicate-free retries");
  }
  if ((name == "acks" || name == "request.required.acks") && lower(value) != "all" &&
      value != "-1") {
    throw Error::invalid_argument(field, fmt::format("'{}' would acknowledge events before every "
                                                     "in-sync replica has them; only all/-1",
                                                     value));
  }
  if (name == "bootstrap.servers" || name == "metadata.broker.list") {
    throw Error::invalid_argument(field, "set KafkaSinkOptions::bootstrap_servers instead");
  }
}

struct BatchState {
  explicit BatchState(std::size_t n) : acks(n), reported(n, false) {}
  std::vector<Ack> acks;
  std::vector<bool> reported;
  // Events still waiting for their report. Changed only under Impl::mu, after the event's ack
  // is written; read without it (done(), and wait() once it is 0), so a relay's thread that
  // waits never queues behind another thread producing the next batch.
  std::atomic<std::size_t> outstanding = 0;
};

// Where a delivery report goes: the event `index` of `batch`; batch == nullptr once it was
// reported, given up on, or its Pending was destroyed.
struct Slot {
  BatchState* batch = nullptr;
  std::size_t index = 0;
};

// The slots of the messages handed to librdkafka, indexed by their token (tokens are handed out
// in increasing order): a deque instead of a hash map, so a message costs no allocation of its
// own. Settled slots are dropped from the front.
class Slots {
 public:
  std::uint64_t add(BatchState* batch, std::size_t index) {
    slots_.push_back(Slot{batch, index});
    return base_ + slots_.size() - 1;
  }
  // The live slot of `token`, or null.
  Slot* find(std::uint64_t token) {
    if (token < base_ || token - base_ >= slots_.size()) return nullptr;
    Slot& slot = slots_[token - base_];
    return slot.batch == nullptr ? nullptr : &slot;
  }
  void erase(Slot& slot) {
    slot.batch = nullptr;
    while (!slots_.empty() && slots_.front().batch == nullptr) {
      slots_.pop_front();
      ++base_;
    }
  }
  template <class F>
  void for_each_live(F&& f) {
    for (Slot& slot : slots_) {
      if (slot.batch != nullptr) f(slot);
    }
  }
  void clear() {
    base_ += slots_.size();
    slots_.clear();
  }

 private:
  std::deque<Slot> slots_;
  std::uint64_t base_ = 1;  // the token of slots_.front()
};

}  // namespace

struct KafkaSink::Impl {
  KafkaSinkOptions options;
  std::string name;

  std::mutex mu;  // publish(), flush(), close(); the librdkafka callbacks run under it
  rd_kafka_t* rk = nullptr;
  bool closed = false;
  bool fatal = false;
  std::int64_t message_timeout_ms = 30000;
  Slots inflight;  // by token

  mutable std::mutex counters_mu;
  KafkaSinkCounters counters;

  explicit Impl(KafkaSinkOptions opts) : options(std::move(opts)) {
    name = "kafka:" + options.bootstrap_servers;
  }

  void note_error(const std::string& text, bool count_failure) {
    std::lock_guard lock(counters_mu);
    counters.last_error = text;
    if (count_failure) ++counters.failed;
  }

  // Builds a producer from the options. Throws InvalidArgument for a bad property.
  rd_kafka_t* create_producer() {
    for (const auto& [key, value] : options.properties) check_property(key, value);
    char err[512] = {0};
    // Owns the configuration until rd_kafka_new() takes it.
    std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> owned(
        rd_kafka_conf_new(), &rd_kafka_conf_destroy);
    rd_kafka_conf_t* conf = owned.get();
    auto set = [&](const std::string& key, const std::string& value, const std::string& field) {
      if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) !=
          RD_KAFKA_CONF_OK) {
        throw Error::invalid_argument(field, err);
      }
    };
    for (const auto& [key, value] : kDefaults) set(key, value, std::string("default ") + key);
    for (const auto& [key, value] : options.properties) set(key, value, "properties." + key);
    set("bootstrap.servers", options.bootstrap_servers, "bootstrap_servers");

    char value[64] = {0};
    std::size_t size = sizeof value;
    if (rd_kafka_conf_get(conf, "message.timeout.ms", value, &size) == RD_KAFKA_CONF_OK) {
      std::int64_t ms = 0;
      const std::string_view text(value);
      if (std::from_chars(text.data(), text.data() + text.size(), ms).ec == std::errc()) {
        message_timeout_ms = ms;
      }
    }
    rd_kafka_conf_set_dr_msg_cb(conf, &Impl::on_delivery);
    rd_kafka_conf_set_error_cb(conf, &Impl::on_error_event);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (producer == nullptr) {
      throw Error::invalid_argument("properties", fmt::format("librdkafka refused the "
                                                              "configuration: {}", err));
    }
    owned.release();  // the producer owns it now
    return producer;
  }

  // Purges whatever is still queued or in flight, serves the resulting reports, destroys.
  void destroy_producer() {
    if (rk == nullptr) return;
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(rk, 1000);
    rd_kafka_destroy(rk);
    rk = nullptr;
    inflight.for_each_live([](Slot& slot) {
      BatchState& b = *slot.batch;
      if (!b.reported[slot.index]) {
        b.reported[slot.index] = true;
        b.acks[slot.index] = {AckStatus::kFailed, "the producer was closed before the delivery "
                                                  "report arrived"};
        if (b.outstanding > 0) --b.outstanding;
      }
    });
    inflight.clear();
  }

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    const auto token = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(message->_private));
    Slot* found = self->inflight.find(token);
    if (found == nullptr) return;  // publish() already gave up on it
    const Slot slot = *found;
    self->inflight.erase(*found);
    BatchState& b = *slot.batch;
    if (b.reported[slot.index]) return;
    b.reported[slot.index] = true;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      b.acks[slot.index] = {AckStatus::kAcked, {}};
      std::lock_guard lock(self->counters_mu);
      ++self->counters.acked;
    } else {
      const std::string text =
          fmt::format("delivery to topic '{}' failed: {} ({})", rd_kafka_topic_name(message->rkt),
                      rd_kafka_err2str(message->err), rd_kafka_err2name(message->err));
      b.acks[slot.index] = {AckStatus::kFailed, text};
      self->note_error(text, true);
    }
    // Last: a thread that sees no report outstanding reads the acks without the lock.
    --b.outstanding;
  }

  static void on_error_event(rd_kafka_t* producer, int code, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    std::string text = fmt::format("kafka: {} ({})", reason,
                                   rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code)));
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
      char detail[512] = {0};
      const rd_kafka_resp_err_t original = rd_kafka_fatal_error(producer, detail, sizeof detail);
      text = fmt::format("kafka: fatal producer error {}: {}; the producer will be rebuilt",
                         rd_kafka_err2name(original), detail);
      self->fatal = true;
    }
    self->note_error(text, false);
    if (self->options.on_error) {
      try {
        self->options.on_error(text);
      } catch (...) {
        // A host callback must not unwind through librdkafka.
      }
    }
  }

  // Sets `out` to the Kafka topic of `event` (reusing its buffer).
  void topic_for(const Event& event, std::string& out) const {
    auto it = options.topic_overrides.find(event.topic);
    if (it != options.topic_overrides.end()) {
      out = it->second;
      return;
    }
    out.assign(options.topic_prefix).append(event.topic);
  }

  // Produces one event; returns the librdkafka error (NO_ERROR once queued). Waits (serving
  // reports) while the local queue is full, up to `deadline`.
  rd_kafka_resp_err_t produce(const Event& event, const std::string& topic,
                              const std::string& value, std::uint64_t token,
                              SteadyClock::time_point deadline) {
    char version_buf[16];
    const std::string_view version(
        version_buf,
        static_cast<std::size_t>(
            std::to_chars(version_buf, version_buf + sizeof version_buf, event.schema_version).ptr -
            version_buf));
    for (;;) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(event.key.empty() ? nullptr : event.key.data(), event.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_HEADER("event_id", event.id.data(), static_cast<ssize_t>(event.id.size())),
          RD_KAFKA_V_HEADER("event_type", event.type.data(),
                            static_cast<ssize_t>(event.type.size())),
          RD_KAFKA_V_HEADER("schema_version", version.data(),
                            static_cast<ssize_t>(version.size())),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(token))),
          RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL || SteadyClock::now() >= deadline) return err;
      rd_kafka_poll(rk, 50);  // make room: serve reports while librdkafka sends
    }
  }
};

KafkaSink::KafkaSink(KafkaSinkOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const KafkaSinkOptions& o = impl_->options;
  if (o.bootstrap_servers.empty()) {
    throw Error::invalid_argument("bootstrap_servers", "must name at least one broker host:port");
  }
  if (o.report_grace_ms < 0) {
    throw Error::invalid_argument("report_grace_ms", "must not be negative");
  }
  for (const auto& [from, to] : o.topic_overrides) {
    if (from.empty() || to.empty()) {
      throw Error::invalid_argument("topic_overrides",
                                    fmt::format("empty topic name in '{}' -> '{}'", from, to));
    }
  }
  impl_->rk = impl_->create_producer();
}

KafkaSink::~KafkaSink() {
  try {
    close();
  } catch (...) {
    // Destructors do not throw; close() only fails on a broken mutex.
  }
}

std::string KafkaSink::name() const { return impl_->name; }

bool KafkaSink::publishes_in_background() const { return true; }

std::string KafkaSink::topic_for(const Event& event) const {
  std::string topic;
  impl_->topic_for(event, topic);
  return topic;
}

std::string KafkaSink::librdkafka_version() { return rd_kafka_version_str(); }

KafkaSinkCounters KafkaSink::counters() const {
  std::lock_guard lock(impl_->counters_mu);
  return impl_->counters;
}

// A batch handed to librdkafka: wait() serves delivery reports until every event of it has one.
class KafkaSink::Pending final : public PendingPublish {
 public:
  Pending(Impl& sink, std::span<const Event> batch, std::unique_ptr<BatchState> state,
          std::vector<std::uint64_t> tokens, SteadyClock::time_point deadline)
      : sink_(sink), batch_(batch), state_(std::move(state)), tokens_(std::move(tokens)),
        deadline_(deadline) {}

  // Reports that arrive after this (wait() not called, or gave up) find no slot.
  ~Pending() override {
    if (state_->outstanding == 0) return;  // every slot of it is gone already
    std::lock_guard lock(sink_.mu);
    for (const std::uint64_t token : tokens_) {
      if (Slot* slot = sink_.inflight.find(token); slot != nullptr && slot->batch == state_.get()) {
        sink_.inflight.erase(*slot);
      }
    }
  }

  std::vector<Ack> wait() override {
    Impl& s = sink_;
    BatchState& state = *state_;
    if (state.outstanding > 0) {
      std::lock_guard lock(s.mu);
      // Wait for the delivery reports; librdkafka bounds each by message.timeout.ms.
      while (state.outstanding > 0 && s.rk != nullptr) {
        const auto now = SteadyClock::now();
        if (now >= deadline_) break;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - now).count();
        rd_kafka_poll(s.rk, static_cast<int>(std::min<std::int64_t>(left, 100)));
      }
      if (state.outstanding > 0) {
        const std::string text = fmt::format(
            "no delivery report within {} ms (message.timeout.ms {} + report_grace_ms {})",
            s.message_timeout_ms + s.options.report_grace_ms, s.message_timeout_ms,
            s.options.report_grace_ms);
        for (const std::uint64_t token : tokens_) {
          Slot* slot = s.inflight.find(token);
          if (slot == nullptr) continue;
          state.reported[slot->index] = true;
          state.acks[slot->index] = {AckStatus::kFailed, text};
          s.inflight.erase(*slot);
          s.note_error(text, true);
        }
        state.outstanding = 0;
      }
    }

    // Per key, nothing after a failed event counts: it is re-sent after the failed one.
    std::vector<Ack> acks = std::move(state.acks);
    std::unordered_map<std::string_view, std::string_view> failed_at;  // key -> first failed id
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      if (failed_at.empty() && acks[i].status == AckStatus::kAcked) continue;  // the usual case
      const std::string& key = batch_[i].key;
      auto it = failed_at.find(key);
      if (it != failed_at.end()) {
        if (acks[i].status == AckStatus::kAcked) {
          acks[i] = {AckStatus::kNotAttempted,
                     fmt::format("re-sent after the failed event {} of key '{}'", it->second, key)};
        }
        continue;
      }
      if (acks[i].status != AckStatus::kAcked) failed_at.emplace(key, batch_[i].id);
    }
    return acks;
  }

  bool done() const override { return state_->outstanding == 0; }

 private:
  Impl& sink_;
  std::span<const Event> batch_;
  std::unique_ptr<BatchState> state_;
  std::vector<std::uint64_t> tokens_;
  SteadyClock::time_point deadline_;
};

std::vector<Ack> KafkaSink::publish(std::span<const Event> batch) {
  return begin_publish(batch)->wait();
}

std::unique_ptr<PendingPublish> KafkaSink::begin_publish(std::span<const Event> batch) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.closed) throw Error::failed_precondition(Reason::kNone, kSubject, "the sink is closed");
  if (s.fatal) {
    // The old producer can never deliver again; its unreported messages were failed already
    // or are failed now, and the relay re-sends them through the new one (same ids).
    s.destroy_producer();
    s.rk = s.create_producer();
    s.fatal = false;
    std::lock_guard counters_lock(s.counters_mu);
    ++s.counters.producer_rebuilds;
  }
  rd_kafka_poll(s.rk, 0);  // serve error events (and reports) that piled up meanwhile

  auto state = std::make_unique<BatchState>(batch.size());
  const auto deadline = SteadyClock::now() + std::chrono::milliseconds(s.message_timeout_ms +
                                                                       s.options.report_grace_ms);
  std::unordered_set<std::string_view> refused_keys;  // keys whose send call failed in this batch
  std::vector<std::uint64_t> tokens;
  tokens.reserve(batch.size());
  std::string topic;
  std::string value;  // one buffer for every message: librdkafka copies it
  std::int64_t produced = 0;
  // An event that cannot be encoded (a payload that is not JSON) fails the whole batch, as
  // publish() documents: what was produced already is then forgotten here (its reports find
  // no slot) and re-sent with the batch.
  auto forget = [&] {
    for (const std::uint64_t token : tokens) {
      if (Slot* slot = s.inflight.find(token)) s.inflight.erase(*slot);
    }
  };
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Event& event = batch[i];
    if (!refused_keys.empty() && refused_keys.contains(event.key)) {
      state->reported[i] = true;
      state->acks[i] = {AckStatus::kNotAttempted,
                        fmt::format("an earlier event of key '{}' failed in this batch", event.key)};
      continue;
    }
    s.topic_for(event, topic);
    value.clear();
    try {
      append_envelope_json(value, event);
    } catch (...) {
      forget();
      throw;
    }
    const std::uint64_t token = s.inflight.add(state.get(), i);
    ++state->outstanding;
    const rd_kafka_resp_err_t err = s.produce(event, topic, value, token, deadline);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      s.inflight.erase(*s.inflight.find(token));
      --state->outstanding;
      state->reported[i] = true;
      const std::string text = fmt::format("producing event {} to topic '{}' failed: {} ({})",
                                           event.id, topic, rd_kafka_err2str(err),
                                           rd_kafka_err2name(err));
      state->acks[i] = {AckStatus::kFailed, text};
      s.note_error(text, true);
      refused_keys.insert(event.key);
      continue;
    }
    tokens.push_back(token);
    ++produced;
  }
  {
    std::lock_guard counters_lock(s.counters_mu);
    s.counters.produced += produced;
  }
  return std::make_unique<Pending>(s, batch, std::move(state), std::move(tokens), deadline);
}

bool KafkaSink::flush(std::int64_t timeout_ms) {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.closed || s.rk == nullptr) return true;
  const int ms = static_cast<int>(std::clamp<std::int64_t>(timeout_ms, 0, INT32_MAX));
  return rd_kafka_flush(s.rk, ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void KafkaSink::close() {
  Impl& s = *impl_;
  std::lock_guard lock(s.mu);
  if (s.closed) return;
  s.closed = true;
  if (s.rk == nullptr) return;
  rd_kafka_flush(s.rk, static_cast<int>(std::min<std::int64_t>(s.message_timeout_ms, INT32_MAX)));
  s.destroy_producer();
}

}  // namespace commerce
