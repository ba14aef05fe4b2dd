// commerce relay: drain the outbox to a JSON-lines file or Kafka, once or as a service
// (--follow) that prints progress and lag and stops gracefully on SIGINT/SIGTERM.
// commerce dead-letters: list and retry events the relay gave up on.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/relay_service.h"
#ifdef COMMERCE_CLI_HAS_KAFKA
#include "commerce/kafka_sink.h"
#endif

namespace commerce::cli {

namespace {

struct RelayArgs {
  SinkArgs sink;
  bool follow = false;
  double interval_s = 5;
  double compact_every_s = 0;  // --follow: Store::compact() every this many seconds; 0 never
  RelayOptions options;
};

json batch_json(const RelayBatch& b) {
  return json{{"published", b.published},
              {"delivered", b.delivered},
              {"failed", b.failed},
              {"dead_lettered", b.dead_lettered},
              {"parked", b.parked},
              {"last_error", b.last_error}};
}

json stats_json(const RelayStats& s) {
  return json{{"pending", s.pending},
              {"pending_capped", s.pending_capped},
              {"oldest_pending_seq", s.oldest_pending_seq},
              {"last_seq", s.last_seq},
              {"lag_seqs", s.lag_seqs},
              {"delivered_through_seq", s.delivered_through_seq},
              {"dead_letters", s.dead_letters},
              {"dead_letters_capped", s.dead_letters_capped},
              {"oldest_pending_at", s.oldest_pending_at},
              {"lag_ms", s.oldest_pending_age_ms}};
}

std::string progress_line(const RelayBatch& totals, const RelayStats& s) {
  return fmt::format(
      "relay: delivered {} this run ({} failed attempts, {} dead-lettered); outbox: {}{} pending, "
      "lag {:.1f}s ({} events), delivered through seq {}, {}{} dead letters",
      totals.delivered, totals.failed, totals.dead_lettered + totals.parked,
      s.pending_capped ? "at least " : "", s.pending,
      static_cast<double>(s.oldest_pending_age_ms) / 1000.0, s.lag_seqs, s.delivered_through_seq,
      s.dead_letters_capped ? "at least " : "", s.dead_letters);
}

void run_relay(Globals& globals, const RelayArgs& args) {
  auto store = open_existing_store(globals);
  auto sink = args.sink.make();
  OutboxRelay relay(*store, *sink, args.options);
  Printer out(globals);

  if (!args.follow) {
    const RelayBatch totals = relay.drain();
    const RelayStats s = relay.stats();
    relay.release_lease();
    out.emit(json{{"sink", sink->name()},
                  {"leader", totals.leader},
                  {"run", batch_json(totals)},
                  {"outbox", stats_json(s)}});
    if (!out.json_mode()) {
      if (!totals.leader && totals.published == 0 && s.pending > 0) {
        std::cout << "relay: another relay holds the outbox lease; nothing published\n";
      }
      std::cout << fmt::format("relay to {}\n", sink->name()) << progress_line(totals, s) << '\n';
    }
    // Failed attempts say why (on stderr, also under --json); a run that delivered nothing
    // while attempts failed exits 7 (Unavailable: the sink is failing; run again later).
    if (!totals.last_error.empty()) {
      std::cerr << fmt::format("relay: {} failed attempts, {} dead-lettered; last error: {}\n",
                               totals.failed, totals.dead_lettered, totals.last_error);
    }
    if (totals.delivered == 0 && totals.failed + totals.dead_lettered > 0) {
      globals.exit_status = exit_code_for(ErrorCode::kUnavailable);
    }
    return;
  }

  // --follow: the library's RelayService runs the relay until SIGINT/SIGTERM, finishing the
  // batch in flight and releasing the lease.
  if (!out.json_mode()) {
    std::cout << fmt::format("relay to {}: running; Ctrl-C or SIGTERM stops it\n", sink->name())
              << std::flush;
  }
  // The service reports after batches that progressed; a ticker thread prints a line every
  // --interval as well, so an idle relay still shows its lag.
  std::mutex mu;
  RelayProgress latest;
  auto print = [&out](const RelayProgress& p) {
    if (out.json_mode()) {
      std::cout << json{{"final", p.final},
                        {"batches", p.batches},
                        {"published", p.published},
                        {"delivered", p.delivered},
                        {"failed", p.failed},
                        {"dead_lettered", p.dead_lettered},
                        {"last_error", p.last_error},
                        {"elapsed_ms", p.elapsed_ms},
                        {"delivered_per_second", p.delivered_per_second},
                        {"outbox", stats_json(p.stats)}}
                       .dump()
                << std::endl;
      return;
    }
    std::cout << fmt::format(
                     "relay: {} delivered ({:.0f}/s), {} failed attempts, {} dead-lettered; "
                     "outbox: {}{} pending, lag {:.1f}s, {} dead letters{}",
                     p.delivered, p.delivered_per_second, p.failed, p.dead_lettered,
                     p.stats.pending_capped ? "at least " : "", p.stats.pending,
                     static_cast<double>(p.stats.oldest_pending_age_ms) / 1000.0,
                     p.stats.dead_letters, p.final ? " (final)" : "")
              << (p.last_error.empty() ? "" : "; last error: " + p.last_error) << std::endl;
  };
  RelayServiceOptions service_options;
  service_options.progress_interval_ms = 0;
  if (args.compact_every_s > 0) {
    // Retention beside the relay, with the default windows (docs/operations.md).
    service_options.maintenance_interval_ms =
        std::max<std::int64_t>(1, static_cast<std::int64_t>(args.compact_every_s * 1000));
    service_options.maintenance = [&store] { store->compact(); };
  }
  service_options.on_progress = [&](const RelayProgress& p) {
    std::lock_guard lock(mu);
    latest = p;
  };
  const auto interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.1, args.interval_s) * 1000));
  const auto started = std::chrono::steady_clock::now();
  std::jthread ticker([&](std::stop_token stop) {
    std::mutex sleep_mu;
    std::condition_variable_any wake;
    for (;;) {
      {
        std::unique_lock lock(sleep_mu);
        if (wake.wait_for(lock, stop, interval, [] { return false; }) || stop.stop_requested()) {
          return;
        }
      }
      RelayProgress p;
      {
        std::lock_guard lock(mu);
        p = latest;
      }
      p.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
      p.delivered_per_second =
          p.elapsed_ms > 0 ? static_cast<double>(p.delivered) * 1000.0 / p.elapsed_ms : 0.0;
      try {
        p.stats = relay.stats();
      } catch (const Error&) {
        continue;  // a busy store: the next tick reports
      }
      print(p);
    }
  });
  RelayService service(relay, service_options);
  RelayProgress final_progress;
  try {
    final_progress = service.run();
  } catch (...) {
    ticker.request_stop();
    throw;
  }
  ticker.request_stop();
  ticker.join();
  final_progress.final = true;
  print(final_progress);
  if (!out.json_mode()) {
    const int signo = service.stop_signal();
    std::cout << fmt::format("relay: stopped{}\n", signo == SIGTERM  ? " by SIGTERM"
                                                   : signo == SIGINT ? " by SIGINT"
                                                                     : "");
  }
}

}  // namespace

