// commerce init: create a store (or migrate an existing one to this version's schema).
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

void add_init_command(CLI::App& app, Globals& globals) {
  auto* cmd = app.add_subcommand(
      "init", "create a store at --db/--url, or migrate an existing one to the current schema");
  auto currency = std::make_shared<std::string>("KRW");
  auto* currency_opt = cmd->add_option(
      "--currency", *currency, "ISO 4217 code of the store's one currency (fixed at creation)");
  cmd->callback([&globals, currency, currency_opt] {
    const std::string location = store_location(globals);
    // Re-running init on an existing store keeps its currency unless another one is asked for
    // (which the library refuses). Opening runs the schema migrations.
    StoreOptions own;
    own.currency.clear();  // the store's own, if it has one
    std::unique_ptr<Store> store;
    try {
      store = Store::open(location, own);
    } catch (const Error& e) {
      if (!is_new_store(e)) throw;
    }
    const bool existed = store != nullptr;
    if (!existed || currency_opt->count() > 0) {
      store.reset();
      StoreOptions options;
      options.currency = *currency;
      store = Store::open(location, options);
    }
    const std::string url = store->url();
    const std::string& used = store->options().currency;
    Printer out(globals);
    out.emit(json{{"location", url}, {"currency", used}, {"created", !existed}});
    if (!out.json_mode()) {
      std::cout << fmt::format("{} store {} (currency {})\n",
                               existed ? "Opened existing" : "Created", url, used);
    }
  });
}

}  // namespace commerce::cli
