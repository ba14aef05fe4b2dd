"""`commerce serve --payment pending`: every charge the fake gateway gets answers pending, so an
order waits in awaiting_payment until the provider's callback arrives as a PaymentCompleted or
PaymentFailed message in the inbox; a redelivered message changes nothing."""
import subprocess

from conftest import KEYS, cli_path, key_line, new_store_location, running_server


def stock(server, pid):
    return server.call("GET", f"/products/{pid}/stock", key=KEYS["storefront"])[2]


def place(server, user, pid):
    status, _, order = server.call("POST", "/orders", key=KEYS["storefront"], user=user,
                                   body={"user_id": user,
                                         "items": [{"product_id": pid, "qty": 1}]})
    assert status == 201 and order["status"] == "awaiting_payment", order
    return order


def callback(server, message_id, kind, order_id):
    status, _, receipt = server.admin("POST", "/inbox/messages", {
        "id": message_id, "type": kind, "source": "psp",
        "payload": {"order_id": order_id}})
    assert status == 200, receipt
    return receipt["outcome"]


def test_pending_payments_finish_through_the_inbox():
    with running_server(extra_args=("--payment", "pending")) as server:
        server.admin("POST", "/products", {"id": "pend", "name": "P", "price": 700,
                                           "initial_stock": 5})
        paid = place(server, "ada", "pend")
        unpaid = place(server, "bea", "pend")
        assert stock(server, "pend")["reserved"] == 2

        assert callback(server, "psp-1", "PaymentCompleted", paid["id"]) == "applied"
        assert server.admin("GET", f"/orders/{paid['id']}")[2]["status"] == "confirmed"
        after_first = server.dump()
        assert callback(server, "psp-1", "PaymentCompleted", paid["id"]) == "duplicate"
        assert server.dump() == after_first

        assert callback(server, "psp-2", "PaymentFailed", unpaid["id"]) == "applied"
        assert server.admin("GET", f"/orders/{unpaid['id']}")[2]["status"] == "failed"
        level = stock(server, "pend")
        assert level["sold"] == 1 and level["reserved"] == 0 and level["available"] == 4, level
        status, _, report = server.call("GET", "/check", key=KEYS["operator"])
        assert status == 200 and report["violations"] == [], report


def test_an_unknown_payment_behaviour_is_refused_naming_the_option(tmp_path):
    location = new_store_location(str(tmp_path))
    subprocess.run([cli_path(), *location, "init"], check=True, stdout=subprocess.DEVNULL)
    keys = tmp_path / "api-keys"
    keys.write_text(key_line("admin", KEYS["admin"]))
    run = subprocess.run([cli_path(), *location, "serve", "--listen", "127.0.0.1:0",
                          "--api-keys", str(keys), "--payment", "later"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "--payment" in run.stderr, run