void SinkArgs::add_to(CLI::App& cmd, const std::string& prefix) {
  flag_prefix = prefix;
  cmd.add_option(prefix + "jsonl", jsonl, "append events to this JSON-lines file");
  cmd.add_option(prefix + "kafka", kafka,
                 "Kafka bootstrap servers (only in builds with COMMERCE_WITH_KAFKA)");
  cmd.add_option(prefix + "topic-prefix", topic_prefix, "prefix for Kafka topic names");
  cmd.add_flag(prefix + "no-fsync", no_fsync, "JSON lines: do not fsync each batch");
}

std::unique_ptr<EventSink> SinkArgs::make() const {
  if (jsonl.empty() == kafka.empty()) {
    throw Error::invalid_argument(flag_prefix + "jsonl",
                                  fmt::format("give exactly one destination: {}jsonl PATH or "
                                              "{}kafka BROKERS",
                                              flag_prefix, flag_prefix));
  }
  if (!jsonl.empty()) {
    return std::make_unique<JsonLinesSink>(jsonl, JsonLinesSinkOptions{.fsync = !no_fsync});
  }
#ifdef COMMERCE_CLI_HAS_KAFKA
  KafkaSinkOptions options;
  options.bootstrap_servers = kafka;
  options.topic_prefix = topic_prefix;
  return std::make_unique<KafkaSink>(options);
#else
  throw Error::invalid_argument(flag_prefix + "kafka",
                                "this build has no Kafka sink (configure with "
                                "-DCOMMERCE_WITH_KAFKA=ON)");
#endif
}

