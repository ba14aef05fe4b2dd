// commerce returns: returns of delivered units, an RMA: requested, approved or rejected,
// received with inspection and refunded (commerce/returns.h, docs/returns.md). Partial
// cancellation of units that have not shipped is `order cancel-items` (order_commands.cpp).
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kMaxWindowDays = 100 * 366;  // keeps window_days * kDayMs far from overflow

// "mug:2" per line, with "(1 restocked at b, 1 written off)" once inspected.
std::string items_text(const Return& r) {
  std::string out;
  for (const auto& i : r.items) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}:{}", i.product_id, i.qty);
    if (i.restocked + i.written_off > 0) {
      out += fmt::format(" ({} restocked{}, {} written off)", i.restocked,
                         i.location_id.empty() ? "" : " at " + i.location_id, i.written_off);
    }
  }
  return out;
}

std::string lines_text(const std::vector<LineItem>& lines) {
  std::string out;
  for (const auto& l : lines) out += fmt::format("{}{}:{}", out.empty() ? "" : ", ", l.product_id, l.qty);
  return out;
}

bool received(const Return& r) {
  return r.status == ReturnStatus::kReceived || r.status == ReturnStatus::kRefunded ||
         r.status == ReturnStatus::kRefundDeclined;
}

void print_return(const Printer& out, const Return& r) {
  out.emit(to_json(r));
  if (out.json_mode()) return;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"return", r.id},
      {"order", r.order_id},
      {"status", std::string(to_string(r.status))},
      {"items", items_text(r)},
      {"reason", r.reason},
  };
  if (!r.note.empty()) fields.emplace_back("note", r.note);
  if (!r.replacement.empty()) fields.emplace_back("replacement", lines_text(r.replacement));
  if (received(r)) fields.emplace_back("given back", give_back_text(r.given_back));
  if (!r.replacement_order_id.empty()) {
    fields.emplace_back("replacement order",
                        fmt::format("{} (credit {})", r.replacement_order_id, r.exchange_credit));
  }
  if (!r.exchange_note.empty()) fields.emplace_back("exchange", r.exchange_note);
  fields.emplace_back("created", format_time(r.created_at));
  fields.emplace_back("updated", format_time(r.updated_at));
  Printer::fields(fields);
}

void print_returns(const Printer& out, const std::vector<Return>& returns) {
  json items = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : returns) {
    items.push_back(to_json(r));
    rows.push_back({r.id, std::string(to_string(r.status)), items_text(r), r.reason,
                    received(r) ? std::to_string(r.given_back.money) : "-",
                    received(r) ? std::to_string(r.given_back.points) : "-"});
  }
  out.emit(json{{"items", items}});
  if (!out.json_mode()) {
    Printer::table({"ID", "STATUS", "ITEMS", "REASON", "MONEY BACK", "POINTS BACK"}, rows);
  }
}

// "PRODUCT=RESTOCK:WRITEOFF[@LOCATION]". Throws InvalidArgument naming "--inspect".
Inspection parse_inspection(const std::string& spec) {
  const auto bad = [&spec](const std::string& why) {
    return Error::invalid_argument(
        "--inspect",
        fmt::format("'{}': {}; expected PRODUCT=RESTOCK:WRITEOFF[@LOCATION]", spec, why));
  };
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0) throw bad("no PRODUCT=");
  const auto at = spec.find('@', eq);
  const std::string counts = spec.substr(eq + 1, at == std::string::npos ? std::string::npos
                                                                          : at - eq - 1);
  const auto colon = counts.find(':');
  Inspection inspection;
  inspection.product_id = spec.substr(0, eq);
  if (colon == std::string::npos ||
      !parse_int(counts.substr(0, colon), inspection.restock_qty) ||
      !parse_int(counts.substr(colon + 1), inspection.write_off_qty)) {
    throw bad("RESTOCK and WRITEOFF must be whole numbers");
  }
  if (at != std::string::npos) inspection.location_id = spec.substr(at + 1);
  return inspection;
}

