// commerce shipments: shipments of confirmed orders, their carrier and tracking
// (commerce/shipments.h, docs/shipments.md).
//
// The CLI's carrier is the built-in FakeCarrier, named "fake", as the fake gateway is its payment
// provider: its ledger is kept in a record file beside the store so that later commands (cancel,
// recover) see what earlier ones created. Its scans live in memory only: `shipments track` takes
// them as --scan options, then polls.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

constexpr const char* kCarrierName = "fake";

// The fake carrier's record file and what its next calls answer.
struct CarrierArgs {
  std::string record;  // --carrier-record; default: "<db>.fake-carrier" for --db, memory otherwise
  std::string answer;  // --carrier-answer: succeed, refuse, timeout, fail; empty: succeed
  void add_to(CLI::App& cmd) {
    cmd.add_option("--carrier-record", record,
                   "the fake carrier's record file (default: DB.fake-carrier beside --db)");
    cmd.add_option("--carrier-answer", answer,
                   "how the fake carrier answers this command's calls: succeed, refuse, "
                   "timeout or fail");
  }
};

FakeCarrier::Behaviour parse_answer(const std::string& name) {
  if (name == "succeed") return FakeCarrier::Behaviour::kSucceed;
  if (name == "refuse") return FakeCarrier::Behaviour::kRefuse;
  if (name == "timeout") return FakeCarrier::Behaviour::kTimeout;
  if (name == "fail") return FakeCarrier::Behaviour::kFail;
  throw Error::invalid_argument(
      "--carrier-answer",
      fmt::format("unknown value '{}': use succeed, refuse, timeout or fail", name));
}

struct StoreWithCarrier {
  std::shared_ptr<FakeCarrier> carrier;
  std::unique_ptr<Store> store;
};

// Opens the store with the fake carrier "fake"; --carrier-answer scripts every call this
// command makes (each is retried on an unknown answer, so all of its attempts).
StoreWithCarrier open_store_with_carrier(const Globals& globals, const CarrierArgs& args) {
  std::string record = args.record;
  if (record.empty() && !db_path(globals).empty()) record = db_path(globals) + ".fake-carrier";
  StoreWithCarrier opened;
  opened.carrier = std::make_shared<FakeCarrier>(record);
  StoreOptions options;
  options.saga.attempts = 3;
  if (!args.answer.empty()) {
    const auto behaviour = parse_answer(args.answer);
    const std::vector<FakeCarrier::Behaviour> steps(options.saga.attempts, behaviour);
    for (auto op : {FakeCarrier::Operation::kCreate, FakeCarrier::Operation::kCancel,
                    FakeCarrier::Operation::kTrack}) {
      opened.carrier->script(op, steps);
    }
  }
  options.carriers = {{kCarrierName, opened.carrier}};
  // The fake carrier answers at once; keep retries of a scripted failure short.
  options.saga.gateway_timeout_ms = 2000;
  options.saga.backoff_initial_ms = 10;
  options.saga.backoff_max_ms = 100;
  options.read_only = globals.read_only;
  opened.store = open_existing_store_with(globals, std::move(options));
  return opened;
}

std::string items_text(const Shipment& s) {
  std::string out;
  for (const auto& i : s.items) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", i.product_id, i.qty);
  }
  return out;
}

void print_shipment(const Printer& out, const Shipment& s) {
  out.emit(to_json(s));
  if (out.json_mode()) return;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"shipment", s.id},
      {"order", s.order_id},
      {"location", s.location_id},
      {"carrier", s.carrier.empty() ? "-" : s.carrier},
      {"status", std::string(to_string(s.status))},
      {"items", items_text(s)},
      {"tracking number", s.tracking_number.empty() ? "-" : s.tracking_number},
  };
  if (!s.label_url.empty()) fields.emplace_back("label", s.label_url);
  if (!s.note.empty()) fields.emplace_back("note", s.note);
  fields.emplace_back("tracked", format_time(s.tracked_at));
  fields.emplace_back("created", format_time(s.created_at));
  fields.emplace_back("updated", format_time(s.updated_at));
  Printer::fields(fields);
}

