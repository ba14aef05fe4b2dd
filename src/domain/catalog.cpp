#include "commerce/catalog.h"

#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/locations.h"
#include "context.h"
#include "core/utf8.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "option_checks.h"
#include "pagination.h"
#include "pricing/price_pipeline.h"
#include "relevance_cursor.h"
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
  detail::pricing_attributes("attributes", p.attributes);  // "tax_class", "weight_g"
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

// A variant's events name its parent and options; a top-level product's carry neither, as
// before variants existed.
void add_variant_fields(json& payload, const Product& product) {
  if (product.parent_id.empty()) return;
  payload["parent_id"] = product.parent_id;
  payload["options"] = product.options;
}

// The request's fingerprint of a new product: without the variant fields a top-level product
// without axes leaves empty, so a request recorded before variants existed keeps its fingerprint.
json fingerprint_of(const Product& product) {
  json j = product;
  for (const char* key : {"parent_id", "options", "axes"}) {
    if (j[key].empty() || j[key] == "") j.erase(key);
  }
  return j;
}

// Inserts the new product (a variant: its option values too), its stock row with
// `initial_stock` on hand, and their events. Throws FailedPrecondition naming the id if it
// exists, naming "options" if the variant's parent has a variant with its options.
Product insert_new_product(Command& cmd, Product row, std::int64_t initial_stock) {
  Transaction& tx = cmd.tx;
  row.created_at = row.updated_at = cmd.now;
  if (!tx.insert_product(row)) {
    if (row.parent_id.empty() || tx.find_product(row.id)) {
      throw Error::failed_precondition(Reason::kNone, row.id,
                                       fmt::format("product '{}' already exists", row.id));
    }
    throw Error::failed_precondition(
        Reason::kNone, "options",
        fmt::format("product '{}' already has a variant with these options", row.parent_id));
  }
  if (!row.options.empty()) tx.insert_option_values(row.id, row.options);
  tx.insert_stock(row.id, kDefaultLocation);
  json created = {{"product_id", row.id}, {"price", row.price}, {"status", row.status}};
  add_variant_fields(created, row);
  detail::emit(cmd, "ProductCreated", row.id, created);
  if (initial_stock > 0) {
    detail::adjust_stock(cmd, row.id, kDefaultLocation, initial_stock, "initial");
  }
  return row;
}

// Marks the product deleted, with its event.
void mark_deleted(Command& cmd, Product& product) {
  product.status = ProductStatus::kDeleted;
  product.updated_at = cmd.now;
  cmd.tx.update_product(product);
  detail::emit(cmd, "ProductDeleted", product.id, {{"product_id", product.id}});
}

// A page of Catalog::list in relevance order.
Page<Product> ranked_page(const detail::Context& ctx, const ProductFilter& filter,
                          const std::string& cursor, int limit) {
  if (!detail::has_trigram(filter.text)) {
    throw Error::invalid_argument("order", "relevance needs a text of 3 or more characters");
  }
  const RankPosition after = detail::decode_relevance_cursor(cursor, filter.text);
  auto rows = run_unit(ctx.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.rank_products(filter, after, limit + 1);
  });
  Page<Product> page;
  const bool more = static_cast<int>(rows.size()) > limit;
  if (more) rows.resize(limit);
  for (auto& row : rows) page.items.push_back(std::move(row.product));
  if (more) {
    page.next_cursor = detail::encode_relevance_cursor(
        {rows.back().score, page.items.back().id}, filter.text);
  }
  return page;
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
                  .attributes = spec.attributes,
                  .axes = spec.axes};
  check_product_fields(product);
  if (spec.status == ProductStatus::kDeleted) {
    throw Error::invalid_argument("status", "a new product cannot be deleted");
  }
  detail::check_stock_count("initial_stock", spec.initial_stock);
  detail::check_option_axes(spec.axes);
  const json call = {{"op", "catalog.create"},
                     {"product", fingerprint_of(product)},
                     {"initial_stock", spec.initial_stock}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      require_category(cmd, product.category);
      return insert_new_product(cmd, product, spec.initial_stock);
    });
  });
}

