// commerce order: place orders through the saga, and move them along their state machine.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

// The amounts Order and Quote share, as "key: value" lines.
template <class Priced>
std::vector<std::pair<std::string, std::string>> amount_fields(const Priced& p) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"subtotal", std::to_string(p.subtotal)}, {"discount", std::to_string(p.discount)}};
  if (!p.shipping_option.empty()) {
    fields.emplace_back("shipping", fmt::format("{} ({})", p.shipping_fee, p.shipping_option));
  }
  fields.emplace_back("tax", fmt::format("{} ({}{})", p.tax,
                                         p.tax_included ? "included" : "added",
                                         p.shipping_tax ? fmt::format(", {} on shipping",
                                                                      p.shipping_tax)
                                                        : ""));
  fields.emplace_back("points used", std::to_string(p.points_used));
  fields.emplace_back("total", std::to_string(p.total));
  return fields;
}

// A table of lines with their price breakdown (OrderItem or PricedLine), and `extra` columns.
template <class Line>
void print_lines(const std::vector<Line>& lines, std::vector<std::string> extra_headers = {},
                 const std::vector<std::vector<std::string>>& extra = {}) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const Line& l = lines[n];
    rows.push_back({l.product_id, l.name, std::to_string(l.unit_price), std::to_string(l.qty),
                    std::to_string(l.discount), l.tax_class, std::to_string(l.tax),
                    std::to_string(l.total)});
    if (n < extra.size()) rows.back().insert(rows.back().end(), extra[n].begin(), extra[n].end());
  }
  std::vector<std::string> headers = {"PRODUCT", "NAME", "UNIT PRICE", "QTY",
                                      "DISCOUNT", "TAX CLASS", "TAX", "TOTAL"};
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  Printer::table(headers, rows);
}

void print_order(const Printer& out, const Order& o,
                 const std::vector<OrderAudit>* audit = nullptr) {
  json doc = to_json(o);
  if (audit) {
    json rows = json::array();
    for (const auto& a : *audit) rows.push_back(to_json(a));
    doc["audit"] = rows;
  }
  out.emit(doc);
  if (out.json_mode()) return;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"order", o.id},
      {"user", o.user_id},
      {"status", std::string(to_string(o.status))},
  };
  const auto amounts = amount_fields(o);
  fields.insert(fields.end(), amounts.begin(), amounts.end());
  if (!o.coupon_id.empty()) {
    fields.emplace_back("coupon", fmt::format("{} ({}{})", o.coupon_id,
                                              o.coupon_applied ? "applied" : "not applied",
                                              o.coupon_required ? ", required" : ", optional"));
  }
  if (!o.coupon_note.empty()) fields.emplace_back("coupon note", o.coupon_note);
  if (!o.failure_reason.empty()) fields.emplace_back("reason", o.failure_reason);
  if (o.backordered()) fields.emplace_back("backordered", "yes (some units wait for a restock)");
  fields.emplace_back("created", format_time(o.created_at));
  Printer::fields(fields);
  std::vector<std::vector<std::string>> backordered;
  for (const auto& i : o.items) backordered.push_back({std::to_string(i.backordered)});
  print_lines(o.items, {"BACKORDERED"}, backordered);
  if (audit) {
    std::vector<std::vector<std::string>> history;
    for (const auto& a : *audit) {
      history.push_back({format_time(a.at), a.from ? std::string(to_string(*a.from)) : "-",
                         std::string(to_string(a.to)), a.reason});
    }
    Printer::table({"AT", "FROM", "TO", "REASON"}, history);
  }
}

void print_quote(const Printer& out, const Quote& q) {
  out.emit(to_json(q));
  if (out.json_mode()) return;
  auto fields = amount_fields(q);
  if (q.coupon_applied) fields.emplace_back("coupon", "applies");
  if (!q.coupon_note.empty()) fields.emplace_back("coupon note", q.coupon_note);
  Printer::fields(fields);
  print_lines(q.lines);
}

// What `order place` and `order quote` both take: the request.
struct RequestArgs {
  std::string user, coupon, method = "card", request_id, shipping;
  std::vector<std::string> items;
  bool coupon_required = false;
  Money points = 0;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--user", user, "the buyer's user id")->required();
    cmd.add_option("--item,-i", items, "PRODUCT[:QTY], repeatable")->required();
    cmd.add_option("--coupon", coupon, "an issued coupon id");
    cmd.add_flag("--coupon-required", coupon_required,
                 "fail the order if the coupon cannot be used (default: skip it)");
    cmd.add_option("--points", points, "points to spend");
    cmd.add_option("--method", method, "payment method passed to the gateway");
    cmd.add_option("--request-id", request_id, "idempotency key");
    cmd.add_option("--shipping", shipping,
                   "the id of a shipping option (given with --shipping-option)");
  }
  PlaceOrder request() const {
    PlaceOrder r;
    r.user_id = user;
    r.items = parse_items(items);
    r.coupon_id = coupon;
    r.coupon_required = coupon_required;
    r.points_to_use = points;
    r.payment_method = method;
    r.request_id = request_id;
    r.shipping_option = shipping;
    return r;
  }
};

