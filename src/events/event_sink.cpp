#include "commerce/event_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commerce/error.h"

namespace commerce {

std::string_view to_string(AckStatus status) {
  switch (status) {
    case AckStatus::kAcked: return "acked";
    case AckStatus::kFailed: return "failed";
    case AckStatus::kNotAttempted: return "not_attempted";
  }
  return "unknown";
}

namespace {

std::string what_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

std::vector<Ack> EventSinkBase::publish(std::span<const Event> batch) {
  std::lock_guard lock(mu_);
  std::vector<Ack> acks(batch.size());
  std::unordered_set<std::string> failed_keys;
  bool any_written = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Event& event = batch[i];
    if (failed_keys.contains(event.key)) {
      acks[i] = {AckStatus::kNotAttempted,
                 fmt::format("an earlier event of key '{}' failed in this batch", event.key)};
      continue;
    }
    try {
      write(event);
      acks[i].status = AckStatus::kAcked;
      any_written = true;
    } catch (...) {
      acks[i] = {AckStatus::kFailed, what_of(std::current_exception())};
      failed_keys.insert(event.key);
    }
  }
  if (any_written) {
    try {
      flush();
    } catch (...) {
      const std::string why = "flush failed: " + what_of(std::current_exception());
      for (auto& ack : acks) {
        if (ack.status == AckStatus::kAcked) ack = {AckStatus::kFailed, why};
      }
    }
  }
  return acks;
}

// --- MemorySink

std::vector<Event> MemorySink::events() const {
  std::lock_guard lock(events_mu_);
  return events_;
}

std::size_t MemorySink::size() const {
  std::lock_guard lock(events_mu_);
  return events_.size();
}

void MemorySink::clear() {
  std::lock_guard lock(events_mu_);
  events_.clear();
}

void MemorySink::write(const Event& event) {
  std::lock_guard lock(events_mu_);
  events_.push_back(event);
}

// --- CallbackSink

CallbackSink::CallbackSink(Callback callback, std::string name)
    : callback_(std::move(callback)), name_(std::move(name)) {
  if (!callback_) throw Error::invalid_argument("callback", "must not be empty");
}

void CallbackSink::write(const Event& event) { callback_(event); }

// --- JsonLinesSink

JsonLinesSink::JsonLinesSink(std::string path, JsonLinesSinkOptions options)
    : path_(std::move(path)), options_(options) {
  if (path_.empty()) throw Error::invalid_argument("path", "must not be empty");
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw Error::unavailable(path_, fmt::format("cannot open '{}': {}", path_, std::strerror(errno)));
  }
}

JsonLinesSink::~JsonLinesSink() {
  if (fd_ >= 0) ::close(fd_);
}

void JsonLinesSink::write(const Event& event) {
  pending_ += envelope_json(event);
  pending_ += '\n';
}

void JsonLinesSink::flush() {
  std::string lines;
  lines.swap(pending_);
  struct stat before{};
  if (::fstat(fd_, &before) != 0) {
    throw Error::unavailable(path_, fmt::format("cannot stat '{}': {}", path_, std::strerror(errno)));
  }
  std::size_t done = 0;
  while (done < lines.size()) {
    const ssize_t n = ::write(fd_, lines.data() + done, lines.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      // Cut the partial batch off so the file holds whole lines only.
      if (::ftruncate(fd_, before.st_size) != 0) {
        // Nothing more can be done; readers skip a malformed final line.
      }
      throw Error::unavailable(path_,
                               fmt::format("cannot write '{}': {}", path_, std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (options_.fsync && ::fsync(fd_) != 0) {
    throw Error::unavailable(path_, fmt::format("cannot fsync '{}': {}", path_, std::strerror(errno)));
  }
}

// --- envelopes

std::string envelope_json(const Event& event) {
  nlohmann::ordered_json j;
  j["seq"] = event.seq;
  j["id"] = event.id;
  j["type"] = event.type;
  j["schema_version"] = event.schema_version;
  j["topic"] = event.topic;
  j["key"] = event.key;
  j["occurred_at"] = event.occurred_at;
  j["request_id"] = event.request_id;
  try {
    j["payload"] = nlohmann::ordered_json::parse(event.payload);
  } catch (const nlohmann::json::exception&) {
    throw Error::invalid_argument(
        "payload", fmt::format("event '{}' has a payload that is not JSON", event.id));
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

template <class T>
T field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) throw Error::invalid_argument(name, "is missing");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error::invalid_argument(name, "has the wrong type");
  }
}

}  // namespace

Event parse_envelope_json(std::string_view line) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    throw Error::invalid_argument("envelope", fmt::format("is not JSON: {}", e.what()));
  }
  if (!j.is_object()) throw Error::invalid_argument("envelope", "must be a JSON object");
  Event event;
  event.seq = field<std::int64_t>(j, "seq");
  event.id = field<std::string>(j, "id");
  event.type = field<std::string>(j, "type");
  event.schema_version = field<int>(j, "schema_version");
  event.topic = field<std::string>(j, "topic");
  event.key = field<std::string>(j, "key");
  event.occurred_at = field<std::int64_t>(j, "occurred_at");
  event.request_id = field<std::string>(j, "request_id");
  auto payload = j.find("payload");
  if (payload == j.end()) throw Error::invalid_argument("payload", "is missing");
  if (!payload->is_object()) throw Error::invalid_argument("payload", "must be a JSON object");
  event.payload = payload->dump();
  return event;
}

std::vector<Event> read_json_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error::unavailable(path, fmt::format("cannot read '{}'", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::vector<Event> events;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    if (!line.empty()) {
      try {
        events.push_back(parse_envelope_json(line));
      } catch (const Error&) {
        if (complete) throw;  // a malformed line in the middle is corruption
        // else: a final partial line from a crash mid-append; skip it
      }
    }
    start = end + 1;
  }
  return events;
}

}  // namespace commerce
