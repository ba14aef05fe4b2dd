// Products: POST /products, GET /products, GET /products/{id}, PATCH /products/{id},
// DELETE /products/{id}, POST|GET /products/{id}/variants, POST|GET /categories
// (commerce/catalog.h).
#include "cli.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

namespace {

std::optional<ProductStatus> status_field(JsonFields& fields) {
  const auto text = fields.text("status");
  if (!text) return std::nullopt;
  try {
    return parse_product_status(*text);
  } catch (const Error&) {
    throw Error::invalid_argument(fields.prefix() + "status", "must be active or inactive");
  }
}

std::vector<OptionAxis> axes_field(JsonFields& fields) {
  std::vector<OptionAxis> axes;
  const auto list = fields.array("axes");
  if (!list) return axes;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string name = "axes[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) throw Error::invalid_argument(name, "must be an object");
    JsonFields axis((*list)[i], name + ".");
    OptionAxis out{.name = axis.required_text("name"), .values = {}};
    const auto values = axis.array("values");
    for (std::size_t v = 0; values && v < values->size(); ++v) {
      if (!(*values)[v].is_string()) {
        throw Error::invalid_argument(name + ".values[" + std::to_string(v) + "]",
                                      "must be a string");
      }
      out.values.push_back((*values)[v].get<std::string>());
    }
    axis.finish();
    axes.push_back(std::move(out));
  }
  return axes;
}

std::optional<std::string> attributes_field(JsonFields& fields) {
  const auto attributes = fields.object("attributes");
  if (!attributes) return std::nullopt;
  return attributes->dump();
}

}  // namespace

void add_catalog_routes(Router& router, Store& store) {
  router.add({"POST", "/products", Access::kAdmin, 201,
              "Catalog::create: a new product (201, Location)",
              "NewProduct", "Product"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    NewProduct product{.id = fields.required_text("id"), .name = fields.required_text("name")};
    product.description = fields.text("description").value_or("");
    product.price = fields.integer("price").value_or(0);
    product.category = fields.text("category").value_or("");
    product.brand = fields.text("brand").value_or("");
    product.status = status_field(fields).value_or(ProductStatus::kActive);
    product.attributes = attributes_field(fields).value_or("{}");
    product.initial_stock = fields.integer("initial_stock").value_or(0);
    product.axes = axes_field(fields);
    fields.finish();
    HttpResponse out = json_response(
        201, cli::to_json(store.catalog().create(product, call.idempotency_key())).dump());
    out.headers["Location"] = "/products/" + product.id;
    return out;
  });
  router.add({"GET", "/products", Access::kStorefront, 200,
              "Catalog::list: a page of products (category, brand, text, min_price, max_price, "
              "status, parent_id, option=axis:value, order, cursor, limit)", "", "ProductPage",
              {{"category"}, {"brand"}, {"text"}, {"min_price", true}, {"max_price", true},
               {"status"}, {"parent_id"}, {"option"}, {"order"}}}, [&store](const Call& call) {
    ProductFilter filter;
    const HttpRequest& r = call.request;
    if (!r.query_value("category").empty()) filter.category = r.query_value("category");
    if (!r.query_value("brand").empty()) filter.brand = r.query_value("brand");
    filter.text = r.query_value("text");
    filter.min_price = call.query_integer("min_price");
    filter.max_price = call.query_integer("max_price");
    if (!r.query_value("status").empty()) {
      filter.status = parse_product_status(r.query_value("status"));
    }
    if (r.query.count("parent_id") != 0) filter.parent_id = r.query_value("parent_id");
    const auto [first, last] = r.query.equal_range("option");
    for (auto it = first; it != last; ++it) {
      const std::size_t colon = it->second.find(':');
      if (colon == std::string::npos) throw Error::invalid_argument("option", "must be axis:value");
      filter.options[it->second.substr(0, colon)] = it->second.substr(colon + 1);
    }
    if (!r.query_value("order").empty()) filter.order = parse_product_order(r.query_value("order"));
    return json_response(
        200, cli::page_json(store.catalog().list(filter, call.cursor(), call.limit())).dump());
  });
  router.add({"GET", "/products/{id}", Access::kStorefront, 200,
              "Catalog::get", "", "Product"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(store.catalog().get(call.param("id"))).dump());
  });
  router.add({"PATCH", "/products/{id}", Access::kAdmin, 200,
              "Catalog::update: the fields given",
              "ProductChanges", "Product"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    ProductChanges changes;
    changes.name = fields.text("name");
    changes.description = fields.text("description");
    changes.price = fields.integer("price");
    changes.category = fields.text("category");
    changes.brand = fields.text("brand");
    changes.status = status_field(fields);
    changes.attributes = attributes_field(fields);
    fields.finish();
    return json_response(
        200, cli::to_json(store.catalog().update(call.param("id"), changes,
                                                 call.idempotency_key()))
                 .dump());
  });
  router.add({"DELETE", "/products/{id}", Access::kAdmin, 200,
              "Catalog::remove: soft delete", "", "Product"}, [&store](const Call& call) {
    return json_response(
        200, cli::to_json(store.catalog().remove(call.param("id"), call.idempotency_key()))
                 .dump());
  });
  router.add({"POST", "/products/{id}/variants", Access::kAdmin, 201,
              "Catalog::add_variant: a variant of a product with option axes (201, Location)",
              "NewVariant", "Product"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               NewVariant variant{.id = fields.required_text("id")};
               const auto options = fields.object("options");
               if (!options) throw Error::invalid_argument("options", "is required");
               for (const auto& [axis, value] : options->items()) {
                 if (!value.is_string()) {
                   throw Error::invalid_argument("options." + axis, "must be a string");
                 }
                 variant.options[axis] = value.get<std::string>();
               }
               variant.price = fields.integer("price").value_or(0);
               variant.status = status_field(fields).value_or(ProductStatus::kActive);
               variant.initial_stock = fields.integer("initial_stock").value_or(0);
               variant.name = fields.text("name").value_or("");
               fields.finish();
               HttpResponse out = json_response(
                   201, cli::to_json(store.catalog().add_variant(call.param("id"), variant,
                                                                 call.idempotency_key()))
                            .dump());
               out.headers["Location"] = "/products/" + variant.id;
               return out;
             });
  router.add({"GET", "/products/{id}/variants", Access::kStorefront, 200,
              "Catalog::variants: the product's variants with the units available now", "",
              "VariantAvailabilityList"},
             [&store](const Call& call) {
               return json_response(
                   200, cli::list_json(store.catalog().variants(call.param("id"))).dump());
             });
  router.add({"POST", "/categories", Access::kAdmin, 201,
              "Catalog::add_category (idempotent for the same id and name)", "NewCategory",
              "Category"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string id = fields.required_text("id");
               const std::string name = fields.required_text("name");
               fields.finish();
               return json_response(201,
                                    cli::to_json(store.catalog().add_category(id, name)).dump());
             });
  router.add({"GET", "/categories", Access::kStorefront, 200, "Catalog::categories", "",
              "CategoryList"},
             [&store](const Call&) {
               return json_response(200, cli::list_json(store.catalog().categories()).dump());
             });
}

}  // namespace commerce::service