json to_json(const DeadLetter& d) {
  json doc = to_json(d.event);
  doc["attempts"] = d.attempts;
  doc["last_error"] = d.last_error;
  doc["dead_at"] = d.dead_at;
  doc["parked_behind"] = d.parked_behind;
  return doc;
}

void add_relay_command(CLI::App& app, Globals& globals) {
  auto args = std::make_shared<RelayArgs>();
  auto* cmd = app.add_subcommand(
      "relay", "publish the outbox's pending events to a JSON-lines file or Kafka");
  args->sink.add_to(*cmd, "--");
  cmd->add_flag("--follow,-f", args->follow,
                "keep running, printing progress and lag, until SIGINT/SIGTERM");
  cmd->add_option("--interval", args->interval_s, "--follow: seconds between progress lines");
  cmd->add_option("--compact-every", args->compact_every_s,
                  "--follow: also compact the store (default retention windows) every this many "
                  "seconds; 0: never");
  cmd->add_option("--batch-size", args->options.batch_size, "events per publish");
  cmd->add_option("--max-attempts", args->options.max_attempts,
                  "failed attempts before an event is dead-lettered");
  cmd->add_option("--owner", args->options.owner,
                  "lease owner id (a stable one lets a restarted relay resume at once)");
  cmd->callback([&globals, args] { run_relay(globals, *args); });

  auto* group = app.add_subcommand("dead-letters", "events the relay gave up on");
  group->require_subcommand(1);
  {
    struct Args {
      std::int64_t after = 0;
      int limit = 100;
    };
    auto list_args = std::make_shared<Args>();
    auto* list = group->add_subcommand("list", "list dead letters, oldest first");
    list->add_option("--after", list_args->after, "only seq greater than this");
    list->add_option("--limit", list_args->limit, "how many");
    list->callback([&globals, list_args] {
      auto store = open_existing_store(globals);
      MemorySink unused;
      OutboxRelay relay(*store, unused);
      const auto rows = relay.dead_letters(list_args->after, list_args->limit);
      Printer out(globals);
      json items = json::array();
      std::vector<std::vector<std::string>> table;
      for (const auto& d : rows) {
        items.push_back(to_json(d));
        table.push_back(
            {std::to_string(d.event.seq), d.event.type, d.event.key, std::to_string(d.attempts),
             d.parked_behind ? fmt::format("parked behind {}", d.parked_behind) : d.last_error});
      }
      out.emit(json{{"items", items}});
      if (!out.json_mode()) Printer::table({"SEQ", "TYPE", "KEY", "ATTEMPTS", "ERROR"}, table);
    });
  }
  {
    auto key = std::make_shared<std::string>();
    auto* retry = group->add_subcommand("retry", "move dead letters back to pending");
    retry->add_option("--key", *key, "only this aggregate key (default: all)");
    retry->callback([&globals, key] {
      auto store = open_existing_store(globals);
      MemorySink unused;
      OutboxRelay relay(*store, unused);
      const auto moved = relay.retry_dead_letters(*key);
      Printer out(globals);
      out.emit(json{{"requeued", moved}});
      if (!out.json_mode()) std::cout << fmt::format("{} dead letters back to pending\n", moved);
    });
  }
}

}  // namespace commerce::cli
