// commerce/event_sink.h: where the outbox relay publishes events, and the built-in sinks.
//
// An EventSink takes a batch of events (in outbox order) and reports, for each event, whether
// it durably accepted it. The relay marks an outbox row delivered only after its event is
// acknowledged, so delivery is at-least-once: after a crash or a failed acknowledgement the
// same event (same id) may be published again, and consumers deduplicate by Event::id.
//
// Per-key order (the contract every sink keeps): within one batch, once an event of a key is
// not acknowledged, no later event of that key in the batch may be published or acknowledged;
// report those as kNotAttempted. EventSinkBase enforces this for sinks that publish one event at
// a time; a batching sink (Kafka) that overrides publish() directly must keep it itself.
//
// Thread safety: publish() may be called from several threads at once (several relays in one
// process, or a host sharing a sink); EventSinkBase serializes calls with a mutex, so a subclass
// hook never runs concurrently with itself. The built-in sinks are all thread-safe.
//
// Shape: like spdlog's sinks, an interface (EventSink), a base class that takes the lock and
// calls protected hooks (EventSinkBase), and a forwarding wrapper (ForwardingEventSink) that
// tests use to inject failures.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/event.h"

namespace commerce {

enum class AckStatus {
  kAcked,         // durably accepted; the relay marks the row delivered
  kFailed,        // publishing failed; the relay retries with backoff
  kNotAttempted,  // skipped because an earlier event of the same key failed in this batch
};

std::string_view to_string(AckStatus status);

struct Ack {
  AckStatus status = AckStatus::kFailed;
  std::string error;  // why, for kFailed (recorded as the row's last error)
};

// A publish started by EventSink::begin_publish(), whose acknowledgements may still be on their
// way. Not thread-safe: one owner calls wait() once.
class PendingPublish {
 public:
  virtual ~PendingPublish() = default;
  // Blocks until the outcome of every event of the batch is known and returns one Ack per
  // event, as EventSink::publish() does. Throwing means no event of the batch was acknowledged.
  // Call once.
  virtual std::vector<Ack> wait() = 0;
  // True if the outcome is known, so wait() returns at once; false while acknowledgements may
  // still be on their way (a sink may answer false when unsure).
  virtual bool done() const = 0;
};

class EventSink {
 public:
  virtual ~EventSink() = default;

  // Publishes `batch` in order and returns exactly one Ack per event, in the same order.
  // Throwing (any exception) means no event of the batch was acknowledged; the relay treats
  // each as kFailed with the exception's message. Must keep the per-key order rule above.
  virtual std::vector<Ack> publish(std::span<const Event> batch) = 0;

  // Starts publishing `batch` and returns before its acknowledgements arrive, so the caller can
  // prepare the next batch meanwhile (the relay pipelines batches this way). Events of batches
  // started later are published after this batch's, in order. `batch` must stay alive until
  // wait() returned. The default calls publish() at once and hands back its outcome (an
  // exception from publish() is rethrown by wait()); a sink with asynchronous acknowledgements
  // (Kafka) overrides it. Thread safety: as publish().
  virtual std::unique_ptr<PendingPublish> begin_publish(std::span<const Event> batch);

  // A short name for logs and relay figures, e.g. "jsonl:/var/log/events.jsonl".
  virtual std::string name() const = 0;

  // true if begin_publish() may be called from another thread than the one that calls the
  // returned PendingPublish's wait() and done(), and then returns before the acknowledgements
  // arrive (KafkaSink). The relay then hands batches to the sink from a publisher thread of its
  // own, in claim order, so that building and sending a batch overlaps with recording the
  // batches before it and claiming the next. Default false: every call stays on the relay's
  // thread (host callbacks, e.g. Python's, run where the host expects them).
  virtual bool publishes_in_background() const { return false; }
};

// The base class most sinks derive from: publish() takes the sink's mutex, hands the events to
// write() one at a time (skipping later events of a key whose write failed), then calls flush()
// once; an event counts as acknowledged only if both its write() and the flush() succeed.
class EventSinkBase : public EventSink {
 public:
  std::vector<Ack> publish(std::span<const Event> batch) final;

 protected:
  // Publishes one event; throws (anything) if it was not accepted. Called with the lock held.
  virtual void write(const Event& event) = 0;
  // Makes every event written since the last flush durable; throws if that failed, which fails
  // every event written in the batch. Called with the lock held, once per non-empty batch.
  virtual void flush() {}

