#include "commerce/event_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "core/file_error.h"
#include "events/exception_text.h"

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

using detail::what_of;

// The outcome of a publish that already finished: its acks, or the exception it threw.
class FinishedPublish final : public PendingPublish {
 public:
  explicit FinishedPublish(std::vector<Ack> acks) : acks_(std::move(acks)) {}
  explicit FinishedPublish(std::exception_ptr error) : error_(std::move(error)) {}
  std::vector<Ack> wait() override {
    if (error_) std::rethrow_exception(error_);
    return std::move(acks_);
  }
  bool done() const override { return true; }

 private:
  std::vector<Ack> acks_;
  std::exception_ptr error_;
};

}  // namespace

std::unique_ptr<PendingPublish> EventSink::begin_publish(std::span<const Event> batch) {
  try {
    return std::make_unique<FinishedPublish>(publish(batch));
  } catch (...) {
    return std::make_unique<FinishedPublish>(std::current_exception());
  }
}

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
  if (options_.file_mode < 0 || options_.file_mode > 0777) {
    throw Error::invalid_argument("file_mode", "must be permission bits between 0 and 0777");
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
               static_cast<mode_t>(options_.file_mode));
  if (fd_ < 0) throw detail::file_open_error(path_, "the JSON-lines file", errno);
}

JsonLinesSink::~JsonLinesSink() {
  if (fd_ >= 0) ::close(fd_);
}

void JsonLinesSink::write(const Event& event) {
  append_envelope_json(pending_, event);
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

namespace {

// The end of the run of plain bytes that starts at p: bytes that stand for themselves inside a
// JSON string (printable ASCII but '"' and '\\'). Eight bytes at a time: a word's other bytes
// ('"', '\\', below ' ', >= 0x80) are flagged by carry tricks whose lowest flag is always exact
// (a borrow only runs upwards), so the first one is found without a byte loop; the lowest flag
// is the first byte in memory on a little-endian machine.
const char* skip_plain(const char* p, const char* end) {
  static_assert(std::endian::native == std::endian::little, "skip_plain reads words LSB first");
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, sizeof x);
    const std::uint64_t special = ((x - kOnes * 0x20) & ~x & kHighs) |
                                  zero_bytes(x ^ (kOnes * '"')) | zero_bytes(x ^ (kOnes * '\\')) |
                                  (x & kHighs);
    if (special != 0) return p + std::countr_zero(special) / 8;
    p += sizeof x;
  }
  while (p != end) {  // the last bytes, one by one
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return p;
    ++p;
  }
  return end;
}

bool plain(std::string_view text) {
  return skip_plain(text.data(), text.data() + text.size()) == text.data() + text.size();
}

// Checks that a text is one JSON value (RFC 8259: strict numbers, escapes, UTF-8 and surrogate
// pairs), nested at most kMaxDepth deep, without building anything. Accepts nothing that
// nlohmann::json::parse() refuses.
class JsonChecker {
 public:
  static bool valid(std::string_view text) {
    JsonChecker c(text);
    if (!c.value(0)) return false;
    c.skip_space();
    return c.p_ == c.end_;
  }

 private:
  static constexpr int kMaxDepth = 256;

