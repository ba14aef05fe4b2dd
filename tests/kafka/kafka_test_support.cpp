#include "kafka_test_support.h"

#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commerce/event_sink.h"
#include "commerce/ids.h"
#include "storage/transaction.h"

namespace commerce::kafka_test {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

void skip_or_fail_without_broker() {
  if (in_ci()) {
    GTEST_FAIL() << "CI=true but no Kafka broker: COMMERCE_KAFKA_BOOTSTRAP is not set. Run the "
                    "Kafka tests through tests/kafka/run_kafka_tests.sh, which starts one.";
  }
  GTEST_SKIP() << "no Kafka broker: set COMMERCE_KAFKA_BOOTSTRAP=host:port, or run "
                  "tests/kafka/run_kafka_tests.sh, which starts one";
}

// A librdkafka handle that is destroyed on scope exit.
struct Handle {
  rd_kafka_t* rk = nullptr;
  ~Handle() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

rd_kafka_t* new_handle(rd_kafka_type_t type, const std::string& bootstrap,
                       const std::vector<std::pair<std::string, std::string>>& extra) {
  char err[512] = {0};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::vector<std::pair<std::string, std::string>> props = {{"bootstrap.servers", bootstrap},
                                                            {"log_level", "3"}};
  props.insert(props.end(), extra.begin(), extra.end());
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      ADD_FAILURE() << "librdkafka property " << k << ": " << err;
      rd_kafka_conf_destroy(conf);
      return nullptr;
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) {
    ADD_FAILURE() << "rd_kafka_new: " << err;
    rd_kafka_conf_destroy(conf);
  }
  return rk;
}

// Partition count of `topic` once every partition has a leader; 0 if not (yet).
int ready_partitions(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int count = 0;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      count = md->topics[0].partition_cnt;
      for (int p = 0; p < md->topics[0].partition_cnt; ++p) {
        if (md->topics[0].partitions[p].leader < 0) count = 0;
      }
    }
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(rkt);
  return count;
}

}  // namespace

std::optional<std::string> broker_bootstrap() {
  std::string b = env("COMMERCE_KAFKA_BOOTSTRAP");
  if (b.empty()) return std::nullopt;
  return b;
}

bool in_ci() {
  const std::string ci = env("CI");
  return ci == "true" || ci == "1" || ci == "TRUE" || ci == "True";
}

std::string require_broker() {
  if (auto b = broker_bootstrap()) return *b;
  skip_or_fail_without_broker();
  return {};
}

bool broker_control_available() {
  return !env("COMMERCE_KAFKA_BROKER_SCRIPT").empty() && !env("COMMERCE_KAFKA_STATE_DIR").empty();
}

static bool broker_command(const char* verb) {
  const std::string cmd = fmt::format("'{}' {} '{}'", env("COMMERCE_KAFKA_BROKER_SCRIPT"), verb,
                                      env("COMMERCE_KAFKA_STATE_DIR"));
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    ADD_FAILURE() << cmd << " failed with status " << rc;
    return false;
  }
  return true;
}

bool broker_kill() { return broker_command("kill"); }
bool broker_restart() { return broker_command("restart"); }

std::string unique_name(const std::string& stem) {
  static std::atomic<int> counter{0};
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return fmt::format("{}-{}-{}-{}", stem, ::getpid(), now, counter++);
}

namespace {

std::filesystem::path temp_folder() {
  return std::filesystem::temp_directory_path() / ("commerce-kafka-" + std::to_string(::getpid()));
}

// Removes the temp folder when the test program ends.
class TempFolderCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(temp_folder(), ignored);
  }
};

}  // namespace

std::string temp_db_path(const std::string& stem) {
  static const bool registered = [] {
    ::testing::AddGlobalTestEnvironment(new TempFolderCleanup);
    return true;
  }();
  (void)registered;
  std::filesystem::create_directories(temp_folder());
  return (temp_folder() / (unique_name(stem) + ".db")).string();
}

std::string dead_bootstrap() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ADD_FAILURE() << "cannot find a free port on 127.0.0.1";
  }
  const int port = ntohs(addr.sin_port);
  if (fd >= 0) ::close(fd);
  return fmt::format("127.0.0.1:{}", port);
}

