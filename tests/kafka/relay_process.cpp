// commerce_kafka_relay_process: the outbox relay to Kafka as a long-running process, stopped
// gracefully by SIGTERM or SIGINT. The Kafka tests run it as a child process; it is also the
// smallest example of RelayService + KafkaSink (the CLI's `relay` command wraps the same calls).
//
//   commerce_kafka_relay_process DB BOOTSTRAP [TOPIC_PREFIX] [BATCH_SIZE]
//
// Prints one progress line at most every 200 ms and a final "stopped ..." line; exits 0 after a
// graceful stop, 1 on an error.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "commerce/error.h"
#include "commerce/kafka_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/relay_service.h"
#include "commerce/store.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DB BOOTSTRAP [TOPIC_PREFIX] [BATCH_SIZE]\n", argv[0]);
    return 2;
  }
  try {
    auto store = commerce::Store::open(argv[1]);
    commerce::KafkaSinkOptions sink_options;
    sink_options.bootstrap_servers = argv[2];
    if (argc > 3) sink_options.topic_prefix = argv[3];
    sink_options.properties = {{"log_level", "3"}};
    commerce::KafkaSink sink(sink_options);
    commerce::RelayOptions relay_options;
    if (argc > 4) relay_options.batch_size = std::atoi(argv[4]);
    commerce::OutboxRelay relay(*store, sink, relay_options);

    commerce::RelayServiceOptions service_options;
    service_options.progress_interval_ms = 200;
    service_options.on_progress = [](const commerce::RelayProgress& p) {
      std::printf("%s delivered=%lld failed=%lld pending=%lld lag_ms=%lld rate=%.0f/s\n",
                  p.final ? "final" : "progress", static_cast<long long>(p.delivered),
                  static_cast<long long>(p.failed), static_cast<long long>(p.stats.pending),
                  static_cast<long long>(p.stats.oldest_pending_age_ms), p.delivered_per_second);
      std::fflush(stdout);
    };
    commerce::RelayService service(relay, service_options);
    const commerce::RelayProgress done = service.run();
    sink.close();
    std::printf("stopped signal=%d delivered=%lld pending=%lld\n", service.stop_signal(),
                static_cast<long long>(done.delivered),
                static_cast<long long>(done.stats.pending));
    std::fflush(stdout);
    return 0;
  } catch (const commerce::Error& e) {
    std::fprintf(stderr, "relay: %s (%s, %s)\n", e.what(),
                 std::string(commerce::to_string(e.code())).c_str(), e.subject().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "relay: %s\n", e.what());
  }
  return 1;
}