void print_shipments(const Printer& out, const std::vector<Shipment>& shipments) {
  json items = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : shipments) {
    items.push_back(to_json(s));
    rows.push_back({s.id, s.location_id, s.carrier.empty() ? "-" : s.carrier,
                    std::string(to_string(s.status)), items_text(s),
                    s.tracking_number.empty() ? "-" : s.tracking_number});
  }
  out.emit(json{{"items", items}});
  if (!out.json_mode()) {
    Printer::table({"ID", "LOCATION", "CARRIER", "STATUS", "ITEMS", "TRACKING"}, rows);
  }
}

void print_report(const Printer& out, const ShipmentReport& r) {
  out.emit(json{{"examined", r.examined}, {"changed", r.changed}, {"unresolved", r.unresolved}});
  if (out.json_mode()) return;
  Printer::fields({{"examined", std::to_string(r.examined)},
                   {"changed", std::to_string(r.changed)},
                   {"unresolved", std::to_string(r.unresolved.size())}});
  for (const auto& line : r.unresolved) std::cout << "  " << line << '\n';
}

// "TRACKING=STATUS@TIME" (TIME as parse_time reads it). Throws InvalidArgument naming "--scan".
std::pair<std::string, TrackingEvent> parse_scan(const std::string& spec) {
  const auto eq = spec.find('=');
  const auto at = spec.rfind('@');
  if (eq == std::string::npos || at == std::string::npos || at < eq || eq == 0) {
    throw Error::invalid_argument(
        "--scan", fmt::format("'{}': expected TRACKING_NUMBER=STATUS@TIME", spec));
  }
  TrackingEvent event;
  try {
    event.status = parse_shipment_status(spec.substr(eq + 1, at - eq - 1));
  } catch (const Error& e) {
    throw Error::invalid_argument("--scan", fmt::format("'{}': {}", spec, e.what()));
  }
  event.occurred_at = parse_time(spec.substr(at + 1), "--scan");
  return {spec.substr(0, eq), event};
}

void add_create_command(CLI::App& group, Globals& globals) {
  struct Args {
    std::string order, location, carrier, tracking_number, request_id;
    std::vector<std::string> items;
    CarrierArgs carrier_args;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "create", "ship units of a confirmed order from one location (a label from the carrier)");
  cmd->add_option("--order", args->order, "the order id")->required();
  cmd->add_option("--location", args->location, "the location the units leave from")
      ->required();
  cmd->add_option("--item", args->items,
                  "PRODUCT[:QTY] of the order's lines (repeatable; default: every unit still "
                  "unshipped at the location)");
  cmd->add_option("--carrier", args->carrier,
                  "the carrier: \"fake\" (the CLI's fake carrier); default: none (you ship it)");
  cmd->add_option("--tracking-number", args->tracking_number,
                  "without --carrier, your own tracking number");
  cmd->add_option("--request-id", args->request_id, "idempotency key");
  args->carrier_args.add_to(*cmd);
  cmd->callback([&globals, args] {
    auto opened = open_store_with_carrier(globals, args->carrier_args);
    CreateShipment request{.order_id = args->order,
                           .location_id = args->location,
                           .items = {},
                           .carrier = args->carrier,
                           .tracking_number = args->tracking_number,
                           .request_id = args->request_id};
    if (!args->items.empty()) request.items = parse_items(args->items);
    print_shipment(Printer(globals), opened.store->shipments().create(request));
  });
}