Product Catalog::add_variant(const std::string& parent_id, const NewVariant& spec,
                             const std::string& request_id) {
  detail::check_id("parent_id", parent_id);
  detail::check_id("id", spec.id);
  detail::check_option_filter(spec.options);
  detail::check_not_negative("price", spec.price);
  if (spec.status == ProductStatus::kDeleted) {
    throw Error::invalid_argument("status", "a new variant cannot be deleted");
  }
  detail::check_stock_count("initial_stock", spec.initial_stock);
  if (!spec.name.empty()) detail::check_text("name", spec.name, detail::kMaxNameBytes, true);
  const json call = {{"op", "catalog.add_variant"},
                     {"parent_id", parent_id},
                     {"id", spec.id},
                     {"options", spec.options},
                     {"price", spec.price},
                     {"status", spec.status},
                     {"initial_stock", spec.initial_stock},
                     {"name", spec.name}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      // Locked: a concurrent remove() of the parent either sees this variant or refuses it.
      const Product parent = find_live_product(cmd, parent_id);
      if (parent.status == ProductStatus::kDeleted) {
        throw Error::failed_precondition(Reason::kIllegalTransition, parent_id,
                                         fmt::format("product '{}' is deleted", parent_id));
      }
      if (parent.axes.empty()) {
        throw Error::failed_precondition(
            Reason::kNone, parent_id,
            fmt::format("product '{}' has no option axes to have variants on", parent_id));
      }
      detail::check_variant_options(parent.axes, spec.options);
      Product variant{.id = spec.id,
                      .name = spec.name.empty() ? detail::variant_name(parent, spec.options)
                                                : spec.name,
                      .description = parent.description,
                      .price = spec.price,
                      .category = parent.category,
                      .brand = parent.brand,
                      .status = spec.status,
                      .attributes = parent.attributes,
                      .parent_id = parent_id,
                      .options = spec.options};
      check_product_fields(variant);
      return insert_new_product(cmd, std::move(variant), spec.initial_stock);
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
      add_variant_fields(payload, product);
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
      mark_deleted(cmd, product);
      if (!product.axes.empty()) {
        for (Product& variant : tx.find_variants(id)) {
          if (variant.status != ProductStatus::kDeleted) mark_deleted(cmd, variant);
        }
      }
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

std::vector<VariantAvailability> Catalog::variants(const std::string& product_id) const {
  detail::check_id("product_id", product_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto product = tx.find_product(product_id);
    if (!product) throw Error::not_found("product", product_id);
    if (!product->axes.empty()) return tx.find_variants_available(product_id);
    const auto level = tx.find_stock(product_id);
    return std::vector<VariantAvailability>{{std::move(*product), level ? level->available : 0}};
  });
}

Page<Product> Catalog::list(const ProductFilter& filter, const std::string& cursor,
                            int limit) const {
  detail::check_limit(limit);
  if (filter.category) detail::check_id("category", *filter.category);
  if (filter.brand) detail::check_text("brand", *filter.brand, detail::kMaxNameBytes, false);
  if (filter.min_price) detail::check_not_negative("min_price", *filter.min_price);
  if (filter.max_price) detail::check_not_negative("max_price", *filter.max_price);
  detail::check_text("text", filter.text, detail::kMaxNameBytes, false);
  detail::check_option_filter(filter.options);
  if (filter.parent_id && !filter.parent_id->empty()) {
    detail::check_id("parent_id", *filter.parent_id);
  }
  if (filter.order == ProductOrder::kRelevance) return ranked_page(ctx_, filter, cursor, limit);
  if (filter.order != ProductOrder::kId) throw Error::invalid_argument("order", "unknown order");
  const std::string after = detail::decode_cursor(cursor);
  if (detail::is_relevance_key(after)) {
    throw Error::invalid_argument("cursor", "is a relevance cursor; this listing is by id");
  }
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
