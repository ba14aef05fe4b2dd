// The `commerce` command line: what every command group shares.
//
// Each command group (product, stock, points, ...) lives in its own file and registers its
// subcommands on the root CLI::App through an add_*_commands() function. Commands only parse
// input, call the library and print: every business rule lives in the library.
//
// Output: human-readable tables on stdout by default; with --json exactly one JSON document on
// stdout. Errors go to stderr (as JSON with --json) and the process exits with the code of
// exit_code_for(), distinct per commerce::ErrorCode.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/error.h"
#include "commerce/outbox.h"
#include "commerce/payments.h"
#include "commerce/store.h"

namespace commerce {
class EventSink;  // commerce/event_sink.h
}

namespace commerce::cli {

using nlohmann::json;

// Exit codes: 0 success; 2 bad command line; 3..8 one per commerce::ErrorCode; 9 an invariant
// violation reported by `check`; 10 damage to the store's file found by `check`; 1 anything
// else.
inline constexpr int kExitUsage = 2;
inline constexpr int kExitViolations = 9;
inline constexpr int kExitDamage = 10;
int exit_code_for(ErrorCode code);

// The store's pricing, given to every command (the store keeps no pricing configuration; see
// docs/cli.md): --shipping-option ID=KIND:..., --tax inclusive|exclusive, --tax-rate CLASS=BP.
struct PricingFlags {
  std::vector<std::string> shipping_options;
  std::string tax;
  std::vector<std::string> tax_rates;
};

// Options every command understands (given before or after the subcommand).
struct Globals {
  std::string db;   // --db PATH: a SQLite file
  std::string url;  // --url URL: any storage location (sqlite:PATH, postgresql://...)
  bool json = false;
  bool read_only = false;  // --read-only: open the store for reading only (inspection)
  PricingFlags pricing;
  int exit_status = 0;  // set by a command that succeeds but must report a finding (check)
};

// The storage location named by --db / --url (or $COMMERCE_DB / $COMMERCE_URL).
// Throws InvalidArgument naming "--db" when none or both are given.
std::string store_location(const Globals& globals);

// The SQLite file named by --db or $COMMERCE_DB; empty when the store is given as a URL.
std::string db_path(const Globals& globals);

// Whether `e` is what Store::open() says when asked for the store's own currency (an empty
// StoreOptions::currency) and the store is new.
bool is_new_store(const Error& e);

// Opens an existing store with the currency it was created with; read-only under --read-only
// or when `read_only` (the commands that only read: check without --repair, stats, listings),
// so that they work on read-only media and never take the write lock.
// Throws FailedPrecondition naming the location when it was never initialized (`commerce init`).
std::unique_ptr<Store> open_existing_store(const Globals& globals,
                                           std::shared_ptr<Clock> clock = nullptr,
                                           bool read_only = false,
                                           const RetentionOptions& retention = {});

// Opens an existing store with `options` (its currency is the store's own; the pricing flags
// apply), e.g. with the carriers of the `shipments` commands.
std::unique_ptr<Store> open_existing_store_with(const Globals& globals, StoreOptions options);

// Opens an existing store whose guest carts live guest_cart_ttl_ms after their last change
// (StoreOptions::guest_cart_ttl_ms).
std::unique_ptr<Store> open_store_for_carts(const Globals& globals,
                                            std::int64_t guest_cart_ttl_ms);

// The built-in FakeGateway (commerce/payments.h) is the CLI's payment provider: the tool is for
// operating and demonstrating a store; a host with a real provider plugs its PaymentGateway into
// StoreOptions in its own process. The fake gateway's ledger is kept in a record file so that
// later commands (cancel/refund, recover, complete-payment) see what earlier ones charged.
struct GatewayArgs {
  std::string record;   // --gateway-record; default: "<db>.fake-gateway" for --db, memory otherwise
  std::string payment;  // --payment: how the charge answers (approve, decline, pending, timeout,
                        // fail); empty: approve
  bool payment_for_every_charge = false;  // serve: every charge answers so; else the next one
  void add_to(CLI::App& cmd);
};

struct OpenedStore {
  std::shared_ptr<FakeGateway> gateway;
  std::unique_ptr<Store> store;
};

// Opens an existing store whose payments go through the fake gateway.
OpenedStore open_store_with_gateway(const Globals& globals, const GatewayArgs& gateway,
                                    std::shared_ptr<Clock> clock = nullptr);

// --- output
// Prints `doc` as JSON (--json) or calls `human` to print it for people.
class Printer {
 public:
  explicit Printer(const Globals& globals) : globals_(globals) {}
  bool json_mode() const { return globals_.json; }
  // Prints the JSON document in --json mode; otherwise prints nothing.
  void emit(const json& doc) const;
  // A table with a header row; columns padded to their widest cell.
  static void table(const std::vector<std::string>& headers,
                    const std::vector<std::vector<std::string>>& rows);
  // "key: value" lines, keys aligned.
  static void fields(const std::vector<std::pair<std::string, std::string>>& rows);

