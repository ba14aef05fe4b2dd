// commerce init: create a store (or migrate an existing one to this version's schema).
#include <fmt/format.h>

#include <iostream>

#include "cli.h"
#include "commerce/sqlite_storage.h"
#include "commerce/storage.h"

namespace commerce::cli {

void add_init_command(CLI::App& app, Globals& globals) {
  auto* cmd = app.add_subcommand(
      "init", "create a store at --db/--url, or migrate an existing one to the current schema");
  auto currency = std::make_shared<std::string>("KRW");
  auto* currency_opt = cmd->add_option(
      "--currency", *currency, "ISO 4217 code of the store's one currency (fixed at creation)");
  cmd->callback([&globals, currency, currency_opt] {
    const std::string location = store_location(globals);
    auto storage = open_storage(location);  // runs the schema migrations
    std::optional<std::string> stored;
    storage->run(Storage::Access::kRead,
                 [&](Transaction& tx) { stored = tx.find_setting("currency"); });
    const bool existed = stored.has_value();
    // Re-running init on an existing store keeps its currency unless another one is asked for
    // (which the library refuses).
    if (existed && currency_opt->count() == 0) *currency = *stored;
    StoreOptions options;
    options.currency = *currency;
    auto store = Store::open(std::move(storage), options);
    const std::string url = store->url();
    Printer out(globals);
    out.emit(json{{"location", url}, {"currency", *currency}, {"created", !existed}});
    if (!out.json_mode()) {
      std::cout << fmt::format("{} store {} (currency {})\n",
                               existed ? "Opened existing" : "Created", url, *currency);
    }
  });
}

}  // namespace commerce::cli
