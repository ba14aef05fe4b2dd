"""The exception hierarchy: one class per code, business failures by reason, all carrying
code, reason and subject; raised by real calls and translated in one place."""

from __future__ import annotations

import pickle

import pytest

import commerce_core as cc

EC, R = cc.ErrorCode, cc.Reason

CASES = [
    (EC.NOT_FOUND, R.NONE, cc.NotFoundError),
    (EC.INVALID_ARGUMENT, R.NONE, cc.InvalidArgumentError),
    (EC.FAILED_PRECONDITION, R.NONE, cc.FailedPreconditionError),
    (EC.FAILED_PRECONDITION, R.OUT_OF_STOCK, cc.OutOfStockError),
    (EC.FAILED_PRECONDITION, R.INSUFFICIENT_POINTS, cc.InsufficientPointsError),
    (EC.FAILED_PRECONDITION, R.COUPON_INVALID, cc.CouponInvalidError),
    (EC.FAILED_PRECONDITION, R.LIMIT_REACHED, cc.LimitReachedError),
    (EC.FAILED_PRECONDITION, R.ILLEGAL_TRANSITION, cc.IllegalTransitionError),
    (EC.FAILED_PRECONDITION, R.INACTIVE, cc.InactiveError),
    (EC.CONFLICT, R.NONE, cc.ConflictError),
    (EC.UNAVAILABLE, R.NONE, cc.UnavailableError),
    (EC.INTERNAL, R.NONE, cc.InternalError),
]


@pytest.mark.parametrize("code,reason,cls", CASES)
def test_every_code_and_reason_maps_to_its_class(
    code: cc.ErrorCode, reason: cc.Reason, cls: type[cc.CommerceError]
) -> None:
    with pytest.raises(cls) as info:
        cc._raise_error(code, reason, "the-subject", "went wrong")
    e = info.value
    assert type(e) is cls
    assert isinstance(e, cc.CommerceError)
    assert e.code == code and e.reason == reason and e.subject == "the-subject"
    assert "went wrong" in str(e)
    if reason != R.NONE:
        assert isinstance(e, cc.FailedPreconditionError)


def test_python_base_classes() -> None:
    assert issubclass(cc.NotFoundError, LookupError)
    assert issubclass(cc.InvalidArgumentError, ValueError)


def test_errors_pickle_with_their_fields() -> None:
    e = cc.OutOfStockError("no more", subject="sku-1")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cc.OutOfStockError
    assert (back.code, back.reason, back.subject, str(back)) == (
        EC.FAILED_PRECONDITION,
        R.OUT_OF_STOCK,
        "sku-1",
        "no more",
    )


def test_real_calls_raise_with_the_offending_id(store: cc.Store) -> None:
    with pytest.raises(cc.NotFoundError) as nf:
        store.catalog.get("nope")
    assert nf.value.subject == "nope"

    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.catalog.create(id="x", name="X", price=-1)
    assert bad.value.subject == "price"

    store.catalog.create(id="x", name="X", price=100, initial_stock=1, request_id="r1")
    with pytest.raises(cc.ConflictError) as conflict:
        store.catalog.create(id="y", name="Y", price=100, request_id="r1")
    assert conflict.value.code == EC.CONFLICT

    with pytest.raises(cc.OutOfStockError) as oos:
        store.stock.reserve("o1", [cc.LineItem("x", 2)])
    assert oos.value.subject == "x"

    with pytest.raises(cc.InsufficientPointsError) as pts:
        store.points.use("alice", 10, "o1")
    assert pts.value.subject == "alice"

    store.catalog.update("x", status=cc.ProductStatus.INACTIVE)
    with pytest.raises(cc.InactiveError) as inactive:
        store.stock.reserve("o2", [cc.LineItem("x", 1)])
    assert inactive.value.subject == "x"


def test_bad_location_is_invalid_argument(tmp_path: object) -> None:
    with pytest.raises(cc.InvalidArgumentError) as info:
        cc.Store.open("nosuch://host/db")
    assert info.value.subject == "location"


def test_currency_is_fixed_on_creation(tmp_path: object, clock: cc.ManualClock) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "c.db"
    cc.Store.open(path, currency="USD", clock=clock)
    with pytest.raises(cc.FailedPreconditionError) as info:
        cc.Store.open(path, currency="EUR", clock=clock)
    assert info.value.subject == "currency"
    with pytest.raises(cc.InvalidArgumentError):
        cc.Store.open(path, currency="dollars")
    # "": the currency the store was created with; a new store is refused
    assert cc.Store.open(path, currency="", clock=clock).currency == "USD"
    with pytest.raises(cc.FailedPreconditionError) as new:
        cc.Store.open(Path(str(tmp_path)) / "new.db", currency="", clock=clock)
    assert new.value.subject == "currency"