 private:
  const Globals& globals_;
};

// ISO-8601 UTC text of a timestamp ("-" for 0).
std::string format_time(Timestamp t);
// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]Z" or integer milliseconds since the epoch.
// Throws InvalidArgument naming `field`.
Timestamp parse_time(const std::string& text, const std::string& field);
// A whole decimal integer (no sign other than '-', nothing after it).
bool parse_int(std::string_view text, std::int64_t& out);
// "product:qty" items (qty defaults to 1). Throws InvalidArgument naming `option`.
std::vector<LineItem> parse_items(const std::vector<std::string>& specs,
                                  const std::string& option = "--item");

// --- shipping addresses (address_flags.cpp)
// --ship-to-json '{"name": ..., ...}', or --ship-name, --ship-phone, --ship-line1,
// --ship-line2, --ship-city, --ship-region, --ship-postal-code, --ship-country (not both).
struct AddressFlags {
  std::string json_text;
  Address fields;
  void add_to(CLI::App& cmd);
  // None when no flag was given. Throws InvalidArgument naming "--ship-to-json" for JSON that
  // is not an object of the address's string fields (the library checks the fields).
  std::optional<Address> address() const;
};
// The address as a JSON object of its fields; null for none.
json address_json(const std::optional<Address>& address);
// The address on one line, for people.
std::string address_text(const Address& address);

// --- orders (order_output.cpp): what the `order` and `cart` commands share
// An order's fields besides its buyer and lines: --coupon, --coupon-required, --points,
// --method, --region, --shipping, --expect-total and the shipping address (AddressFlags).
struct OrderFlags {
  std::string coupon, method = "card", region, shipping;
  bool coupon_required = false;
  Money points = 0;
  Money expected_total = -1;
  AddressFlags ship_to;
  void add_to(CLI::App& cmd);
  PlaceOrder request() const;  // without user, items and request id
};
// The order (with its status changes when `audit` is given) and its lines' breakdown.
void print_order(const Printer& out, const Order& o,
                 const std::vector<OrderAudit>* audit = nullptr);
// The quote's amounts and its lines' breakdown.
void print_quote(const Printer& out, const Quote& q);
// An order's refunds (OrderBook::refunds): a JSON array, or a table.
void print_refunds(const Printer& out, const std::vector<Refund>& refunds);
// What a give-back returned (commerce/returns.h): its JSON object, and one line for people
// ("2727 worth: 2100 in money, 627 in points (refund ID)").
json to_json(const GiveBack& g);
std::string give_back_text(const GiveBack& g);
// What `order cancel-items` did: {"order", "given_back"}, or the order and what came back.
void print_items_cancelled(const Printer& out, const ItemsCancelled& c);

// --- pricing flags (pricing_flags.cpp)
// Adds --shipping-option, --tax and --tax-rate to the root command.
void add_pricing_flags(CLI::App& app, PricingFlags& flags);
// Sets StoreOptions::shipping_options and tax_calculator from the flags (none given: the
// library's defaults). Throws InvalidArgument naming the flag.
void apply_pricing_flags(const PricingFlags& flags, StoreOptions& options);

// --- JSON of the library's value types
json axes_json(const std::vector<OptionAxis>& axes);  // [{"name", "values"}, ...]
json to_json(const Product& p);
json to_json(const StockLevel& s);
json to_json(const Reservation& r);
json to_json(const PointsEntry& e);
json to_json(const CouponTemplate& t);
json to_json(const Coupon& c);
json to_json(const Event& e);
json to_json(const Order& o);
json to_json(const Quote& q);
json to_json(const OrderAudit& a);
json to_json(const VariantAvailability& v);  // the variant's product fields and "available"
json to_json(const Category& c);
json to_json(const Cart& c);          // cart_commands.cpp
json to_json(const WishlistItem& w);  // cart_commands.cpp
json to_json(const StockLocation& l);  // location_commands.cpp
json to_json(const LocationLevel& l);  // stock_commands.cpp
json to_json(const StockTransfer& t);  // stock_commands.cpp
json to_json(const Refund& r);        // order_output.cpp
json to_json(const Shipment& s);      // shipment_commands.cpp
json to_json(const Return& r);        // return_commands.cpp
json to_json(const RecoveryReport& r);  // maintenance_commands.cpp
json to_json(const DeadLetter& d);    // relay_command.cpp (the event and why it is dead)
// The store's figures of `commerce stats` (rows, outbox pending / lag / dead letters, inbox).
json stats_json(Store& store);        // maintenance_commands.cpp
// The JSON object of a page: {"items": [...], "next_cursor": "..."}.
template <class T>
json page_json(const Page<T>& page) {
  json items = json::array();
  for (const auto& item : page.items) items.push_back(to_json(item));
  return json{{"items", items}, {"next_cursor", page.next_cursor}};
}

// The JSON object of a whole list: {"items": [...]}.
template <class T>
json list_json(const std::vector<T>& values) {
  json items = json::array();
  for (const auto& value : values) items.push_back(to_json(value));
  return json{{"items", items}};
}

// --- command groups
void add_init_command(CLI::App& app, Globals& globals);
void add_product_commands(CLI::App& app, Globals& globals);
void add_stock_commands(CLI::App& app, Globals& globals);
void add_location_commands(CLI::App& app, Globals& globals);
void add_points_commands(CLI::App& app, Globals& globals);
void add_coupon_commands(CLI::App& app, Globals& globals);
void add_order_commands(CLI::App& app, Globals& globals);
void add_cart_commands(CLI::App& app, Globals& globals);  // carts, sharing, wishlists
void add_shipment_commands(CLI::App& app, Globals& globals);  // shipments, carrier, tracking
void add_return_commands(CLI::App& app, Globals& globals);    // returns of delivered units
void add_maintenance_commands(CLI::App& app, Globals& globals);  // recover, sweep, check, stats
void add_relay_command(CLI::App& app, Globals& globals);
// Where an outbox relay publishes: `commerce relay --jsonl|--kafka ...` and
// `commerce serve --relay-jsonl|--relay-kafka ...` (relay_command.cpp).
struct SinkArgs {
  std::string flag_prefix;  // "--" or "--relay-": the flags' names
  std::string jsonl;
  std::string kafka;
  std::string topic_prefix;
  bool no_fsync = false;
  // Adds <prefix>jsonl, <prefix>kafka, <prefix>topic-prefix and <prefix>no-fsync to `cmd`.
  void add_to(CLI::App& cmd, const std::string& prefix);
  bool given() const { return !jsonl.empty() || !kafka.empty(); }
  // The sink. Errors: InvalidArgument naming <prefix>jsonl (none or both destinations given)
  // or <prefix>kafka (a build without Kafka).
  std::unique_ptr<EventSink> make() const;
};
void add_demo_command(CLI::App& app, Globals& globals);
void add_serve_command(CLI::App& app, Globals& globals);  // serve/serve_command.cpp

}  // namespace commerce::cli
