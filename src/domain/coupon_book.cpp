#include <fmt/format.h>

#include "commerce/coupons.h"
#include "commerce/error.h"
#include "commerce/ids.h"
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

constexpr std::size_t kMaxCodeBytes = 64;

// The status as of `now`: an available coupon past its validity is expired.
Coupon as_of(Coupon coupon, Timestamp now) {
  if (coupon.status == CouponStatus::kAvailable && now >= coupon.valid_until) {
    coupon.status = CouponStatus::kExpired;
  }
  return coupon;
}

Coupon find_coupon(Command& cmd, const std::string& coupon_id) {
  auto coupon = cmd.tx.find_coupon(coupon_id);
  if (!coupon) throw Error::not_found("coupon", coupon_id);
  return as_of(*coupon, cmd.now);
}

Money discount_for(const CouponTemplate& tmpl, Money subtotal) {
  Money discount = tmpl.value;
  if (tmpl.kind == CouponKind::kPercent) {
    discount = checked_mul(subtotal, tmpl.value, "subtotal") / 100;
    if (tmpl.max_discount > 0) discount = std::min(discount, tmpl.max_discount);
  }
  return std::min(discount, subtotal);
}

std::string missing(const std::string& coupon_id) {
  return fmt::format("coupon '{}' does not exist", coupon_id);
}

// Why `coupon` cannot be used by `user_id` on `subtotal` now; empty if it can.
std::string refusal(const Coupon& coupon, const CouponTemplate& tmpl, const std::string& user_id,
                    Money subtotal, Timestamp now) {
  if (coupon.user_id != user_id) {
    return fmt::format("coupon '{}' belongs to another user", coupon.id);
  }
  if (coupon.status != CouponStatus::kAvailable) {
    return fmt::format("coupon '{}' is {}", coupon.id, to_string(coupon.status));
  }
  if (now < tmpl.valid_from) return fmt::format("coupon '{}' is not valid yet", coupon.id);
  if (subtotal < tmpl.min_order_amount) {
    return fmt::format("coupon '{}' needs an order of at least {}, got {}", coupon.id,
                       tmpl.min_order_amount, subtotal);
  }
  return {};
}

CouponTemplate template_of(Command& cmd, const Coupon& coupon) {
  auto tmpl = cmd.tx.find_coupon_template(coupon.template_id);
  if (!tmpl) throw Error::internal(fmt::format("coupon '{}' has no template", coupon.id));
  return *tmpl;
}

}  // namespace

namespace detail {

CouponApplication use_coupon(Command& cmd, const std::string& coupon_id,
                             const std::string& user_id, const std::string& order_id,
                             Money subtotal, bool required, const CouponRead* read) {
  auto skip = [&](const std::string& why) {
    if (required) throw Error::failed_precondition(Reason::kCouponInvalid, coupon_id, why);
    return CouponApplication{.applied = false, .coupon_id = coupon_id, .skipped_reason = why};
  };
  auto stored = read ? std::optional<Coupon>(read->coupon) : cmd.tx.find_coupon(coupon_id);
  if (!stored) return skip(missing(coupon_id));
  const CouponTemplate tmpl = read ? read->tmpl : template_of(cmd, *stored);
  if (stored->status == CouponStatus::kUsed && stored->order_id == order_id) {
    return {true, discount_for(tmpl, subtotal), coupon_id, {}};  // this order already holds it
  }
  const Coupon coupon = as_of(*stored, cmd.now);
  if (auto why = refusal(coupon, tmpl, user_id, subtotal, cmd.now); !why.empty()) return skip(why);
  if (!cmd.tx.try_set_coupon_status(coupon_id, CouponStatus::kAvailable, CouponStatus::kUsed,
                                    order_id, cmd.now)) {
    return skip(fmt::format("coupon '{}' was just used by another order", coupon_id));
  }
  const Money discount = discount_for(tmpl, subtotal);
  emit(cmd, "CouponUsed", coupon_id,
       JsonText()
           .add("coupon_id", coupon_id)
           .add("user_id", user_id)
           .add("order_id", order_id)
           .add("discount", discount));
  return {true, discount, coupon_id, {}};
}

CouponApplication preview_coupon(Command& cmd, const std::string& coupon_id,
                                 const std::string& user_id, Money subtotal,
                                 std::optional<CouponRead>& read) {
  auto stored = cmd.tx.find_coupon(coupon_id);
  if (!stored) return {false, 0, coupon_id, missing(coupon_id)};
  read = CouponRead{as_of(*stored, cmd.now), template_of(cmd, *stored)};
  if (auto why = refusal(read->coupon, read->tmpl, user_id, subtotal, cmd.now); !why.empty()) {
    return {false, 0, coupon_id, why};
  }
  return {true, discount_for(read->tmpl, subtotal), coupon_id, {}};
}

std::optional<Coupon> restore_coupon(Command& cmd, const std::string& order_id) {
  auto coupon = cmd.tx.find_coupon_used_by(order_id);
  if (!coupon) return std::nullopt;
  const CouponStatus to =
      cmd.now >= coupon->valid_until ? CouponStatus::kExpired : CouponStatus::kAvailable;
  if (!cmd.tx.try_set_coupon_status(coupon->id, CouponStatus::kUsed, to, {}, cmd.now)) {
    throw Error::internal(fmt::format("coupon '{}' changed while being restored", coupon->id));
  }
  coupon->status = to;
  coupon->order_id.clear();
  coupon->updated_at = cmd.now;
  emit(cmd, "CouponRestored", coupon->id,
       {{"coupon_id", coupon->id}, {"order_id", order_id}, {"status", to}});
  return coupon;
}

}  // namespace detail

