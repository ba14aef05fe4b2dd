// What `order` and `cart` commands share about orders: the flags of an order's other fields
// (besides its lines) and the printing of an order and of a quote.
#include <fmt/format.h>

#include "cli.h"

namespace commerce::cli {

void OrderFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--coupon", coupon, "an issued coupon id");
  cmd.add_flag("--coupon-required", coupon_required,
               "fail the order if the coupon cannot be used (default: skip it)");
  cmd.add_option("--points", points, "points to spend");
  cmd.add_option("--method", method, "payment method passed to the gateway");
  cmd.add_option("--region", region, "the order's region (for the allocation strategy)");
  cmd.add_option("--shipping", shipping,
                 "the id of a shipping option (given with --shipping-option)");
  cmd.add_option("--expect-total", expected_total,
                 "the total the buyer was shown (a quote's): refuse the order if it costs "
                 "another amount now");
  ship_to.add_to(cmd);
}

PlaceOrder OrderFlags::request() const {
  PlaceOrder r;
  r.coupon_id = coupon;
  r.coupon_required = coupon_required;
  r.points_to_use = points;
  r.payment_method = method;
  r.region = region;
  r.shipping_option = shipping;
  r.expected_total = expected_total;
  r.shipping_address = ship_to.address();
  return r;
}

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

}  // namespace

void print_order(const Printer& out, const Order& o, const std::vector<OrderAudit>* audit) {
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
  if (o.shipping_address) {
    fields.emplace_back("ship to", address_text(*o.shipping_address));
  } else if (o.personal_data_erased_at != 0) {
    fields.emplace_back("ship to", "erased at " + format_time(o.personal_data_erased_at));
  }
  fields.emplace_back("created", format_time(o.created_at));
  Printer::fields(fields);
  std::vector<std::vector<std::string>> units;
  for (const auto& i : o.items) {
    units.push_back({std::to_string(i.backordered), std::to_string(i.shipped),
                     std::to_string(i.delivered), std::to_string(i.cancelled),
                     std::to_string(i.returned)});
  }
  print_lines(o.items, {"BACKORDERED", "SHIPPED", "DELIVERED", "CANCELLED", "RETURNED"}, units);
  if (audit) {
    std::vector<std::vector<std::string>> history;
    for (const auto& a : *audit) {
      history.push_back({format_time(a.at), a.from ? std::string(to_string(*a.from)) : "-",
                         std::string(to_string(a.to)), a.reason});
    }
    Printer::table({"AT", "FROM", "TO", "REASON"}, history);
  }
}

json to_json(const Refund& r) {
  return json{{"id", r.id},
              {"order_id", r.order_id},
              {"payment_id", r.payment_id},
              {"amount", r.amount},
              {"status", to_string(r.status)},
              {"reason", r.reason},
              {"reference", r.reference},
              {"message", r.message},
              {"request_id", r.request_id},
              {"created_at", r.created_at},
              {"updated_at", r.updated_at}};
}

void print_refunds(const Printer& out, const std::vector<Refund>& refunds) {
  json doc = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : refunds) {
    doc.push_back(to_json(r));
    rows.push_back({r.id, std::string(to_string(r.status)), std::to_string(r.amount), r.reason,
                    r.message});
  }
  out.emit(doc);
  if (out.json_mode()) return;
  Printer::table({"REFUND", "STATUS", "AMOUNT", "REASON", "MESSAGE"}, rows);
}

json to_json(const GiveBack& g) {
  return json{{"value", g.value},
              {"money", g.money},
              {"points", g.points},
              {"refund_id", g.refund_id},
              {"coupon_restored", g.coupon_restored},
              {"shipping_refunded", g.shipping_refunded}};
}

std::string give_back_text(const GiveBack& g) {
  std::string text = fmt::format("{} worth: {} in money, {} in points", g.value, g.money, g.points);
  if (!g.refund_id.empty()) text += fmt::format(" (refund {})", g.refund_id);
  if (g.shipping_refunded) text += ", shipping fee included";
  if (g.coupon_restored) text += ", coupon restored";
  return text;
}

void print_items_cancelled(const Printer& out, const ItemsCancelled& c) {
  out.emit(json{{"order", to_json(c.order)}, {"given_back", to_json(c.given_back)}});
  if (out.json_mode()) return;
  print_order(out, c.order);  // for people only: not in JSON mode here
  Printer::fields({{"given back", give_back_text(c.given_back)}});
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

}  // namespace commerce::cli