void add_update_command(CLI::App& group, Globals& globals) {
  struct Args {
    std::string id, status, at, detail;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "update", "apply a tracking update (never moves a shipment backwards)");
  cmd->add_option("id", args->id, "the shipment id")->required();
  cmd->add_option("--status", args->status,
                  "shipped, in_transit, delivery_failed, delivered or returned")
      ->required();
  cmd->add_option("--at", args->at,
                  "when the carrier scanned it: ms since the epoch or YYYY-MM-DDTHH:MM:SSZ")
      ->required();
  cmd->add_option("--detail", args->detail, "e.g. \"arrived at Seoul hub\"");
  cmd->callback([&globals, args] {
    auto store = open_existing_store(globals);
    const TrackingUpdate update{.shipment_id = args->id,
                                .carrier = {},
                                .tracking_number = {},
                                .event = {.status = parse_shipment_status(args->status),
                                          .occurred_at = parse_time(args->at, "--at"),
                                          .detail = args->detail}};
    print_shipment(Printer(globals), store->shipments().track(update));
  });
}

void add_track_command(CLI::App& group, Globals& globals) {
  struct Args {
    int limit = 100;
    std::vector<std::string> scans;
    CarrierArgs carrier_args;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "track", "poll the carriers for the scans of shipments on the way and apply them");
  cmd->add_option("--limit", args->limit, "most shipments to poll");
  cmd->add_option("--scan", args->scans,
                  "TRACKING_NUMBER=STATUS@TIME: a scan the fake carrier reports (repeatable)");
  args->carrier_args.add_to(*cmd);
  cmd->callback([&globals, args] {
    auto opened = open_store_with_carrier(globals, args->carrier_args);
    for (const auto& spec : args->scans) {
      auto [tracking_number, event] = parse_scan(spec);
      opened.carrier->scan(tracking_number, event);
    }
    print_report(Printer(globals), opened.store->shipments().poll(args->limit));
  });
}

}  // namespace

json to_json(const Shipment& s) {
  json items = json::array();
  for (const auto& i : s.items) items.push_back({{"product_id", i.product_id}, {"qty", i.qty}});
  return json{{"id", s.id},
              {"order_id", s.order_id},
              {"location_id", s.location_id},
              {"carrier", s.carrier},
              {"status", std::string(to_string(s.status))},
              {"items", items},
              {"tracking_number", s.tracking_number},
              {"label_url", s.label_url},
              {"note", s.note},
              {"tracked_at", s.tracked_at},
              {"created_at", s.created_at},
              {"updated_at", s.updated_at}};
}

void add_shipment_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("shipments", "shipments of orders, carriers and tracking");
  group->require_subcommand(1);
  add_create_command(*group, globals);
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("dispatch", "the carrier picked the shipment up");
    cmd->add_option("id", *id, "the shipment id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals);
      print_shipment(Printer(globals), store->shipments().dispatch(*id));
    });
  }
  {
    struct Args {
      std::string id, reason;
      CarrierArgs carrier_args;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("cancel", "cancel a shipment before pick-up");
    cmd->add_option("id", args->id, "the shipment id")->required();
    cmd->add_option("--reason", args->reason, "why");
    args->carrier_args.add_to(*cmd);
    cmd->callback([&globals, args] {
      auto opened = open_store_with_carrier(globals, args->carrier_args);
      print_shipment(Printer(globals), opened.store->shipments().cancel(args->id, args->reason));
    });
  }
  add_update_command(*group, globals);
  add_track_command(*group, globals);
  {
    auto args = std::make_shared<CarrierArgs>();
    auto* cmd = group->add_subcommand(
        "recover", "finish carrier calls a crash or an outage left (labels, cancellations)");
    args->add_to(*cmd);
    cmd->callback([&globals, args] {
      auto opened = open_store_with_carrier(globals, *args);
      print_report(Printer(globals), opened.store->shipments().recover());
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("show", "show a shipment");
    cmd->add_option("id", *id, "the shipment id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals, nullptr, /*read_only=*/true);
      print_shipment(Printer(globals), store->shipments().get(*id));
    });
  }
  {
    auto order = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("list", "list an order's shipments, oldest first");
    cmd->add_option("--order", *order, "the order id")->required();
    cmd->callback([&globals, order] {
      auto store = open_existing_store(globals, nullptr, /*read_only=*/true);
      print_shipments(Printer(globals), store->shipments().for_order(*order));
    });
  }
}

}  // namespace commerce::cli
