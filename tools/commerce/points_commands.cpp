// commerce points: user point balances and their ledger.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

void print_entry(const Printer& out, const PointsEntry& e) {
  out.emit(to_json(e));
  if (out.json_mode()) return;
  Printer::fields({{"entry", e.id},
                   {"user", e.user_id},
                   {"kind", std::string(to_string(e.kind))},
                   {"amount", std::to_string(e.amount)},
                   {"balance", std::to_string(e.balance_after)},
                   {"order", e.order_id.empty() ? "-" : e.order_id},
                   {"at", format_time(e.created_at)}});
}

}  // namespace

void add_points_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("points", "user point balances (a ledger per user)");
  group->require_subcommand(1);
  struct Args {
    std::string user, order, reason, request_id, cursor;
    Money amount = 0;
    int limit = kDefaultPageSize;
  };
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("charge", "add points to a user's balance");
    cmd->add_option("user", args->user, "the user id")->required();
    cmd->add_option("amount", args->amount, "points to add (> 0)")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_entry(Printer(globals),
                  store->points().charge(args->user, args->amount, args->request_id));
    });
  }
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("use", "spend a user's points for an order id");
    cmd->add_option("user", args->user, "the user id")->required();
    cmd->add_option("amount", args->amount, "points to take (> 0)")->required();
    cmd->add_option("--order", args->order, "the order id the points pay for")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_entry(Printer(globals), store->points().use(args->user, args->amount, args->order));
    });
  }
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("restore", "give back the points an order used");
    cmd->add_option("order", args->order, "the order id")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const auto entry = store->points().restore(args->order);
      Printer out(globals);
      if (entry) return print_entry(out, *entry);
      out.emit(json{{"restored", false}, {"order_id", args->order}});
      if (!out.json_mode()) std::cout << fmt::format("order {} used no points\n", args->order);
    });
  }
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("adjust", "administrative correction (+/-)");
    cmd->add_option("user", args->user, "the user id")->required();
    cmd->add_option("delta", args->amount, "points to add (negative: remove)")->required();
    cmd->add_option("--reason", args->reason, "why")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_entry(Printer(globals),
                  store->points().adjust(args->user, args->amount, args->reason, args->request_id));
    });
  }
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("balance", "show a user's balance");
    cmd->add_option("user", args->user, "the user id")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const Money balance = store->points().balance(args->user);
      Printer out(globals);
      out.emit(json{{"user_id", args->user}, {"balance", balance}});
      if (!out.json_mode()) std::cout << fmt::format("{}: {} points\n", args->user, balance);
    });
  }
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("history", "a user's ledger entries, newest first");
    cmd->add_option("user", args->user, "the user id")->required();
    cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
    cmd->add_option("--limit", args->limit, "page size");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const auto page = store->points().history(args->user, args->cursor, args->limit);
      Printer out(globals);
      out.emit(page_json(page));
      if (out.json_mode()) return;
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : page.items) {
        rows.push_back({format_time(e.created_at), std::string(to_string(e.kind)),
                        std::to_string(e.amount), std::to_string(e.balance_after),
                        e.order_id.empty() ? e.reason : e.order_id});
      }
      Printer::table({"AT", "KIND", "AMOUNT", "BALANCE", "ORDER/REASON"}, rows);
      if (!page.next_cursor.empty()) std::cout << "more: --cursor " << page.next_cursor << '\n';
    });
  }
}

}  // namespace commerce::cli
