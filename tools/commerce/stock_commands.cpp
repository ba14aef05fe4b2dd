// commerce stock: levels, adjustments and reservations.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

json to_json(const LocationLevel& l) {
  return json{{"product_id", l.product_id},         {"location_id", l.location_id},
              {"on_hand", l.on_hand},               {"reserved", l.reserved},
              {"available", l.available},           {"sold", l.sold},
              {"backorder_room", l.backorder_room}, {"low_threshold", l.low_threshold},
              {"active", l.active}};
}

json to_json(const StockTransfer& t) {
  return json{{"id", t.id},
              {"product_id", t.product_id},
              {"from_location_id", t.from_location_id},
              {"to_location_id", t.to_location_id},
              {"qty", t.qty},
              {"reason", t.reason},
              {"created_at", t.created_at}};
}

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
    table.push_back({r.order_id, r.product_id, r.location_id, std::to_string(r.qty),
                     std::to_string(r.backordered), std::string(to_string(r.state)),
                     format_time(r.expires_at)});
  }
  out.emit(json{{"items", items}});
  if (!out.json_mode()) {
    Printer::table({"ORDER", "PRODUCT", "LOCATION", "QTY", "BACKORDERED", "STATE", "EXPIRES"},
                   table);
  }
}

void print_location_levels(const Printer& out, const std::vector<LocationLevel>& levels) {
  json items = json::array();
  std::vector<std::vector<std::string>> table;
  for (const auto& l : levels) {
    items.push_back(to_json(l));
    table.push_back({l.location_id, std::to_string(l.on_hand), std::to_string(l.reserved),
                     std::to_string(l.available), std::to_string(l.sold),
                     std::to_string(l.backorder_room), std::to_string(l.low_threshold),
                     l.active ? "yes" : "no"});
  }
  out.emit(json{{"items", items}});
  if (!out.json_mode()) {
    Printer::table({"LOCATION", "ON HAND", "RESERVED", "AVAILABLE", "SOLD", "BACKORDER",
                    "LOW AT", "ACTIVE"},
                   table);
  }
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
      std::string product, reason, request_id, location;
      std::int64_t delta = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("adjust", "restock (+N) or shrink (-N), with an audit row");
    cmd->add_option("product", args->product, "the product id")->required();
    cmd->add_option("delta", args->delta, "units to add (negative: remove)")->required();
    cmd->add_option("--reason", args->reason, "why (kept in the audit row)")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->add_option("--location", args->location, "the location (default: default)");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_level(Printer(globals), store->stock().adjust(args->product, args->delta, args->reason,
                                                          args->request_id, args->location));
    });
  }
  {
    auto product = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("levels", "a product's stock at each location");
    cmd->add_option("product", *product, "the product id")->required();
    cmd->callback([&globals, product] {
      auto store = open_existing_store(globals);
      print_location_levels(Printer(globals), store->stock().levels(*product));
    });
  }
  {
    struct Args {
      std::string product, from, to, reason, request_id;
      std::int64_t qty = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("transfer", "move available units between locations");
    cmd->add_option("product", args->product, "the product id")->required();
    cmd->add_option("from", args->from, "the location they leave")->required();
    cmd->add_option("to", args->to, "the location they go to")->required();
    cmd->add_option("qty", args->qty, "units to move")->required();
    cmd->add_option("--reason", args->reason, "why (kept in the transfer row)")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const StockTransfer t = store->stock().transfer(args->product, args->from, args->to,
                                                      args->qty, args->reason, args->request_id);
      Printer out(globals);
      out.emit(to_json(t));
      if (!out.json_mode()) print_location_levels(out, store->stock().levels(args->product));
    });
  }
  {
    struct Args {
      std::string product, location;
      std::int64_t n = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "threshold", "StockLow when available at the location falls to N or below (0: off)");
    cmd->add_option("product", args->product, "the product id")->required();
    cmd->add_option("location", args->location, "the location id")->required();
    cmd->add_option("n", args->n, "the threshold")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_location_levels(Printer(globals),
                            {store->stock().set_low_threshold(args->product, args->location, args->n)});
    });
  }
  {
    struct Args {
      std::string product, location;
      std::int64_t n = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "backorder", "let the location reserve up to N units beyond on hand (0: off)");
    cmd->add_option("product", args->product, "the product id")->required();
    cmd->add_option("location", args->location, "the location id")->required();
    cmd->add_option("n", args->n, "the backorder limit")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_location_levels(
          Printer(globals), {store->stock().set_backorder_limit(args->product, args->location, args->n)});
    });
  }
  {
    struct Args {
      std::string order;
      std::vector<std::string> items;
      std::string expires_at, region;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "reserve", "reserve items for an order id, all or nothing (outside the order saga)");
    cmd->add_option("order", args->order, "the order id the reservation belongs to")->required();
    cmd->add_option("--item,-i", args->items, "PRODUCT[:QTY], repeatable")->required();
    cmd->add_option("--expires-at", args->expires_at,
                    "expiry time (default: now plus the store's reservation TTL)");
    cmd->add_option("--region", args->region, "the order's region, for the allocation strategy");
    cmd->callback([&globals, args] {
      const auto items = parse_items(args->items);
      const Timestamp expires =
          args->expires_at.empty() ? 0 : parse_time(args->expires_at, "--expires-at");
      auto store = open_existing_store(globals);
      print_reservations(Printer(globals), store->stock().reserve(args->order, items, expires, args->region));
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