void create_topic(const std::string& bootstrap, const std::string& topic, int partitions) {
  Handle h{new_handle(RD_KAFKA_PRODUCER, bootstrap, {})};
  ASSERT_NE(h.rk, nullptr);
  char err[512] = {0};
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  ASSERT_NE(nt, nullptr) << err;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(h.rk);
  rd_kafka_CreateTopics(h.rk, &nt, 1, nullptr, queue);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, 30000);
  rd_kafka_NewTopic_destroy(nt);
  std::string failure;
  if (ev == nullptr) {
    failure = "no CreateTopics result within 30 s";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    failure = rd_kafka_event_error_string(ev);
  } else {
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (std::size_t i = 0; i < n; ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* why = rd_kafka_topic_result_error_string(results[i]);
        failure = why != nullptr ? why : rd_kafka_err2str(e);
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(queue);
  ASSERT_TRUE(failure.empty()) << "creating topic " << topic << ": " << failure;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (ready_partitions(h.rk, topic) != partitions) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "topic " << topic << " has no leader for its " << partitions << " partitions";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<ConsumedMessage> consume_all(const std::string& bootstrap,
                                         const std::vector<std::string>& topics) {
  std::vector<ConsumedMessage> out;
  Handle h{new_handle(RD_KAFKA_CONSUMER, bootstrap,
                      {{"group.id", unique_name("commerce-test-reader")},
                       {"enable.auto.commit", "false"},
                       {"enable.partition.eof", "false"},
                       {"auto.offset.reset", "earliest"}})};
  if (h.rk == nullptr) return out;

  // Where each partition ends now.
  std::map<std::pair<std::string, int>, std::int64_t> ends;
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(8);
  for (const auto& topic : topics) {
    const int partitions = ready_partitions(h.rk, topic);
    if (partitions == 0) continue;  // never created: nothing was published to it
    for (int p = 0; p < partitions; ++p) {
      std::int64_t low = 0;
      std::int64_t high = 0;
      const rd_kafka_resp_err_t e =
          rd_kafka_query_watermark_offsets(h.rk, topic.c_str(), p, &low, &high, 10000);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        ADD_FAILURE() << "watermarks of " << topic << "/" << p << ": " << rd_kafka_err2str(e);
        continue;
      }
      if (high <= low) continue;
      ends[{topic, p}] = high;
      rd_kafka_topic_partition_list_add(assignment, topic.c_str(), p)->offset = low;
    }
  }
  if (!ends.empty()) {
    const rd_kafka_resp_err_t e = rd_kafka_assign(h.rk, assignment);
    EXPECT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  }
  rd_kafka_topic_partition_list_destroy(assignment);

  std::map<std::tuple<std::string, int, std::int64_t>, ConsumedMessage> got;
  std::set<std::pair<std::string, int>> finished;
  int consumer_errors = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished.size() < ends.size()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "consumed " << got.size() << " messages but " << ends.size() - finished.size()
                    << " partition(s) did not reach their end within 60 s";
      break;
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(h.rk, 200);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const bool fatal = m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && ++consumer_errors > 20;
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && consumer_errors <= 3) {
        ADD_FAILURE() << "consumer error: " << rd_kafka_message_errstr(m);
      }
      rd_kafka_message_destroy(m);
      if (fatal) break;
      continue;
    }
    ConsumedMessage c;
    c.topic = rd_kafka_topic_name(m->rkt);
    c.partition = m->partition;
    c.offset = m->offset;
    if (m->key != nullptr) c.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload != nullptr) c.value.assign(static_cast<const char*>(m->payload), m->len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      std::size_t size = 0;
      for (std::size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        c.headers[name] = value == nullptr ? "" : std::string(static_cast<const char*>(value), size);
      }
    }
    const auto where = std::make_pair(c.topic, c.partition);
    if (m->offset + 1 >= ends[where]) finished.insert(where);
    got.emplace(std::make_tuple(c.topic, c.partition, c.offset), std::move(c));
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(h.rk);
  out.reserve(got.size());
  for (auto& [where, message] : got) out.push_back(std::move(message));
  return out;
}

