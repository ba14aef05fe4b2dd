// commerce product: create/update/remove/get/list products, and categories.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

void print_product(const Printer& out, const Product& p) {
  out.emit(to_json(p));
  if (out.json_mode()) return;
  Printer::fields({{"id", p.id},
                   {"name", p.name},
                   {"description", p.description},
                   {"price", std::to_string(p.price)},
                   {"category", p.category},
                   {"brand", p.brand},
                   {"status", std::string(to_string(p.status))},
                   {"attributes", p.attributes},
                   {"created", format_time(p.created_at)},
                   {"updated", format_time(p.updated_at)}});
}

struct CreateArgs {
  NewProduct product;
  std::string status = "active";
  std::string request_id;
};

struct UpdateArgs {
  std::string id;
  std::string name, description, category, brand, status, attributes;
  Money price = 0;
  std::string request_id;
};

struct ListArgs {
  std::string category, brand, status, text, cursor, order = "id";
  Money min_price = 0, max_price = 0;
  int limit = kDefaultPageSize;
};

}  // namespace

void add_product_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("product", "manage the catalog");
  group->require_subcommand(1);

  {
    auto args = std::make_shared<CreateArgs>();
    auto* cmd = group->add_subcommand("create", "create a product (and its stock row)");
    cmd->add_option("id", args->product.id, "the product id (your SKU)")->required();
    cmd->add_option("--name", args->product.name, "display name")->required();
    cmd->add_option("--price", args->product.price, "price in minor units")->required();
    cmd->add_option("--description", args->product.description, "description");
    cmd->add_option("--category", args->product.category, "category id (see `product categories`)");
    cmd->add_option("--brand", args->product.brand, "brand");
    cmd->add_option("--status", args->status, "active or inactive");
    cmd->add_option("--attributes", args->product.attributes,
                    "a JSON object of free-form attributes");
    cmd->add_option("--stock", args->product.initial_stock, "units on hand at creation");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      NewProduct p = args->product;
      p.status = parse_product_status(args->status);
      print_product(Printer(globals), store->catalog().create(p, args->request_id));
    });
  }
  {
    auto args = std::make_shared<UpdateArgs>();
    auto* cmd = group->add_subcommand("update", "change the given fields of a product");
    cmd->add_option("id", args->id, "the product id")->required();
    auto* name = cmd->add_option("--name", args->name, "display name");
    auto* description = cmd->add_option("--description", args->description, "description");
    auto* price = cmd->add_option("--price", args->price, "price in minor units");
    auto* category = cmd->add_option("--category", args->category, "category id");
    auto* brand = cmd->add_option("--brand", args->brand, "brand");
    auto* status = cmd->add_option("--status", args->status, "active or inactive");
    auto* attributes = cmd->add_option("--attributes", args->attributes, "a JSON object");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args, name, description, price, category, brand, status, attributes] {
      ProductChanges changes;
      if (name->count()) changes.name = args->name;
      if (description->count()) changes.description = args->description;
      if (price->count()) changes.price = args->price;
      if (category->count()) changes.category = args->category;
      if (brand->count()) changes.brand = args->brand;
      if (status->count()) changes.status = parse_product_status(args->status);
      if (attributes->count()) changes.attributes = args->attributes;
      auto store = open_existing_store(globals);
      print_product(Printer(globals), store->catalog().update(args->id, changes, args->request_id));
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    auto* cmd =
        group->add_subcommand("remove", "soft-delete a product (it can no longer be ordered)");
    cmd->add_option("id", *id, "the product id")->required();
    cmd->add_option("--request-id", *request_id, "idempotency key");
    cmd->callback([&globals, id, request_id] {
      auto store = open_existing_store(globals);
      print_product(Printer(globals), store->catalog().remove(*id, *request_id));
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("get", "show one product");
    cmd->add_option("id", *id, "the product id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals);
      print_product(Printer(globals), store->catalog().get(*id));
    });
  }
  {
    auto args = std::make_shared<ListArgs>();
    auto* cmd = group->add_subcommand("list", "list products, one page at a time");
    auto* category = cmd->add_option("--category", args->category, "only this category");
    auto* brand = cmd->add_option("--brand", args->brand, "only this brand");
    auto* min_price = cmd->add_option("--min-price", args->min_price, "price at least");
    auto* max_price = cmd->add_option("--max-price", args->max_price, "price at most");
    auto* status = cmd->add_option("--status", args->status,
                                   "active, inactive or deleted (default: all but deleted)");
    cmd->add_option("--query,-q", args->text, "text in the name or description");
    cmd->add_option("--order", args->order,
                    "id (default) or relevance (best match of --query first; needs 3+ characters)");
    cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
    cmd->add_option("--limit", args->limit, "page size");
    cmd->callback([&globals, args, category, brand, min_price, max_price, status] {
      ProductFilter filter;
      if (category->count()) filter.category = args->category;
      if (brand->count()) filter.brand = args->brand;
      if (min_price->count()) filter.min_price = args->min_price;
      if (max_price->count()) filter.max_price = args->max_price;
      if (status->count()) filter.status = parse_product_status(args->status);
      filter.text = args->text;
      filter.order = parse_product_order(args->order);
      auto store = open_existing_store(globals);
      const auto page = store->catalog().list(filter, args->cursor, args->limit);
      Printer out(globals);
      out.emit(page_json(page));
      if (out.json_mode()) return;
      std::vector<std::vector<std::string>> rows;
      for (const auto& p : page.items) {
        rows.push_back({p.id, p.name, std::to_string(p.price), p.category, p.brand,
                        std::string(to_string(p.status))});
      }
      Printer::table({"ID", "NAME", "PRICE", "CATEGORY", "BRAND", "STATUS"}, rows);
      if (!page.next_cursor.empty()) {
        std::cout << fmt::format("more: --cursor {}\n", page.next_cursor);
      }
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand("add-category", "add a category (idempotent)");
    cmd->add_option("id", *id, "the category id")->required();
    cmd->add_option("--name", *name, "display name")->required();
    cmd->callback([&globals, id, name] {
      auto store = open_existing_store(globals);
      const auto c = store->catalog().add_category(*id, *name);
      Printer out(globals);
      out.emit(json{{"id", c.id}, {"name", c.name}});
      if (!out.json_mode()) std::cout << fmt::format("category {} ({})\n", c.id, c.name);
    });
  }
  {
    auto* cmd = group->add_subcommand("categories", "list the categories");
    cmd->callback([&globals] {
      auto store = open_existing_store(globals);
      const auto categories = store->catalog().categories();
      Printer out(globals);
      json items = json::array();
      std::vector<std::vector<std::string>> rows;
      for (const auto& c : categories) {
        items.push_back(json{{"id", c.id}, {"name", c.name}});
        rows.push_back({c.id, c.name});
      }
      out.emit(json{{"items", items}});
      if (!out.json_mode()) Printer::table({"ID", "NAME"}, rows);
    });
  }
}

}  // namespace commerce::cli
