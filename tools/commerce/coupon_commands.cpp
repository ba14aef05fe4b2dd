// commerce coupon: coupon templates, issued coupons, quotes and revocation.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

void print_template(const Printer& out, const CouponTemplate& t) {
  out.emit(to_json(t));
  if (out.json_mode()) return;
  Printer::fields({{"template", t.id},
                   {"code", t.code},
                   {"name", t.name},
                   {"kind", std::string(to_string(t.kind))},
                   {"value", std::to_string(t.value)},
                   {"max discount", t.max_discount ? std::to_string(t.max_discount) : "-"},
                   {"min order", std::to_string(t.min_order_amount)},
                   {"valid", format_time(t.valid_from) + " .. " + format_time(t.valid_until)},
                   {"issued", fmt::format("{} of {} ({} per user)", t.issued_count, t.total_limit,
                                          t.per_user_limit)}});
}

std::vector<std::string> coupon_row(const Coupon& c) {
  return {c.id,
          c.code,
          c.user_id,
          std::string(to_string(c.status)),
          c.order_id.empty() ? "-" : c.order_id,
          format_time(c.valid_until)};
}

const std::vector<std::string> kCouponHeaders = {"COUPON", "CODE",  "USER",
                                                 "STATUS", "ORDER", "VALID UNTIL"};

void print_coupon(const Printer& out, const Coupon& c) {
  out.emit(to_json(c));
  if (!out.json_mode()) Printer::table(kCouponHeaders, {coupon_row(c)});
}

}  // namespace

void add_coupon_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("coupon", "coupon templates and issued coupons");
  group->require_subcommand(1);
  {
    struct Args {
      NewCouponTemplate spec;
      std::string kind = "fixed", valid_from, valid_until, request_id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("create-template", "define a coupon that can be issued");
    cmd->add_option("code", args->spec.code, "the template code, e.g. WELCOME10")->required();
    cmd->add_option("--name", args->spec.name, "display name");
    cmd->add_option("--kind", args->kind, "fixed (minor units off) or percent");
    cmd->add_option("--value", args->spec.value, "amount off, or percent for --kind percent")
        ->required();
    cmd->add_option("--max-discount", args->spec.max_discount, "cap of a percent coupon (0: none)");
    cmd->add_option("--min-order", args->spec.min_order_amount, "minimum order subtotal");
    cmd->add_option("--valid-from", args->valid_from, "start (YYYY-MM-DD[THH:MM:SSZ] or ms)")
        ->required();
    cmd->add_option("--valid-until", args->valid_until, "end (YYYY-MM-DD[THH:MM:SSZ] or ms)")
        ->required();
    cmd->add_option("--total-limit", args->spec.total_limit, "coupons that may ever be issued")
        ->required();
    cmd->add_option("--per-user-limit", args->spec.per_user_limit, "coupons one user may hold");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      NewCouponTemplate spec = args->spec;
      spec.kind = parse_coupon_kind(args->kind);
      spec.valid_from = parse_time(args->valid_from, "--valid-from");
      spec.valid_until = parse_time(args->valid_until, "--valid-until");
      auto store = open_existing_store(globals);
      print_template(Printer(globals), store->coupons().create_template(spec, args->request_id));
    });
  }
  {
    auto code = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("template", "show a coupon template by code");
    cmd->add_option("code", *code, "the template code")->required();
    cmd->callback([&globals, code] {
      auto store = open_existing_store(globals);
      print_template(Printer(globals), store->coupons().get_template(*code));
    });
  }
  {
    struct Args {
      std::string code, user, request_id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("issue", "issue a coupon of a template to a user");
    cmd->add_option("code", args->code, "the template code")->required();
    cmd->add_option("--user", args->user, "the user who gets it")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_coupon(Printer(globals),
                   store->coupons().issue(args->code, args->user, args->request_id));
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("get", "show one issued coupon");
    cmd->add_option("coupon", *id, "the coupon id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals);
      print_coupon(Printer(globals), store->coupons().get(*id));
    });
  }
  {
    struct Args {
      std::string user, cursor;
      int limit = kDefaultPageSize;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("list", "a user's coupons, oldest first");
    cmd->add_option("--user", args->user, "the user id")->required();
    cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
    cmd->add_option("--limit", args->limit, "page size");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const auto page = store->coupons().list_for_user(args->user, args->cursor, args->limit);
      Printer out(globals);
      out.emit(page_json(page));
      if (out.json_mode()) return;
      std::vector<std::vector<std::string>> rows;
      for (const auto& c : page.items) rows.push_back(coupon_row(c));
      Printer::table(kCouponHeaders, rows);
      if (!page.next_cursor.empty()) std::cout << "more: --cursor " << page.next_cursor << '\n';
    });
  }
  {
    struct Args {
      std::string id, request_id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand("revoke", "revoke an available coupon");
    cmd->add_option("coupon", args->id, "the coupon id")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_coupon(Printer(globals), store->coupons().revoke(args->id, args->request_id));
    });
  }
  {
    struct Args {
      std::string id, user;
      Money subtotal = 0;
    };
    auto args = std::make_shared<Args>();
    auto* cmd =
        group->add_subcommand("quote", "the discount a coupon would give, without using it");
    cmd->add_option("coupon", args->id, "the coupon id")->required();
    cmd->add_option("--user", args->user, "the user who would use it")->required();
    cmd->add_option("--subtotal", args->subtotal, "the order subtotal")->required();
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      const Money discount = store->coupons().quote(args->id, args->user, args->subtotal);
      Printer out(globals);
      out.emit(json{{"coupon_id", args->id}, {"subtotal", args->subtotal}, {"discount", discount}});
      if (!out.json_mode()) {
        std::cout << fmt::format("coupon {} takes {} off {}\n", args->id, discount, args->subtotal);
      }
    });
  }
}

}  // namespace commerce::cli