  std::mutex mu_;  // held around write() and flush()
};

// Forwards every call to another sink; override publish() to inject failures in tests.
class ForwardingEventSink : public EventSink {
 public:
  explicit ForwardingEventSink(EventSink& target) : target_(target) {}
  std::vector<Ack> publish(std::span<const Event> batch) override { return target_.publish(batch); }
  std::string name() const override { return target_.name(); }

 protected:
  EventSink& target_;
};

// Keeps every acknowledged event in memory, in publish order (duplicates included); for tests,
// demos and in-process consumers. Thread-safe.
class MemorySink final : public EventSinkBase {
 public:
  // A copy of the events acknowledged so far.
  std::vector<Event> events() const;
  std::size_t size() const;
  void clear();
  std::string name() const override { return "memory"; }

 protected:
  void write(const Event& event) override;

 private:
  mutable std::mutex events_mu_;
  std::vector<Event> events_;
};

// Calls a host function for each event, in order. The function acknowledges an event by
// returning; throwing fails that event (and, per key order, the later events of its key in the
// batch). Calls are serialized: the function never runs concurrently with itself.
class CallbackSink final : public EventSinkBase {
 public:
  using Callback = std::function<void(const Event&)>;
  // Errors: InvalidArgument naming "callback" if it is empty.
  explicit CallbackSink(Callback callback, std::string name = "callback");
  std::string name() const override { return name_; }

 protected:
  void write(const Event& event) override;

 private:
  Callback callback_;
  std::string name_;
};

struct JsonLinesSinkOptions {
  // true (default): every batch is fsync()ed before it is acknowledged, so an acknowledged
  // event survives a power loss. false: the batch is written to the kernel (write(2)) before
  // it is acknowledged; it survives a crash of the process but not of the machine.
  bool fsync = true;
  // Permissions of the file when the sink creates it, before the umask. Default 0600 (owner
  // only): events carry user ids and amounts.
  int file_mode = 0600;
};

// Appends one JSON envelope per line (see envelope_json()) to a file, created if missing,
// opened with O_APPEND. A batch is written with one write(2) call sequence then flushed per
// JsonLinesSinkOptions::fsync before any event of it is acknowledged. A line is only ever
// appended whole or the batch fails; after a crash, the last line may be partial and readers
// should skip a final line that does not parse. Re-sent events appear again with the same id.
class JsonLinesSink final : public EventSinkBase {
 public:
  // Errors: InvalidArgument naming "path" if empty or "file_mode" if not permission bits;
  // FailedPrecondition if the file cannot be opened for want of a directory or permission;
  // Unavailable if it cannot be opened for a passing reason.
  explicit JsonLinesSink(std::string path, JsonLinesSinkOptions options = {});
  ~JsonLinesSink() override;
  JsonLinesSink(const JsonLinesSink&) = delete;
  JsonLinesSink& operator=(const JsonLinesSink&) = delete;

  std::string name() const override { return "jsonl:" + path_; }
  const std::string& path() const { return path_; }

 protected:
  void write(const Event& event) override;
  void flush() override;

 private:
  std::string path_;
  JsonLinesSinkOptions options_;
  int fd_ = -1;
  std::string pending_;  // lines of the current batch, written by flush()
};

// The JSON envelope of an event, one line without the trailing newline:
// {"seq":..,"id":..,"type":..,"schema_version":..,"topic":..,"key":..,"occurred_at":..,
//  "request_id":..,"payload":{...}} (payload embedded as a JSON object).
std::string envelope_json(const Event& event);

// Appends envelope_json(event) to `out`, reusing its buffer (the Kafka sink builds every message
// into one buffer). Errors: as envelope_json(); `out` is unchanged then.
void append_envelope_json(std::string& out, const Event& event);

// Parses envelope_json() output back into an Event.
// Errors: InvalidArgument naming the missing or malformed field ("id", "payload", ...).
Event parse_envelope_json(std::string_view line);

// Reads every complete envelope of a JSON-lines file, skipping a final partial line (a crash
// mid-append). Errors: Unavailable if the file cannot be read; InvalidArgument for a malformed
// line that is not the last.
std::vector<Event> read_json_lines(const std::string& path);

}  // namespace commerce
