// commerce stock: levels, adjustments and reservations.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

void print_level(const Printer& out, const StockLevel& s) {
  out.emit(to_json(s));
  if (out.json_mode()) return;
  Printer::table({"PRODUCT", "ON HAND", "RESERVED", "AVAILABLE", "SOLD"},
                 {{s.product_id, std::to_string(s.on_hand), std::to_string(s.reserved),
                   std::to_string(s.available), std::to_string(s.sold)}});
}

void print_reservations(const Printer& out, const std::vector<Reservation>& rows) {
  json items = json::array();
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    items.push_back(to_json(r));
    table.push_back({r.order_id, r.product_id, std::to_string(r.qty),
                     std::string(to_string(r.state)), format_time(r.expires_at)});
  }
  out.emit(json{{"items", items}});
  if (!out.json_mode()) Printer::table({"ORDER", "PRODUCT", "QTY", "STATE", "EXPIRES"}, table);
}

}  // namespace

void add_stock_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("stock", "stock levels, adjustments and reservations");
  group->require_subcommand(1);
  {
    auto ids = std::make_shared<std::vector<std::string>>();
    auto* cmd = group->add_subcommand("level", "show on hand, reserved, available and sold");
    cmd->add_option("product", *ids, "one or more product ids")->required();
    cmd->callback([&globals, ids] {
      auto store = open_existing_store(globals);
      Printer out(globals);
      if (ids->size() == 1) return print_level(out, store->stock().level(ids->front()));
      json items = json::array();
      std::vector<std::vector<std::string>> rows;
      for (const auto& id : *ids) {
        const auto s = store->stock().level(id);
        items.push_back(to_json(s));
        rows.push_back({s.product_id, std::to_string(s.on_hand), std::to_string(s.reserved),
                        std::to_string(s.available), std::to_string(s.sold)});
      }
      out.emit(json{{"items", items}});
      if (!out.json_mode()) {
        Printer::table({"PRODUCT", "ON HAND", "RESERVED", "AVAILABLE", "SOLD"}, rows);
      }
    });
  }
  {
    struct Args {
      std::string product, reason, request_id;
      std::int64_t delta = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("adjust", "restock (+N) or shrink (-N), with an audit row");
    cmd->add_option("product", args->product, "the product id")->required();
    cmd->add_option("delta", args->delta, "units to add (negative: remove)")->required();
    cmd->add_option("--reason", args->reason, "why (kept in the audit row)")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_level(Printer(globals), store->stock().adjust(args->product, args->delta, args->reason,
                                                          args->request_id));
    });
  }
  {
    struct Args {
      std::string order;
      std::vector<std::string> items;
      std::string expires_at;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "reserve", "reserve items for an order id, all or nothing (outside the order saga)");
    cmd->add_option("order", args->order, "the order id the reservation belongs to")->required();
    cmd->add_option("--item,-i", args->items, "PRODUCT[:QTY], repeatable")->required();
    cmd->add_option("--expires-at", args->expires_at,
                    "expiry time (default: now plus the store's reservation TTL)");
    cmd->callback([&globals, args] {
      const auto items = parse_items(args->items);
      const Timestamp expires =
          args->expires_at.empty() ? 0 : parse_time(args->expires_at, "--expires-at");
      auto store = open_existing_store(globals);
      print_reservations(Printer(globals), store->stock().reserve(args->order, items, expires));
    });
  }
  {
    auto order = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("release", "release an order's live reservations");
    cmd->add_option("order", *order, "the order id")->required();
    cmd->callback([&globals, order] {
      auto store = open_existing_store(globals);
      print_reservations(Printer(globals), store->stock().release(*order));
    });
  }
  {
    auto order = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("commit", "turn an order's reserved units into sold ones");
    cmd->add_option("order", *order, "the order id")->required();
    cmd->callback([&globals, order] {
      auto store = open_existing_store(globals);
      print_reservations(Printer(globals), store->stock().commit(*order));
    });
  }
  {
    auto order = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("reservations", "show an order's reservation rows");
    cmd->add_option("order", *order, "the order id")->required();
    cmd->callback([&globals, order] {
      auto store = open_existing_store(globals);
      print_reservations(Printer(globals), store->stock().reservations(*order));
    });
  }
}

}  // namespace commerce::cli
