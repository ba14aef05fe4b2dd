// commerce recover / sweep / check / stats: operating a store.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"

namespace commerce::cli {

namespace {

json violations_json(const std::vector<InvariantViolation>& violations) {
  json rows = json::array();
  for (const auto& v : violations) {
    rows.push_back(json{{"rule", v.rule}, {"subject", v.subject}, {"detail", v.detail}});
  }
  return rows;
}

void print_violations(const std::vector<InvariantViolation>& violations) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : violations) rows.push_back({v.rule, v.subject, v.detail});
  Printer::table({"RULE", "SUBJECT", "DETAIL"}, rows);
}

struct CheckArgs {
  bool repair = false;
  bool live = false;
  bool full = false;
  int max = 1000;
};

// Damage that stopped the store from opening or being read: reported by `check` as a
// storage.damage violation (exit 10) rather than as an error.
bool is_damage(const Error& e) { return e.code() == ErrorCode::kInternal && e.subject() == "file"; }

bool has_damage(const InvariantReport& report) {
  return std::any_of(report.violations.begin(), report.violations.end(),
                     [](const InvariantViolation& v) { return v.rule == "storage.damage"; });
}

void run_check(Globals& globals, const CheckArgs& args) {
  Printer out(globals);
  json doc;
  // Only --repair writes: otherwise the store is opened read-only (read-only media, no lock).
  std::unique_ptr<Store> store;
  InvariantReport damaged;
  try {
    store = open_existing_store(globals, nullptr, !args.repair);
  } catch (const Error& e) {
    if (!is_damage(e)) throw;
    damaged.violations.push_back({"storage.damage", "file", e.what()});
  }
  if (args.repair && store) {
    const RepairReport repair = repair_invariants(*store);
    json changes = json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : repair.repaired) {
      changes.push_back(
          json{{"rule", r.rule}, {"subject", r.subject}, {"before", r.before}, {"after", r.after}});
      rows.push_back({r.rule, r.subject, std::to_string(r.before), std::to_string(r.after)});
    }
    doc["repaired"] = changes;
    doc["unrepaired"] = violations_json(repair.unrepaired);
    if (!out.json_mode()) {
      std::cout << fmt::format("repair: {} derived counters recomputed\n", rows.size());
      if (!rows.empty()) Printer::table({"RULE", "SUBJECT", "BEFORE", "AFTER"}, rows);
      if (!repair.unrepaired.empty()) {
        std::cout << "could not repair:\n";
        print_violations(repair.unrepaired);
      }
    }
  }
  InvariantReport report = std::move(damaged);
  if (store) {
    try {
      report = check_invariants(*store, !args.live, args.max,
                                args.full ? FileCheck::kFull : FileCheck::kQuick);
    } catch (const Error& e) {
      if (!is_damage(e)) throw;
      report.violations.push_back({"storage.damage", "file", e.what()});
    }
  }
  doc["ok"] = report.ok();
  doc["violations"] = violations_json(report.violations);
  doc["truncated"] = report.truncated;
  doc["examined"] = json{{"products", report.products},
                         {"users", report.users},
                         {"coupons", report.coupons},
                         {"templates", report.templates},
                         {"orders", report.orders}};
  out.emit(doc);
  if (!out.json_mode()) {
    std::cout << fmt::format(
        "check: {} products, {} users, {} used coupons, {} coupon templates, {} orders examined\n",
        report.products, report.users, report.coupons, report.templates, report.orders);
    if (report.ok()) {
      std::cout << "check: every invariant holds\n";
    } else {
      std::cout << fmt::format("check: {}{} violations\n", report.violations.size(),
                               report.truncated ? "+" : "");
      print_violations(report.violations);
    }
  }
  if (!report.ok()) globals.exit_status = has_damage(report) ? kExitDamage : kExitViolations;
}

}  // namespace

