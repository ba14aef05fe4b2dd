"""The Python examples run and print what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(name: str, directory: Path) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / name), str(directory)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_quickstart(tmp_path: Path) -> None:
    out = _run("quickstart.py", tmp_path)
    assert "CONFIRMED, subtotal 24000, discount 2000, points 3000, paid 19000" in out
    assert "bob's order: FAILED" in out
    assert "NotFoundError for 'no-such-sku'" in out
    assert "invariants ok: True" in out
    assert (tmp_path / "events.jsonl").stat().st_size > 0
    again = _run("quickstart.py", tmp_path)  # idempotent request ids: the same order again
    first_order = out.splitlines()[1].split(":")[0]
    assert first_order.startswith("order ") and again.splitlines()[1].startswith(first_order)
    assert "SHIPPED" in again.splitlines()[1]


def test_custom_gateway(tmp_path: Path) -> None:
    out = _run("custom_gateway.py", tmp_path)
    assert "alice: CONFIRMED; bob: FAILED" in out
    assert "alice cancelled: CANCELLED" in out
    assert "carol with a raising gateway: FAILED; lamp available again: 1" in out


def test_inbox_handler(tmp_path: Path) -> None:
    out = _run("inbox_handler.py", tmp_path)
    assert "delivery 1: APPLIED; alice has 700 points" in out
    assert "delivery 2: DUPLICATE; alice has 700 points" in out
    assert "(after commit: bonus-42 applied)" in out
    assert "refused: payload.amount; recorded: False" in out
    assert "order CONFIRMED; saga CONFIRMED after steps stock, points, coupon, payment" in out
    assert "  stock: done" in out and "invariants ok: True" in out


def test_custom_pricing(tmp_path: Path) -> None:
    out = _run("custom_pricing.py", tmp_path)
    assert "kettle: 1 x 45000, tax 3600, total 48600" in out
    assert "tea: 3 x 8000, tax 0, total 24000" in out
    # 2,250 g: two parcels of 3,000, doubled to the island; 8% added on it.
    assert "quote: shipping 12000, tax 4560, total 85560" in out
    assert "order: CONFIRMED, total 85560, as quoted: True" in out
    assert "to the moon: InvalidArgumentError naming 'shipping_option'" in out