struct PlaceArgs {
  RequestArgs request;
  GatewayArgs gateway;
};

}  // namespace

void add_order_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("order", "place orders and move them through their states");
  group->require_subcommand(1);
  {
    auto args = std::make_shared<PlaceArgs>();
    auto* cmd = group->add_subcommand(
        "place", "place an order: reserve stock, use points and coupon, pay, confirm");
    args->request.add_to(*cmd);
    cmd->add_option("--payment", args->gateway.payment,
                    "how the fake gateway answers this charge: approve, decline, pending, "
                    "timeout or fail");
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      const PlaceOrder request = args->request.request();
      auto opened = open_store_with_gateway(globals, args->gateway);
      print_order(Printer(globals), opened.store->orders().place(request));
    });
  }
  {
    auto args = std::make_shared<RequestArgs>();
    auto* cmd = group->add_subcommand(
        "quote", "what `order place` with the same arguments would charge now; writes nothing");
    args->add_to(*cmd);
    cmd->callback([&globals, args] {
      const PlaceOrder request = args->request();
      auto store = open_existing_store(globals, nullptr, true);
      print_quote(Printer(globals), store->orders().quote(request));
    });
  }
  {
    struct Args {
      std::string id;
      bool audit = false;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("get", "show an order");
    cmd->add_option("order", args->id, "the order id")->required();
    cmd->add_flag("--audit", args->audit, "also show its status changes");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const Order o = store->orders().get(args->id);
      if (!args->audit) return print_order(Printer(globals), o);
      const auto audit = store->orders().audit(args->id);
      print_order(Printer(globals), o, &audit);
    });
  }
  {
    struct Args {
      std::string user, cursor;
      int limit = kDefaultPageSize;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("list", "a user's orders, newest first");
    cmd->add_option("--user", args->user, "the user id")->required();
    cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
    cmd->add_option("--limit", args->limit, "page size");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const auto page = store->orders().list_for_user(args->user, args->cursor, args->limit);
      Printer out(globals);
      out.emit(page_json(page));
      if (out.json_mode()) return;
      std::vector<std::vector<std::string>> rows;
      for (const auto& o : page.items) {
        rows.push_back({o.id, std::string(to_string(o.status)), std::to_string(o.total),
                        std::to_string(o.items.size()), format_time(o.created_at)});
      }
      Printer::table({"ORDER", "STATUS", "TOTAL", "ITEMS", "CREATED"}, rows);
      if (!page.next_cursor.empty()) std::cout << "more: --cursor " << page.next_cursor << '\n';
    });
  }
  {
    struct Args {
      std::string id, reason, request_id;
      GatewayArgs gateway;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "cancel", "cancel before shipping: void or refund, restore coupon and points, restock");
    cmd->add_option("order", args->id, "the order id")->required();
    cmd->add_option("--reason", args->reason, "why (kept in the audit row)");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      auto opened = open_store_with_gateway(globals, args->gateway);
      print_order(Printer(globals),
                  opened.store->orders().cancel(args->id, args->reason, args->request_id));
    });
  }
  for (const bool ship : {true, false}) {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand(ship ? "ship" : "deliver",
                                      ship ? "CONFIRMED -> SHIPPED" : "SHIPPED -> DELIVERED");
    cmd->add_option("order", *id, "the order id")->required();
    cmd->callback([&globals, id, ship] {
      auto store = open_existing_store(globals);
      print_order(Printer(globals),
                  ship ? store->orders().ship(*id) : store->orders().deliver(*id));
    });
  }
  {
    struct Args {
      std::string id;
      bool approved = false, declined = false;
      GatewayArgs gateway;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "complete-payment",
        "the payment provider's callback for a pending payment: confirm or fail the order");
    cmd->add_option("order", args->id, "the order id")->required();
    auto* approved = cmd->add_flag("--approved", args->approved, "the payment went through");
    auto* declined = cmd->add_flag("--declined", args->declined, "the payment was refused");
    approved->excludes(declined);
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      if (args->approved == args->declined) {
        throw Error::invalid_argument("--approved", "give --approved or --declined");
      }
      auto opened = open_store_with_gateway(globals, args->gateway);
      // The fake provider settles its side first, as a real one does before calling back.
      const auto payment = opened.store->run_unit(
          [&](Unit& unit) { return unit.lookups().payment(args->id); });
      if (payment && payment->status == PaymentStatus::kPending) {
        try {
          opened.gateway->settle(payment->id, args->approved);
        } catch (const Error& e) {
          // Already settled (a repeated callback) or unknown to this gateway record: the order
          // book decides what the callback means.
          if (e.code() != ErrorCode::kFailedPrecondition && e.code() != ErrorCode::kNotFound) {
            throw;
          }
        }
      }
      print_order(Printer(globals),
                  opened.store->orders().complete_payment(args->id, args->approved));
    });
  }
}

}  // namespace commerce::cli
