#include "commerce/catalog.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/locations.h"
#include "context.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "pagination.h"
#include "validate.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace {

void check_product_fields(const Product& p) {
  detail::check_text("name", p.name, detail::kMaxNameBytes, true);
  detail::check_text("description", p.description, detail::kMaxTextBytes, false);
  detail::check_not_negative("price", p.price);
  if (!p.category.empty()) detail::check_id("category", p.category);
  detail::check_text("brand", p.brand, detail::kMaxNameBytes, false);
  detail::check_json_object("attributes", p.attributes);
}

void require_category(Command& cmd, const std::string& category) {
  if (!category.empty() && !cmd.tx.find_category(category)) {
    throw Error::not_found("category", category);
  }
}

json changes_json(const ProductChanges& c) {
  json j = json::object();
  if (c.name) j["name"] = *c.name;
  if (c.description) j["description"] = *c.description;
  if (c.price) j["price"] = *c.price;
  if (c.category) j["category"] = *c.category;
  if (c.brand) j["brand"] = *c.brand;
  if (c.status) j["status"] = *c.status;
  if (c.attributes) j["attributes"] = *c.attributes;
  return j;
}

Product find_live_product(Command& cmd, const std::string& id) {
  auto product = cmd.tx.find_product(id);
  if (!product) throw Error::not_found("product", id);
  return *product;
}

}  // namespace

Product Catalog::create(const NewProduct& spec, const std::string& request_id) {
  detail::check_id("id", spec.id);
  Product product{.id = spec.id,
                  .name = spec.name,
                  .description = spec.description,
                  .price = spec.price,
                  .category = spec.category,
                  .brand = spec.brand,
                  .status = spec.status,
                  .attributes = spec.attributes};
  check_product_fields(product);
  if (spec.status == ProductStatus::kDeleted) {
    throw Error::invalid_argument("status", "a new product cannot be deleted");
  }
  if (spec.initial_stock < 0 || spec.initial_stock > 1'000'000'000) {
    throw Error::invalid_argument("initial_stock", "must be 0..1000000000");
  }
  const json call = {{"op", "catalog.create"},
                     {"product", product},
                     {"initial_stock", spec.initial_stock}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      require_category(cmd, product.category);
      Product row = product;
      row.created_at = row.updated_at = cmd.now;
      if (!tx.insert_product(row)) {
        throw Error::failed_precondition(Reason::kNone, row.id,
                                         fmt::format("product '{}' already exists", row.id));
      }
      detail::emit(cmd, "ProductCreated", row.id,
                   {{"product_id", row.id}, {"price", row.price}, {"status", row.status}});
      tx.insert_stock(row.id, kDefaultLocation);
      if (spec.initial_stock > 0) {
        detail::adjust_stock(cmd, row.id, kDefaultLocation, spec.initial_stock, "initial");
      }
      return row;
    });
  });
}

Product Catalog::update(const std::string& id, const ProductChanges& changes,
                        const std::string& request_id) {
  detail::check_id("id", id);
  if (changes.status == ProductStatus::kDeleted) {
    throw Error::invalid_argument("status", "use remove() to delete a product");
  }
  const json call = {{"op", "catalog.update"}, {"id", id}, {"changes", changes_json(changes)}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      Product product = find_live_product(cmd, id);
      if (product.status == ProductStatus::kDeleted) {
        throw Error::failed_precondition(Reason::kIllegalTransition, id,
                                         fmt::format("product '{}' is deleted", id));
      }
      if (changes.name) product.name = *changes.name;
      if (changes.description) product.description = *changes.description;
      if (changes.price) product.price = *changes.price;
      if (changes.category) product.category = *changes.category;
      if (changes.brand) product.brand = *changes.brand;
      if (changes.status) product.status = *changes.status;
      if (changes.attributes) product.attributes = *changes.attributes;
      check_product_fields(product);
      if (changes.category) require_category(cmd, product.category);
      product.updated_at = cmd.now;
      tx.update_product(product);
      json payload = changes_json(changes);
      payload.erase("description");
      payload.erase("attributes");
      payload["product_id"] = id;
      detail::emit(cmd, "ProductUpdated", id, payload);
      return product;
    });
  });
}

Product Catalog::remove(const std::string& id, const std::string& request_id) {
  detail::check_id("id", id);
  const json call = {{"op", "catalog.remove"}, {"id", id}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      Product product = find_live_product(cmd, id);
      if (product.status == ProductStatus::kDeleted) return product;
      product.status = ProductStatus::kDeleted;
      product.updated_at = cmd.now;
      tx.update_product(product);
      detail::emit(cmd, "ProductDeleted", id, {{"product_id", id}});
      return product;
    });
  });
}

Product Catalog::get(const std::string& id) const {
  detail::check_id("id", id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto product = tx.find_product(id);
    if (!product) throw Error::not_found("product", id);
    return *product;
  });
}

Page<Product> Catalog::list(const ProductFilter& filter, const std::string& cursor,
                            int limit) const {
  detail::check_limit(limit);
  const std::string after = detail::decode_cursor(cursor);
  if (filter.category) detail::check_id("category", *filter.category);
  if (filter.brand) detail::check_text("brand", *filter.brand, detail::kMaxNameBytes, false);
  if (filter.min_price) detail::check_not_negative("min_price", *filter.min_price);
  if (filter.max_price) detail::check_not_negative("max_price", *filter.max_price);
  detail::check_text("text", filter.text, detail::kMaxNameBytes, false);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return detail::make_page(tx.list_products(filter, after, limit + 1), limit);
  });
}

Category Catalog::add_category(const std::string& id, const std::string& name) {
  detail::check_id("id", id);
  detail::check_text("name", name, detail::kMaxNameBytes, true);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Category category{id, name};
    if (!tx.insert_category(category)) {
      auto existing = tx.find_category(id);
      if (!existing || existing->name != name) {
        throw Error::failed_precondition(
            Reason::kNone, id, fmt::format("category '{}' exists with another name", id));
      }
    }
    return category;
  });
}

std::vector<Category> Catalog::categories() const {
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return tx.list_categories(); });
}

}  // namespace commerce