  explicit JsonChecker(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool at(char c) const { return p_ != end_ && *p_ == c; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool value(int depth) {
    skip_space();
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // {
    skip_space();
    if (at('}')) {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (!at('"') || !string()) return false;
      skip_space();
      if (!at(':')) return false;
      ++p_;
      if (!value(depth)) return false;
      skip_space();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at('}')) {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;  // [
    skip_space();
    if (at(']')) {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(depth)) return false;
      skip_space();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at(']')) {
        ++p_;
        return true;
      }
      return false;
    }
  }

  bool number() {
    if (at('-')) ++p_;
    if (at('0')) {
      ++p_;
    } else if (p_ != end_ && *p_ >= '1' && *p_ <= '9') {
      while (p_ != end_ && digit(*p_)) ++p_;
    } else {
      return false;
    }
    if (at('.')) {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (at('e') || at('E')) {
      ++p_;
      if (at('+') || at('-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    return true;
  }

  // Four hex digits after "\u"; -1 if malformed.
  int hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      const char c = *p_;
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return -1;
    }
    return v;
  }

  bool escape() {  // at the character after a backslash
    if (p_ == end_) return false;
    const char c = *p_++;
    if (c != 'u') return std::string_view("\"\\/bfnrt").find(c) != std::string_view::npos;
    const int unit = hex4();
    if (unit < 0) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a lone low surrogate
    if (unit < 0xD800 || unit > 0xDBFF) return true;
    // A high surrogate must be followed by an escaped low surrogate.
    if (!literal("\\u")) return false;
    const int low = hex4();
    return low >= 0xDC00 && low <= 0xDFFF;
  }

  // One UTF-8 sequence starting with a byte >= 0x80 (well-formed, per RFC 3629).
  bool utf8() {
    const auto b = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
    const auto cont = [&](std::ptrdiff_t i, unsigned lo = 0x80, unsigned hi = 0xBF) {
      return i < end_ - p_ && b(i) >= lo && b(i) <= hi;
    };
    const unsigned lead = b(0);
    int n = 0;
    if (lead >= 0xC2 && lead <= 0xDF)
      n = cont(1) ? 2 : 0;
    else if (lead == 0xE0)
      n = cont(1, 0xA0) && cont(2) ? 3 : 0;
    else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF)
      n = cont(1) && cont(2) ? 3 : 0;
    else if (lead == 0xED)
      n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
    else if (lead == 0xF0)
      n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
    else if (lead >= 0xF1 && lead <= 0xF3)
      n = cont(1) && cont(2) && cont(3) ? 4 : 0;
    else if (lead == 0xF4)
      n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
    p_ += n;
    return n > 0;
  }

  bool string() {
    ++p_;  // opening quote
    while (p_ != end_) {
      p_ = skip_plain(p_, end_);  // plain printable ASCII, the usual content
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        ++p_;
        if (!escape()) return false;
      } else if (c >= 0x80) {
        if (!utf8()) return false;
      } else {
        ++p_;
      }
    }
    return false;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

// Built by hand: the payload is embedded as stored (checked to be JSON, not re-parsed into a
// tree and dumped again, which cost most of a relay's CPU per event), and the envelope is
// written into `out` at once, its size bounded beforehand (the usual event's texts are plain
// ASCII, copied as they are; others go through nlohmann: escapes, U+FFFD for invalid UTF-8).
namespace {

// One of the envelope's strings as it goes out: plain text, quoted on the way, or a JSON string
// encoded already (quotes included).
struct JsonString {
  std::string_view text;
  bool quote;
  std::string encoded;  // the storage of `text` when it was encoded

  explicit JsonString(const std::string& value) : text(value), quote(plain(value)) {
    if (quote) return;
    encoded = nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text = encoded;
  }
  JsonString(const JsonString&) = delete;
  JsonString& operator=(const JsonString&) = delete;
  std::size_t size() const { return text.size() + (quote ? 2 : 0); }
};

class EnvelopeWriter {
 public:
  explicit EnvelopeWriter(char* at) : w_(at) {}
  char* end() const { return w_; }
  EnvelopeWriter& raw(std::string_view text) {
    std::memcpy(w_, text.data(), text.size());
    w_ += text.size();
    return *this;
  }
  EnvelopeWriter& number(std::int64_t value) {
    w_ = std::to_chars(w_, w_ + kMaxDigits, value).ptr;
    return *this;
  }
  EnvelopeWriter& string(const JsonString& s) {
    if (s.quote) *w_++ = '"';
    raw(s.text);
    if (s.quote) *w_++ = '"';
    return *this;
  }
  static constexpr std::size_t kMaxDigits = 20;  // an int64 in decimal, sign included

 private:
  char* w_;
};

}  // namespace

void append_envelope_json(std::string& out, const Event& event) {
  if (!JsonChecker::valid(event.payload)) {
    throw Error::invalid_argument(
        "payload", fmt::format("event '{}' has a payload that is not JSON", event.id));
  }
  using namespace std::string_view_literals;
  constexpr std::string_view kNames[] = {
      "{\"seq\":"sv,   ",\"id\":"sv,          ",\"type\":"sv,
      ",\"schema_version\":"sv, ",\"topic\":"sv, ",\"key\":"sv,
      ",\"occurred_at\":"sv, ",\"request_id\":"sv, ",\"payload\":"sv};
  const JsonString id(event.id), type(event.type), topic(event.topic), key(event.key),
      request_id(event.request_id);
  std::size_t bound = 3 * EnvelopeWriter::kMaxDigits + id.size() + type.size() + topic.size() +
                      key.size() + request_id.size() + event.payload.size() + 1;
  for (const std::string_view name : kNames) bound += name.size();
  const std::size_t start = out.size();
  out.resize(start + bound);
  EnvelopeWriter w(out.data() + start);
  w.raw(kNames[0]).number(event.seq);
  w.raw(kNames[1]).string(id);
  w.raw(kNames[2]).string(type);
  w.raw(kNames[3]).number(event.schema_version);
  w.raw(kNames[4]).string(topic);
  w.raw(kNames[5]).string(key);
  w.raw(kNames[6]).number(event.occurred_at);
  w.raw(kNames[7]).string(request_id);
  w.raw(kNames[8]).raw(event.payload).raw("}"sv);
  out.resize(static_cast<std::size_t>(w.end() - out.data()));
}

std::string envelope_json(const Event& event) {
  std::string out;
  append_envelope_json(out, event);
  return out;
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
