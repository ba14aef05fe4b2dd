// commerce: the command-line tool of commerce-core. See docs/cli.md.
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace commerce::cli;
  Globals globals;
  CLI::App app{"commerce: run a commerce-core store from the command line (see docs/cli.md)",
               "commerce"};
  app.option_defaults()->always_capture_default();  // --help shows defaults
  app.fallthrough();                                // --db/--url/--json may follow the subcommand
  app.require_subcommand(1);
  app.add_option("--db", globals.db, "SQLite database file (or set COMMERCE_DB)");
  app.add_option("--url", globals.url,
                 "storage location: sqlite:PATH or postgresql://... (or set COMMERCE_URL)");
  app.add_flag("--json", globals.json, "print one JSON document on stdout instead of tables");
  app.add_flag("--read-only", globals.read_only,
               "open the store for reading only (writes fail; works on read-only media)");
  add_pricing_flags(app, globals.pricing);
  app.set_version_flag("--version", "commerce 0.1.0");

  add_init_command(app, globals);
  add_demo_command(app, globals);
  add_product_commands(app, globals);
  add_stock_commands(app, globals);
  add_location_commands(app, globals);
  add_points_commands(app, globals);
  add_coupon_commands(app, globals);
  add_order_commands(app, globals);
  add_cart_commands(app, globals);
  add_shipment_commands(app, globals);
  add_return_commands(app, globals);
  add_maintenance_commands(app, globals);
  add_relay_command(app, globals);
  add_serve_command(app, globals);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const commerce::Error& e) {
    if (globals.json) {
      std::cerr << json{{"error",
                         {{"code", std::string(commerce::to_string(e.code()))},
                          {"reason", std::string(commerce::to_string(e.reason()))},
                          {"subject", e.subject()},
                          {"message", e.what()}}}}
                       .dump()
                << '\n';
    } else {
      std::cerr << "commerce: " << e.what() << '\n';
    }
    return exit_code_for(e.code());
  } catch (const std::exception& e) {
    std::cerr << "commerce: internal error: " << e.what() << '\n';
    return 1;
  }
  return globals.exit_status;
}
