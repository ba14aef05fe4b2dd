// commerce product: create/update/remove/get/list products, their variants, and categories.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

namespace {

// "colour=red size=M".
std::string options_line(const OptionValues& options) {
  std::string out;
  for (const auto& [axis, value] : options) {
    out += (out.empty() ? "" : " ") + axis + "=" + value;
  }
  return out;
}

// "axis=value" arguments (--option): axis -> value. Throws InvalidArgument naming `field`.
OptionValues parse_options(const std::vector<std::string>& args, const std::string& field) {
  OptionValues out;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || !out.emplace(arg.substr(0, eq), arg.substr(eq + 1)).second) {
      throw Error::invalid_argument(field, fmt::format("'{}' is not a new axis=value", arg));
    }
  }
  return out;
}

// "size=S,M,L" arguments (--axis), in order. Throws InvalidArgument naming "axes".
std::vector<OptionAxis> parse_axes(const std::vector<std::string>& args) {
  std::vector<OptionAxis> out;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos) {
      throw Error::invalid_argument("axes", fmt::format("'{}' is not axis=value,value...", arg));
    }
    OptionAxis axis{arg.substr(0, eq), {}};
    std::string rest = arg.substr(eq + 1);
    for (std::size_t at = 0;;) {
      const auto comma = rest.find(',', at);
      axis.values.push_back(rest.substr(at, comma - at));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
    out.push_back(std::move(axis));
  }
  return out;
}

void print_product(const Printer& out, const Product& p) {
  out.emit(to_json(p));
  if (out.json_mode()) return;
  std::vector<std::pair<std::string, std::string>> rows = {
      {"id", p.id},
      {"name", p.name},
      {"description", p.description},
      {"price", std::to_string(p.price)},
      {"category", p.category},
      {"brand", p.brand},
      {"status", std::string(to_string(p.status))},
      {"attributes", p.attributes}};
  if (!p.parent_id.empty()) {
    rows.emplace_back("parent", p.parent_id);
    rows.emplace_back("options", options_line(p.options));
  }
  if (!p.axes.empty()) rows.emplace_back("axes", axes_json(p.axes).dump());
  rows.emplace_back("created", format_time(p.created_at));
  rows.emplace_back("updated", format_time(p.updated_at));
  Printer::fields(rows);
}

struct CreateArgs {
  NewProduct product;
  std::string status = "active";
  std::vector<std::string> axes;
  std::string request_id;
};

struct VariantArgs {
  std::string parent_id;
  NewVariant variant;
  std::vector<std::string> options;
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
  std::string category, brand, status, text, cursor, parent_id, order = "id";
  std::vector<std::string> options;
  bool top_level = false;
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
    cmd->add_option("--axis", args->axes,
                    "an option axis and its values, e.g. size=S,M,L (repeatable, in order): the "
                    "product is then sold through its variants (add-variant)");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      NewProduct p = args->product;
      p.status = parse_product_status(args->status);
      p.axes = parse_axes(args->axes);
      auto store = open_existing_store(globals);
      print_product(Printer(globals), store->catalog().create(p, args->request_id));
    });
  }
  {
    auto args = std::make_shared<VariantArgs>();
    auto* cmd = group->add_subcommand(
        "add-variant", "add a variant (a product of its own) to a product with option axes");
    cmd->add_option("parent", args->parent_id, "the product with axes")->required();
    cmd->add_option("id", args->variant.id, "the variant's id (its SKU)")->required();
    cmd->add_option("--option", args->options, "axis=value, one for each axis of the parent")
        ->required();
    cmd->add_option("--price", args->variant.price, "price in minor units")->required();
    cmd->add_option("--name", args->variant.name,
                    "display name (default: the parent's name and the values)");
    cmd->add_option("--status", args->status, "active or inactive");
    cmd->add_option("--stock", args->variant.initial_stock, "units on hand at creation");
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      NewVariant v = args->variant;
      v.options = parse_options(args->options, "options");
      v.status = parse_product_status(args->status);
      auto store = open_existing_store(globals);
      print_product(Printer(globals),
                    store->catalog().add_variant(args->parent_id, v, args->request_id));
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto* cmd = group->add_subcommand(
        "variants", "a product's page: its variants with the units available now");
    cmd->add_option("id", *id, "the product id")->required();
    cmd->callback([&globals, id] {
      auto store = open_existing_store(globals);
      const auto variants = store->catalog().variants(*id);
      Printer out(globals);
      json items = json::array();
      std::vector<std::vector<std::string>> rows;
      for (const auto& entry : variants) {
        const auto& [variant, available] = entry;
        items.push_back(to_json(entry));
        rows.push_back({variant.id, options_line(variant.options), std::to_string(variant.price),
                        std::string(to_string(variant.status)), std::to_string(available)});
      }
      out.emit(json{{"items", items}});
      if (!out.json_mode()) Printer::table({"ID", "OPTIONS", "PRICE", "STATUS", "AVAILABLE"}, rows);
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
    cmd->add_option("--option", args->options,
                    "axis=value: variants with this value (repeatable: all on one variant)");
    auto* parent = cmd->add_option("--parent", args->parent_id, "only this product's variants");
    cmd->add_flag("--top-level", args->top_level, "only top-level products (no variants)")
        ->excludes(parent);
    cmd->add_option("--order", args->order,
                    "id (default) or relevance (best match of --query first; needs 3+ characters)");
    cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
    cmd->add_option("--limit", args->limit, "page size");
    cmd->callback([&globals, args, category, brand, min_price, max_price, status, parent] {
      ProductFilter filter;
      if (category->count()) filter.category = args->category;
      if (brand->count()) filter.brand = args->brand;
      if (min_price->count()) filter.min_price = args->min_price;
      if (max_price->count()) filter.max_price = args->max_price;
      if (status->count()) filter.status = parse_product_status(args->status);
      filter.text = args->text;
      filter.options = parse_options(args->options, "options");
      if (parent->count()) filter.parent_id = args->parent_id;
      if (args->top_level) filter.parent_id = "";
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
      out.emit(to_json(c));
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
        items.push_back(to_json(c));
        rows.push_back({c.id, c.name});
      }
      out.emit(json{{"items", items}});
      if (!out.json_mode()) Printer::table({"ID", "NAME"}, rows);
    });
  }
}

}  // namespace commerce::cli
