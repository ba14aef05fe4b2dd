"""The core order flow through the Python client that openapi-generator made from the
service's /openapi.json (generate_client.sh): create products, charge points, place, cancel,
ship, deliver, refund. Run by test_generated_client.py with the venv's Python:

    generated_client_flow.py BASE_URL ADMIN_KEY STOREFRONT_KEY

It raises (and exits non-zero) on any unexpected answer; it prints the order ids it made."""
import json
import sys

import commerce_client
from commerce_client.exceptions import ApiException
from commerce_client.models import (LineItem, NewProduct, PaymentResult, PlaceOrder,
                                    PointsCharge, Reason, RefundRequest)


def api(base, key):
    config = commerce_client.Configuration(host=base, access_token=key)
    return commerce_client.DefaultApi(commerce_client.ApiClient(config))


def main(base, admin_key, shop_key):
    admin, shop = api(base, admin_key), api(base, shop_key)
    for pid, price in (("gen-mug", 12000), ("gen-cup", 3000)):
        product = admin.post_products(
            new_product=NewProduct(id=pid, name=pid, price=price, initial_stock=5))
        assert product.id == pid and product.price == price and product.status == "active"
    entry = admin.post_points_user_charge("lee", points_charge=PointsCharge(amount=5000),
                                          idempotency_key="gen-charge-1")
    assert entry.balance_after == 5000 and entry.kind == "charge", entry
    assert shop.get_points_user("lee", x_commerce_user="lee").balance == 5000

    def place(key, points=0):
        return shop.post_orders(
            place_order=PlaceOrder(user_id="lee", items=[LineItem(product_id="gen-mug", qty=1),
                                             LineItem(product_id="gen-cup", qty=2)],
                       points_to_use=points),
            idempotency_key=key, x_commerce_user="lee")

    first = place("gen-order-1", points=2000)
    assert first.status == "confirmed" and first.total == 12000 + 6000 - 2000, first
    assert place("gen-order-1", points=2000).id == first.id  # the same Idempotency-Key
    cancelled = shop.put_orders_id_cancel(first.id, reason=Reason(reason="changed my mind"),
                                          x_commerce_user="lee")
    assert cancelled.status == "cancelled", cancelled
    assert shop.get_points_user("lee", x_commerce_user="lee").balance == 5000
    assert shop.get_products_id_stock("gen-mug").available == 5

    second = place("gen-order-2")
    assert second.status == "confirmed", second
    assert admin.put_orders_id_ship(second.id).status == "shipped"
    delivered = admin.put_orders_id_deliver(second.id)
    assert delivered.status == "delivered" and delivered.shipping_address is None, delivered
    refund = admin.post_orders_id_refunds(
        second.id, refund_request=RefundRequest(amount=3000, reason="dent"),
        idempotency_key="gen-refund-1")
    assert refund.status == "approved" and refund.amount == 3000, refund
    assert [r.id for r in admin.get_orders_id_refunds(second.id).items] == [refund.id]
    page = shop.get_users_user_orders("lee", limit=1, x_commerce_user="lee")
    assert len(page.items) == 1 and page.next_cursor, page

    # A refusal is the client's ApiException carrying the problem+json body.
    try:
        admin.put_orders_id_payment(first.id, payment_result=PaymentResult(approved=False))
        raise AssertionError("a cancelled order took a payment result")
    except ApiException as error:
        problem = json.loads(error.body)
        assert error.status == 409 and problem["reason"] == "illegal_transition", problem
    try:
        shop.get_orders_id(second.id, x_commerce_user="someone-else")
        raise AssertionError("a storefront key read another user's order")
    except ApiException as error:
        assert error.status == 403, error
    print(json.dumps({"cancelled": first.id, "refunded": second.id}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