CouponTemplate CouponBook::create_template(const NewCouponTemplate& spec,
                                           const std::string& request_id) {
  detail::check_id("code", spec.code);
  if (spec.code.size() > kMaxCodeBytes) {
    throw Error::invalid_argument("code", fmt::format("must be at most {} characters", kMaxCodeBytes));
  }
  detail::check_text("name", spec.name, detail::kMaxNameBytes, false);
  detail::check_positive("value", spec.value);
  if (spec.kind == CouponKind::kPercent && spec.value > 100) {
    throw Error::invalid_argument("value", "a percent coupon takes 1..100");
  }
  detail::check_not_negative("max_discount", spec.max_discount);
  detail::check_not_negative("min_order_amount", spec.min_order_amount);
  detail::check_not_negative("valid_from", spec.valid_from);
  if (spec.valid_until <= spec.valid_from) {
    throw Error::invalid_argument("valid_until", "must be after valid_from");
  }
  detail::check_positive("total_limit", spec.total_limit);
  detail::check_positive("per_user_limit", spec.per_user_limit);
  CouponTemplate tmpl{.code = spec.code,
                      .name = spec.name,
                      .kind = spec.kind,
                      .value = spec.value,
                      .max_discount = spec.max_discount,
                      .min_order_amount = spec.min_order_amount,
                      .valid_from = spec.valid_from,
                      .valid_until = spec.valid_until,
                      .total_limit = spec.total_limit,
                      .per_user_limit = spec.per_user_limit};
  json call = {{"op", "coupons.create_template"}, {"template", tmpl}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      CouponTemplate row = tmpl;
      row.id = new_id(cmd.now);
      row.created_at = cmd.now;
      if (!tx.insert_coupon_template(row)) {
        throw Error::failed_precondition(Reason::kNone, row.code,
                                         fmt::format("coupon code '{}' already exists", row.code));
      }
      detail::emit(cmd, "CouponTemplateCreated", row.id,
                   {{"template_id", row.id}, {"code", row.code}, {"total_limit", row.total_limit}});
      return row;
    });
  });
}

CouponTemplate CouponBook::get_template(const std::string& code) const {
  detail::check_id("code", code);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    auto tmpl = tx.find_coupon_template_by_code(code);
    if (!tmpl) throw Error::not_found("coupon template", code);
    return *tmpl;
  });
}