void add_request_command(CLI::App& group, Globals& globals) {
  struct Args {
    std::string order, reason, request_id;
    std::vector<std::string> items, replacement;
    std::int64_t window_days = ReturnOptions{}.window_ms / kDayMs;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "request", "request the return of delivered units of an order (within the return window)");
  cmd->add_option("order", args->order, "the order id")->required();
  cmd->add_option("--item,-i", args->items, "PRODUCT[:QTY] of the order's lines, repeatable")
      ->required();
  cmd->add_option("--reason", args->reason, "the customer's reason")->required();
  cmd->add_option("--replace", args->replacement,
                  "PRODUCT[:QTY] of a replacement order the return pays for (an exchange), "
                  "repeatable");
  cmd->add_option("--request-id", args->request_id, "idempotency key");
  cmd->add_option("--return-window-days", args->window_days,
                  "how many days after delivery a return may be requested (> 0)");
  cmd->callback([&globals, args] {
    const RequestReturn request{.order_id = args->order,
                                .items = parse_items(args->items),
                                .reason = args->reason,
                                .replacement = args->replacement.empty()
                                                   ? std::vector<LineItem>{}
                                                   : parse_items(args->replacement, "--replace"),
                                .request_id = args->request_id};
    if (args->window_days <= 0 || args->window_days > kMaxWindowDays) {
      throw Error::invalid_argument("--return-window-days",
                                    fmt::format("must be 1..{}", kMaxWindowDays));
    }
    StoreOptions options;
    options.read_only = globals.read_only;
    options.returns.window_ms = args->window_days * kDayMs;
    auto store = open_existing_store_with(globals, std::move(options));
    print_return(Printer(globals), store->returns().request(request));
  });
}

void add_receive_command(CLI::App& group, Globals& globals) {
  struct Args {
    std::string id, request_id;
    std::vector<std::string> inspections;
    GatewayArgs gateway;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "receive",
      "the returned units arrived: inspect each line (restock or write off) and refund their "
      "share (money through the gateway, points as points)");
  cmd->add_option("id", args->id, "the return id")->required();
  cmd->add_option("--inspect", args->inspections,
                  "PRODUCT=RESTOCK:WRITEOFF[@LOCATION]: of the line's units, how many go back "
                  "on sale at LOCATION and how many are written off (one per line, repeatable)")
      ->required();
  cmd->add_option("--request-id", args->request_id, "idempotency key");
  args->gateway.add_to(*cmd);
  cmd->callback([&globals, args] {
    std::vector<Inspection> inspections;
    for (const auto& spec : args->inspections) inspections.push_back(parse_inspection(spec));
    auto opened = open_store_with_gateway(globals, args->gateway);
    print_return(Printer(globals),
                 opened.store->returns().receive(args->id, inspections, args->request_id));
  });
}

}  // namespace

json to_json(const Return& r) {
  json items = json::array();
  for (const auto& i : r.items) {
    items.push_back({{"product_id", i.product_id},
                     {"qty", i.qty},
                     {"restocked", i.restocked},
                     {"written_off", i.written_off},
                     {"location_id", i.location_id}});
  }
  json replacement = json::array();
  for (const auto& l : r.replacement) {
    replacement.push_back({{"product_id", l.product_id}, {"qty", l.qty}});
  }
  return json{{"id", r.id},
              {"order_id", r.order_id},
              {"status", std::string(to_string(r.status))},
              {"items", items},
              {"reason", r.reason},
              {"note", r.note},
              {"given_back", cli::to_json(r.given_back)},
              {"replacement", replacement},
              {"replacement_order_id", r.replacement_order_id},
              {"exchange_credit", r.exchange_credit},
              {"exchange_note", r.exchange_note},
              {"request_id", r.request_id},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at}};
}

void add_return_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand(
      "returns", "returns of delivered units: request, approve or reject, receive and refund");
  group->alias("return");
  group->require_subcommand(1);
  add_request_command(*group, globals);
  {
    struct Args {
      std::string id, note;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("approve", "accept a requested return");
    cmd->add_option("id", args->id, "the return id")->required();
    cmd->add_option("--note", args->note, "why (kept on the return)");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_return(Printer(globals), store->returns().approve(args->id, args->note));
    });
  }
  {
    struct Args {
      std::string id, reason;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "reject", "refuse a requested or approved return (its units may be returned again)");
    cmd->add_option("id", args->id, "the return id")->required();
    cmd->add_option("--reason", args->reason, "why")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_return(Printer(globals), store->returns().reject(args->id, args->reason));
    });
  }
  add_receive_command(*group, globals);
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("show", "show a return");
    cmd->add_option("id", *id, "the return id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals, nullptr, /*read_only=*/true);
      print_return(Printer(globals), store->returns().get(*id));
    });
  }
  {
    auto order = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("list", "list an order's returns, oldest first");
    cmd->add_option("order", *order, "the order id")->required();
    cmd->callback([&globals, order] {
      auto store = open_existing_store(globals, nullptr, /*read_only=*/true);
      print_returns(Printer(globals), store->returns().for_order(*order));
    });
  }
}

}  // namespace commerce::cli
