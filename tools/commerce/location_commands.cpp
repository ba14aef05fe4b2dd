// commerce locations: the stock locations (commerce/locations.h).
#include "cli.h"

namespace commerce::cli {

json to_json(const StockLocation& l) {
  return json{{"id", l.id},
              {"name", l.name},
              {"active", l.active},
              {"priority", l.priority},
              {"region", l.region},
              {"created_at", l.created_at},
              {"updated_at", l.updated_at}};
}

namespace {

void print_locations(const Printer& out, const std::vector<StockLocation>& locations, bool one) {
  json items = json::array();
  std::vector<std::vector<std::string>> table;
  for (const auto& l : locations) {
    items.push_back(to_json(l));
    table.push_back({l.id, l.name, l.active ? "yes" : "no", std::to_string(l.priority), l.region});
  }
  out.emit(one ? items.at(0) : json{{"items", items}});
  if (!out.json_mode()) Printer::table({"ID", "NAME", "ACTIVE", "PRIORITY", "REGION"}, table);
}

}  // namespace

void add_location_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("locations", "stock locations (warehouses, shops)");
  group->require_subcommand(1);
  {
    struct Args {
      NewStockLocation location;
      bool inactive = false;
      std::string request_id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("add", "add a stock location");
    cmd->add_option("id", args->location.id, "the location id")->required();
    cmd->add_option("--name", args->location.name, "its name")->required();
    cmd->add_option("--priority", args->location.priority, "lower is used first (default 0)");
    cmd->add_option("--region", args->location.region, "its region, e.g. eu");
    cmd->add_flag("--inactive", args->inactive, "create it inactive");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      NewStockLocation location = args->location;
      location.active = !args->inactive;
      print_locations(Printer(globals), {store->locations().create(location, args->request_id)},
                      true);
    });
  }
  {
    auto* cmd = group->add_subcommand("list", "list the locations by priority");
    cmd->callback([&globals] {
      auto store = open_existing_store(globals);
      print_locations(Printer(globals), store->locations().list(), false);
    });
  }
  {
    struct Args {
      std::string id, request_id;
      std::optional<std::string> name, region;
      std::optional<std::int64_t> priority;
      std::optional<bool> active;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("update", "change a location (only the options given)");
    cmd->add_option("id", args->id, "the location id")->required();
    cmd->add_option("--name", args->name, "its name");
    cmd->add_option("--priority", args->priority, "lower is used first");
    cmd->add_option("--region", args->region, "its region");
    cmd->add_option("--active", args->active, "true or false");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const StockLocationChanges changes{.name = args->name,
                                         .active = args->active,
                                         .priority = args->priority,
                                         .region = args->region};
      print_locations(Printer(globals),
                      {store->locations().update(args->id, changes, args->request_id)}, true);
    });
  }
}

}  // namespace commerce::cli