std::vector<Event> fill_outbox(Storage& storage, int count, int keys, int per_tx) {
  static const char* const kTopics[] = {"user-events", "product-events", "order-events"};
  static const char* const kTypes[] = {"PointCharged", "StockAdjusted", "OrderCreated"};
  static const char* const kStems[] = {"user", "sku", "order"};
  std::mt19937 rng(20261121);
  std::uniform_int_distribution<int> pick(0, keys - 1);
  std::vector<Event> all;
  all.reserve(static_cast<std::size_t>(count));
  for (int start = 0; start < count; start += per_tx) {
    const int n = std::min(per_tx, count - start);
    std::vector<Event> chunk;
    for (int i = 0; i < n; ++i) {
      const int k = pick(rng);
      const int t = k % 3;
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      Event e;
      e.id = new_id(now);
      e.type = kTypes[t];
      e.topic = kTopics[t];
      e.key = fmt::format("{}-{}", kStems[t], k);
      e.occurred_at = now;
      e.request_id = (start + i) % 4 == 0 ? fmt::format("req-{}", start + i) : "";
      e.payload = nlohmann::json{{"n", start + i}, {"key", e.key}, {"amount", (start + i) * 100}}
                      .dump();
      chunk.push_back(std::move(e));
    }
    std::vector<Event> appended;
    run_unit(storage, Storage::Access::kWrite, [&](Transaction& tx) {
      appended = chunk;
      for (auto& e : appended) e.seq = tx.append_event(e);
    });
    for (auto& e : appended) all.push_back(std::move(e));
  }
  return all;
}

std::int64_t check_delivery(const std::vector<ConsumedMessage>& messages,
                            const std::vector<Event>& want, bool exactly_once) {
  std::unordered_map<std::string, const Event*> by_id;
  std::map<std::string, std::vector<std::int64_t>> want_order;  // key -> seqs in outbox order
  for (const auto& e : want) {
    by_id.emplace(e.id, &e);
    want_order[e.key].push_back(e.seq);
  }
  for (auto& [key, seqs] : want_order) std::sort(seqs.begin(), seqs.end());

  std::unordered_map<std::string, int> copies;
  std::map<std::string, std::vector<std::int64_t>> seen_order;  // key -> first copies' seqs
  std::map<std::string, std::set<std::pair<std::string, int>>> partitions_of_key;
  std::int64_t duplicates = 0;
  int reported = 0;
  for (const auto& m : messages) {
    Event got;
    try {
      got = parse_envelope_json(m.value);
    } catch (const std::exception& e) {
      ADD_FAILURE() << m.topic << "/" << m.partition << "@" << m.offset
                    << ": value is not an envelope: " << e.what();
      continue;
    }
    auto header = [&](const char* name) {
      auto it = m.headers.find(name);
      return it == m.headers.end() ? std::string("<missing>") : it->second;
    };
    if (reported < 10 && (header("event_id") != got.id || header("event_type") != got.type ||
                          header("schema_version") != std::to_string(got.schema_version) ||
                          m.key != got.key)) {
      ++reported;
      ADD_FAILURE() << "message " << m.topic << "/" << m.partition << "@" << m.offset
                    << " disagrees with its envelope: event_id=" << header("event_id")
                    << " event_type=" << header("event_type")
                    << " schema_version=" << header("schema_version") << " key=" << m.key
                    << " envelope=" << m.value;
    }
    auto it = by_id.find(got.id);
    if (it == by_id.end()) {
      if (reported++ < 10) ADD_FAILURE() << "message with an unknown event id " << got.id;
      continue;
    }
    const Event& w = *it->second;
    if (reported < 10 && (got.seq != w.seq || got.key != w.key || got.type != w.type ||
                          nlohmann::json::parse(got.payload) != nlohmann::json::parse(w.payload))) {
      ++reported;
      ADD_FAILURE() << "event " << got.id << " arrived changed: " << m.value;
    }
    partitions_of_key[got.key].insert({m.topic, m.partition});
    if (copies[got.id]++ == 0) {
      seen_order[got.key].push_back(got.seq);
    } else {
      ++duplicates;
    }
  }

  std::int64_t missing = 0;
  std::int64_t repeated = 0;
  for (const auto& e : want) {
    const int n = copies.count(e.id) ? copies[e.id] : 0;
    if (n == 0) ++missing;
    if (n > 1) ++repeated;
  }
  EXPECT_EQ(missing, 0) << "events never delivered, of " << want.size();
  if (exactly_once) {
    EXPECT_EQ(repeated, 0) << "events delivered more than once";
  }
  for (const auto& [key, seqs] : want_order) {
    EXPECT_EQ(seen_order[key], seqs) << "per-key order broken (or events missing) for key " << key;
    EXPECT_EQ(partitions_of_key[key].size(), 1u) << "key " << key << " spread over partitions";
  }
  return duplicates;
}

std::int64_t process_cpu_ms() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto ms = [](const timeval& tv) {
    return static_cast<std::int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

}  // namespace commerce::kafka_test
