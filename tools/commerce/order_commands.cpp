// commerce order: place orders through the saga, and move them along their state machine.
#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

// What `order place` and `order quote` both take: the request.
struct RequestArgs {
  std::string user, request_id;
  std::vector<std::string> items;
  OrderFlags order;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--user", user, "the buyer's user id")->required();
    cmd.add_option("--item,-i", items, "PRODUCT[:QTY], repeatable")->required();
    cmd.add_option("--request-id", request_id, "idempotency key");
    order.add_to(cmd);
  }
  PlaceOrder request() const {
    PlaceOrder r = order.request();
    r.user_id = user;
    r.items = parse_items(items);
    r.request_id = request_id;
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
  group->alias("orders");
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
    cmd->alias("show");
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
  {
    struct Args {
      std::string id, reason, request_id;
      Money amount = 0;
      GatewayArgs gateway;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "refund", "give back part of a paid order's payment through the gateway (never more "
                  "than was paid in total); lists the order's refunds");
    cmd->add_option("order", args->id, "the order id")->required();
    cmd->add_option("--amount", args->amount, "minor units to give back (> 0)")->required();
    cmd->add_option("--reason", args->reason, "why (kept on the refund)");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      auto opened = open_store_with_gateway(globals, args->gateway);
      OrderBook& orders = opened.store->orders();
      orders.refund(args->id, args->amount, args->reason, args->request_id);
      print_refunds(Printer(globals), orders.refunds(args->id));
    });
  }
  {
    struct Args {
      std::string id, reason, request_id;
      std::vector<std::string> items;
      GatewayArgs gateway;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "cancel-items",
        "cancel some units of a confirmed order that have not shipped: restock them and give "
        "back their share (money through the gateway, points as points; docs/returns.md)");
    cmd->add_option("order", args->id, "the order id")->required();
    cmd->add_option("--item,-i", args->items, "PRODUCT[:QTY] of the order's lines, repeatable")
        ->required();
    cmd->add_option("--reason", args->reason, "why (kept on the refund)");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    args->gateway.add_to(*cmd);
    cmd->callback([&globals, args] {
      const auto items = parse_items(args->items);
      auto opened = open_store_with_gateway(globals, args->gateway);
      print_items_cancelled(Printer(globals), opened.store->orders().cancel_items(
                                                  args->id, items, args->reason,
                                                  args->request_id));
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
  {
    struct Args {
      std::string id;
      double older_than_days = -1;
      int batch = kDefaultPageSize;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "erase-personal-data",
        "erase the shipping address of finished orders (delivered, cancelled, failed): those "
        "last changed more than --older-than-days ago, or the one --order (a data subject's "
        "request); amounts and states are kept");
    auto* one = cmd->add_option("--order", args->id, "erase this order's address now");
    auto* old = cmd->add_option("--older-than-days", args->older_than_days,
                                "erase the orders finished more than this many days ago");
    one->excludes(old);
    cmd->add_option("--batch", args->batch, "orders per unit of work (1..500)");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      if (!args->id.empty()) {
        return print_order(Printer(globals), store->orders().erase_personal_data(args->id));
      }
      constexpr double kDay = 24.0 * 3600 * 1000;
      if (!(args->older_than_days >= 0) || args->older_than_days * kDay > 1e15) {
        throw Error::invalid_argument("--older-than-days",
                                      "give --order ID or --older-than-days N (N >= 0)");
      }
      const Timestamp before =
          store->clock().now() - static_cast<std::int64_t>(args->older_than_days * kDay);
      std::int64_t erased = 0;
      for (;;) {
        const int n = store->orders().erase_personal_data_before(before, args->batch);
        erased += n;
        if (n < args->batch) break;
      }
      Printer out(globals);
      out.emit(json{{"erased", erased}, {"before", before}});
      if (out.json_mode()) return;
      std::cout << "erased the shipping address of " << erased << " orders finished before "
                << format_time(before) << '\n';
    });
  }
}

}  // namespace commerce::cli
