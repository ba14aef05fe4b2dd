// commerce serve: the library as an HTTP JSON service (docs/service.md).
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <thread>

#include "api_keys.h"
#include "cli.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "http_server.h"
#include "service.h"

namespace commerce::cli {

namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string api_keys;
  std::size_t max_body_bytes = 1 << 20;
  unsigned max_connections = 256;
  unsigned idle_timeout_s = 30;
  GatewayArgs gateway;
  SinkArgs relay;  // --relay-jsonl / --relay-kafka: run the outbox relay in this process
};

// The outbox relay in a thread of the service (`--relay-jsonl` / `--relay-kafka`): it publishes
// while it holds the store's relay lease (another process's relay stands by) until stop(),
// which lets the batch in flight be recorded and releases the lease.
class RelayThread {
 public:
  RelayThread(Store& store, const SinkArgs& args)
      : sink_(args.make()), relay_(store, *sink_), thread_([this](std::stop_token stop) {
          try {
            relay_.run(stop);
          } catch (const std::exception& e) {
            std::cerr << "commerce serve: the relay stopped: " << e.what() << '\n';
          }
        }) {}
  void stop() {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string sink_name() const { return sink_->name(); }

 private:
  std::unique_ptr<EventSink> sink_;
  OutboxRelay relay_;
  std::jthread thread_;
};

// "HOST:PORT" (an IPv4 address; port 0 picks a free one).
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  std::int64_t port = -1;
  if (colon == std::string::npos || !parse_int(text.substr(colon + 1), port) || port < 0 ||
      port > 65535) {
    throw Error::invalid_argument("--listen", "expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  return {text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

void run(const Globals& globals, const ServeArgs& args) {
  const auto [host, port] = parse_listen(args.listen);
  // The signals are taken by sigwait() below; every thread started from here on (the store's,
  // the server's) inherits the mask, so none of them is interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const char* environment_keys = std::getenv("COMMERCE_API_KEYS");
  service::ApiKeys keys(args.api_keys, environment_keys ? environment_keys : "");
  OpenedStore opened = open_store_with_gateway(globals, args.gateway);
  service::Service service(*opened.store, keys);
  std::optional<RelayThread> relay;
  if (args.relay.given()) relay.emplace(*opened.store, args.relay);

  service::HttpServer server(
      {.max_body_bytes = args.max_body_bytes, .max_connections = args.max_connections,
       .idle_timeout_s = args.idle_timeout_s},
      [&service](const service::HttpRequest& request) { return service.handle(request); });
  server.start(host, port);
  std::cout << "commerce serve: listening on http://" << host << ":" << server.port()
            << " (store " << opened.store->url() << ")"
            << (relay ? "; relay to " + relay->sink_name() : std::string()) << std::endl;

  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      try {
        keys.reload();
        std::cerr << "commerce serve: API keys re-read (SIGHUP)\n";
      } catch (const std::exception& e) {
        std::cerr << "commerce serve: API keys not re-read, the old ones stay: " << e.what()
                  << '\n';
      }
      continue;
    }
    std::cerr << "commerce serve: stopping (" << (signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << "): finishing the requests in flight\n";
    service.set_draining();
    server.shutdown();
    if (relay) relay->stop();  // after the requests: their events are in the outbox
    std::cerr << "commerce serve: stopped\n";
    return;
  }
}

}  // namespace

void add_serve_command(CLI::App& app, Globals& globals) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "run the store as an HTTP JSON service until SIGTERM (docs/service.md)");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)");
  cmd->add_option("--api-keys", args->api_keys,
                  "file of API keys' digests, re-read on SIGHUP or when it changes (and/or "
                  "$COMMERCE_API_KEYS)");
  cmd->add_option("--max-body-bytes", args->max_body_bytes,
                  "larger request bodies get 413 (default 1 MiB)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20));
  cmd->add_option("--max-connections", args->max_connections,
                  "connections served at once (one thread each)")
      ->check(CLI::Range(1U, 10000U));
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "seconds a silent connection stays open")
      ->check(CLI::Range(1U, 3600U));
  cmd->add_option("--payment", args->gateway.payment,
                  "how the fake gateway answers every charge: approve (default), decline, "
                  "pending (orders await PaymentCompleted / PaymentFailed), timeout or fail");
  args->gateway.payment_for_every_charge = true;
  args->gateway.add_to(*cmd);
  args->relay.add_to(*cmd, "--relay-");
  cmd->callback([&globals, args] { run(globals, *args); });
}

}  // namespace commerce::cli
