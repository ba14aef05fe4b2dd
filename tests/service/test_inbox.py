"""The inbox over HTTP: messages from other services (a carrier's DeliveryUpdated, a payment
provider's callbacks) applied once per message id, refused ones changing nothing."""
from conftest import KEYS, assert_problem


def test_delivery_updates_apply_once(server):
    server.admin("POST", "/products", {"id": "inbox-1", "name": "I", "price": 10,
                                       "initial_stock": 3})
    order = server.call("POST", "/orders", key=KEYS["storefront"], user="kim", body={
        "user_id": "kim", "items": [{"product_id": "inbox-1", "qty": 1}]})[2]
    message = {"id": "carrier-77", "type": "DeliveryUpdated", "source": "carrier",
               "payload": {"order_id": order["id"], "status": "shipped"}}
    status, _, receipt = server.admin("POST", "/inbox/messages", message)
    assert status == 200 and receipt == {"message_id": "carrier-77", "outcome": "applied"}
    assert server.admin("GET", f"/orders/{order['id']}")[2]["status"] == "shipped"
    # Delivered again: a duplicate, nothing changes.
    receipt = server.admin("POST", "/inbox/messages", message)[2]
    assert receipt["outcome"] == "duplicate"
    status, _, seen = server.admin("GET", "/inbox/messages/carrier-77")
    assert status == 200 and seen == {"message_id": "carrier-77", "seen": True}
    assert server.admin("GET", "/inbox/messages/never-sent")[2]["seen"] is False

    before = server.dump()
    # The same id with other content; an unknown type; a bad payload; an unknown field.
    assert_problem(server.admin("POST", "/inbox/messages", {
        **message, "payload": {"order_id": order["id"], "status": "delivered"}}), 422, "Conflict")
    assert_problem(server.admin("POST", "/inbox/messages", {
        "id": "m-2", "type": "NoSuchType", "payload": {}}), 422, "InvalidArgument", "type")
    assert_problem(server.admin("POST", "/inbox/messages", {
        "id": "m-3", "type": "DeliveryUpdated", "payload": {"status": "shipped"}}), 422,
        "InvalidArgument", "payload.order_id")
    assert_problem(server.admin("POST", "/inbox/messages", {
        "id": "m-4", "type": "DeliveryUpdated", "payload": {}, "extra": 1}), 422,
        "InvalidArgument", "extra")
    assert server.dump() == before

    status, _, receipt = server.admin("POST", "/inbox/messages", {
        "id": "carrier-78", "type": "DeliveryUpdated",
        "payload": {"order_id": order["id"], "status": "delivered"}})
    assert receipt["outcome"] == "applied"
    assert server.admin("GET", f"/orders/{order['id']}")[2]["status"] == "delivered"