Coupon CouponBook::issue(const std::string& code, const std::string& user_id,
                         const std::string& request_id) {
  detail::check_id("code", code);
  detail::check_id("user_id", user_id);
  const json call = {{"op", "coupons.issue"}, {"code", code}, {"user_id", user_id}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      auto tmpl = tx.find_coupon_template_by_code(code);
      if (!tmpl) throw Error::not_found("coupon template", code);
      if (cmd.now < tmpl->valid_from || cmd.now >= tmpl->valid_until) {
        throw Error::failed_precondition(
            Reason::kCouponInvalid, code,
            fmt::format("coupon '{}' can only be issued while it is valid", code));
      }
      if (!tx.try_count_template_issue(tmpl->id)) {
        throw Error::failed_precondition(
            Reason::kLimitReached, code,
            fmt::format("coupon '{}' reached its issue limit of {}", code, tmpl->total_limit));
      }
      if (!tx.try_count_user_issue(tmpl->id, user_id, tmpl->per_user_limit)) {
        throw Error::failed_precondition(
            Reason::kLimitReached, user_id,
            fmt::format("user '{}' already holds {} coupon(s) '{}'", user_id,
                        tmpl->per_user_limit, code));
      }
      Coupon coupon{.id = new_id(cmd.now),
                    .template_id = tmpl->id,
                    .code = code,
                    .user_id = user_id,
                    .status = CouponStatus::kAvailable,
                    .valid_until = tmpl->valid_until,
                    .issued_at = cmd.now,
                    .updated_at = cmd.now};
      tx.insert_coupon(coupon);
      detail::emit(cmd, "CouponIssued", coupon.id,
                   {{"coupon_id", coupon.id}, {"code", code}, {"user_id", user_id}});
      return coupon;
    });
  });
}

Coupon CouponBook::get(const std::string& coupon_id) const {
  detail::check_id("coupon_id", coupon_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return find_coupon(cmd, coupon_id);
  });
}

Page<Coupon> CouponBook::list_for_user(const std::string& user_id, const std::string& cursor,
                                       int limit) const {
  detail::check_id("user_id", user_id);
  detail::check_limit(limit);
  const std::string after = detail::decode_cursor(cursor);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    const Timestamp now = ctx_.clock.now();
    auto page = detail::make_page(tx.list_coupons(user_id, after, limit + 1), limit);
    for (auto& coupon : page.items) coupon = as_of(coupon, now);
    return page;
  });
}

Coupon CouponBook::revoke(const std::string& coupon_id, const std::string& request_id) {
  detail::check_id("coupon_id", coupon_id);
  const json call = {{"op", "coupons.revoke"}, {"coupon_id", coupon_id}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      Coupon coupon = find_coupon(cmd, coupon_id);
      if (coupon.status == CouponStatus::kRevoked) return coupon;
      if (coupon.status != CouponStatus::kAvailable ||
          !tx.try_set_coupon_status(coupon_id, CouponStatus::kAvailable, CouponStatus::kRevoked,
                                    {}, cmd.now)) {
        throw Error::failed_precondition(
            Reason::kIllegalTransition, coupon_id,
            fmt::format("coupon '{}' is {} and cannot be revoked", coupon_id,
                        to_string(coupon.status)));
      }
      coupon.status = CouponStatus::kRevoked;
      coupon.updated_at = cmd.now;
      detail::emit(cmd, "CouponRevoked", coupon_id, {{"coupon_id", coupon_id}});
      return coupon;
    });
  });
}

Money CouponBook::quote(const std::string& coupon_id, const std::string& user_id,
                        Money subtotal) const {
  detail::check_id("coupon_id", coupon_id);
  detail::check_id("user_id", user_id);
  detail::check_not_negative("subtotal", subtotal);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    std::optional<detail::CouponRead> read;
    const CouponApplication preview =
        detail::preview_coupon(cmd, coupon_id, user_id, subtotal, read);
    if (!read) throw Error::not_found("coupon", coupon_id);
    if (!preview.applied) {
      throw Error::failed_precondition(Reason::kCouponInvalid, coupon_id, preview.skipped_reason);
    }
    return preview.discount;
  });
}

CouponApplication CouponBook::use(const std::string& coupon_id, const std::string& user_id,
                                  const std::string& order_id, Money subtotal, bool required) {
  detail::check_id("coupon_id", coupon_id);
  detail::check_id("user_id", user_id);
  detail::check_id("order_id", order_id);
  detail::check_not_negative("subtotal", subtotal);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::use_coupon(cmd, coupon_id, user_id, order_id, subtotal, required);
  });
}

std::optional<Coupon> CouponBook::restore(const std::string& order_id) {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return detail::restore_coupon(cmd, order_id);
  });
}

}  // namespace commerce