json to_json(const RecoveryReport& r) {
  return json{{"examined", r.examined},
              {"confirmed", r.confirmed},
              {"failed", r.failed},
              {"cancelled", r.cancelled},
              {"awaiting_payment", r.awaiting_payment},
              {"unresolved", r.unresolved}};
}

json stats_json(Store& store) {
  const InvariantReport report = check_invariants(store, false, 1, FileCheck::kNone);  // counts
  const OutboxCounts outbox = store.run_unit([](Unit& unit) { return unit.events().counts(); });
  const Timestamp now = store.clock().now();
  const std::int64_t lag = outbox.oldest_pending_at ? now - outbox.oldest_pending_at : 0;
  return json{{"location", store.url()},
              {"currency", store.options().currency},
              {"products", report.products},
              {"users_with_points", report.users},
              {"coupon_templates", report.templates},
              {"coupons_in_use", report.coupons},
              {"orders", report.orders},
              {"outbox",
               {{"pending", outbox.pending},
                {"delivered", outbox.delivered},
                {"dead_letters", outbox.dead_letters},
                {"oldest_pending_at", outbox.oldest_pending_at},
                {"lag_ms", lag}}},
              {"inbox_applied", store.inbox().applied_count()}};
}

void add_maintenance_commands(CLI::App& app, Globals& globals) {
  {
    auto gateway = std::make_shared<GatewayArgs>();
    auto* cmd = app.add_subcommand(
        "recover", "finish or compensate every order saga in flight (run it after a crash)");
    gateway->add_to(*cmd);
    cmd->callback([&globals, gateway] {
      auto opened = open_store_with_gateway(globals, *gateway);
      const RecoveryReport r = opened.store->orders().recover();
      Printer out(globals);
      out.emit(to_json(r));
      if (out.json_mode()) return;
      std::cout << fmt::format(
          "recover: {} sagas examined: {} confirmed, {} failed, {} cancelled, {} still awaiting "
          "payment, {} unresolved\n",
          r.examined, r.confirmed, r.failed, r.cancelled, r.awaiting_payment, r.unresolved.size());
      for (const auto& u : r.unresolved) std::cout << "  unresolved: " << u << '\n';
    });
  }
  {
    struct Args {
      int limit = 100;
      GatewayArgs gateway;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "sweep", "cancel unpaid orders past their expiry and release expired reservations");
    cmd->add_option("--limit", args->limit, "at most this many orders per kind");
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      auto opened = open_store_with_gateway(globals, args->gateway);
      const auto cancelled = opened.store->orders().sweep(args->limit);
      const auto released = opened.store->stock().release_expired(args->limit);
      Printer out(globals);
      out.emit(json{{"cancelled_orders", cancelled}, {"released_reservations", released}});
      if (out.json_mode()) return;
      std::cout << fmt::format(
          "sweep: {} expired orders cancelled, {} expired reservations "
          "released\n",
          cancelled.size(), released.size());
      for (const auto& id : cancelled) std::cout << "  cancelled order " << id << '\n';
      for (const auto& id : released) std::cout << "  released reservation of " << id << '\n';
    });
  }
  {
    auto args = std::make_shared<CheckArgs>();
    auto* cmd =
        app.add_subcommand("check",
                          "verify the store's file, then every invariant; exit 10 if the file is "
                          "damaged, 9 if an invariant is broken");
    cmd->add_flag("--repair", args->repair,
                  "first recompute derived counters (stock reserved, point balances, coupon "
                  "issue counts) and say what changed");
    cmd->add_flag("--live", args->live,
                  "the store is in use: do not report sagas in flight or PENDING orders");
    cmd->add_option("--max", args->max, "stop after this many violations");
    cmd->add_flag("--full", args->full,
                  "check the file thoroughly (SQLite integrity_check instead of quick_check)");
    cmd->callback([&globals, args] { run_check(globals, *args); });
  }
  {
    struct Args {
      double events_days = 7, saga_log_days = 7, inbox_days = 7, keys_hours = 24,
             personal_data_days = 0;
      int batch = 500;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "compact",
        "remove delivered events, finished sagas' logs, expired idempotency keys and old inbox "
        "records (retention windows; 0 keeps forever), in short batches");
    cmd->add_option("--events-days", args->events_days, "keep delivered events this many days");
    cmd->add_option("--saga-log-days", args->saga_log_days,
                    "keep the logs of finished sagas this many days");
    cmd->add_option("--keys-hours", args->keys_hours,
                    "keep idempotency keys (request ids) this many hours");
    cmd->add_option("--inbox-days", args->inbox_days, "keep inbox records this many days");
    cmd->add_option("--personal-data-days", args->personal_data_days,
                    "erase the shipping addresses of orders finished, and carts closed, more "
                    "than this many days ago (0, the default: keep them)");
    cmd->add_option("--batch", args->batch, "rows per unit of work (1..10000)");
    cmd->callback([&globals, args] {
      constexpr double kDay = 24.0 * 3600 * 1000, kHour = 3600.0 * 1000;
      auto window = [](double amount, double unit, const char* field) {
        if (!(amount >= 0) || amount * unit > 1e15) {
          throw Error::invalid_argument(field, "must be a non-negative number");
        }
        return static_cast<std::int64_t>(amount * unit);
      };
      StoreOptions options;
      options.retention.delivered_events_ms = window(args->events_days, kDay, "--events-days");
      options.retention.finished_saga_logs_ms =
          window(args->saga_log_days, kDay, "--saga-log-days");
      options.retention.idempotency_keys_ms = window(args->keys_hours, kHour, "--keys-hours");
      options.retention.inbox_messages_ms = window(args->inbox_days, kDay, "--inbox-days");
      options.retention.personal_data_ms =
          window(args->personal_data_days, kDay, "--personal-data-days");
      if (args->batch < 1 || args->batch > 10000) {
        throw Error::invalid_argument("--batch", "must be between 1 and 10000");
      }
      options.retention.batch_size = args->batch;
      auto store = open_existing_store(globals, nullptr, false, options.retention);
      const CompactionReport r = store->compact();
      Printer out(globals);
      out.emit(json{{"events", r.events},
                    {"saga_log_lines", r.saga_log_lines},
                    {"requests", r.requests},
                    {"inbox_messages", r.inbox_messages},
                    {"orders_erased", r.orders_erased},
                    {"carts_erased", r.carts_erased},
                    {"units", r.units}});
      if (out.json_mode()) return;
      std::cout << fmt::format(
          "compact: removed {} delivered events, {} saga log lines, {} idempotency keys, {} "
          "inbox records; erased the addresses of {} orders and {} carts; in {} units of work\n",
          r.events, r.saga_log_lines, r.requests, r.inbox_messages, r.orders_erased,
          r.carts_erased, r.units);
    });
  }
  {
    auto* cmd = app.add_subcommand("stats", "store figures: rows, outbox, inbox");
    cmd->callback([&globals] {
      auto store = open_existing_store(globals, nullptr, /*read_only=*/true);
      const json stats = stats_json(*store);
      Printer out(globals);
      out.emit(stats);
      if (out.json_mode()) return;
      const json& outbox = stats["outbox"];
      const auto text = [](const json& value) { return value.dump(); };
      Printer::fields(
          {{"store", stats["location"].get<std::string>()},
           {"currency", stats["currency"].get<std::string>()},
           {"products", text(stats["products"])},
           {"users with points", text(stats["users_with_points"])},
           {"coupon templates", text(stats["coupon_templates"])},
           {"coupons in use", text(stats["coupons_in_use"])},
           {"orders", text(stats["orders"])},
           {"outbox pending", text(outbox["pending"])},
           {"outbox lag", fmt::format("{:.1f}s", outbox["lag_ms"].get<double>() / 1000.0)},
           {"outbox delivered", text(outbox["delivered"])},
           {"dead letters", text(outbox["dead_letters"])},
           {"inbox messages applied", text(stats["inbox_applied"])}});
    });
  }
}

}  // namespace commerce::cli
