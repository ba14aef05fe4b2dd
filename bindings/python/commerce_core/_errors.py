"""The exception classes of commerce_core: one base class, one subclass per error code.

Business refusals (FailedPreconditionError) have one subclass per reason, so callers can
catch exactly the failure they expect (``except OutOfStockError``). Every exception carries
``code``, ``reason`` and ``subject`` (the offending field name or entity id).

Python payment gateways and event sinks may raise these too: the library then sees the same
code, reason and subject (for example ``UnavailableError`` asks for a retry).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from . import ErrorCode, Reason

__all__ = [
    "CommerceError",
    "NotFoundError",
    "InvalidArgumentError",
    "FailedPreconditionError",
    "OutOfStockError",
    "InsufficientPointsError",
    "CouponInvalidError",
    "LimitReachedError",
    "IllegalTransitionError",
    "InactiveError",
    "ConflictError",
    "UnavailableError",
    "InternalError",
]


class CommerceError(Exception):
    """Base class of every error commerce_core raises.

    Attributes:
        message: the human-readable message (also ``str(error)``).
        code: the ErrorCode, saying what the caller should do.
        reason: why a business rule refused the call (Reason.NONE otherwise).
        subject: the offending field name (InvalidArgument) or entity id (otherwise).
    """

    _code_name = "INTERNAL"
    _reason_name = "NONE"

    message: str
    code: ErrorCode
    reason: Reason
    subject: str

    def __init__(
        self,
        message: str = "",
        *,
        code: Optional[ErrorCode] = None,
        reason: Optional[Reason] = None,
        subject: str = "",
    ) -> None:
        """Creates the error; code and reason default to those of the class."""
        core = importlib.import_module("commerce_core._core")  # loaded by the package already

        super().__init__(message)
        self.message = message
        self.code = code if code is not None else getattr(core.ErrorCode, self._code_name)
        self.reason = reason if reason is not None else getattr(core.Reason, self._reason_name)
        self.subject = subject

    def __reduce__(self) -> tuple[object, ...]:
        """Pickles with code, reason and subject."""
        return (
            _rebuild,
            (type(self), self.message, self.code, self.reason, self.subject),
        )


def _rebuild(
    cls: type[CommerceError], message: str, code: ErrorCode, reason: Reason, subject: str
) -> CommerceError:
    return cls(message, code=code, reason=reason, subject=subject)


class NotFoundError(CommerceError, LookupError):
    """The named id does not exist (``subject`` is the id)."""

    _code_name = "NOT_FOUND"


class InvalidArgumentError(CommerceError, ValueError):
    """The named field is malformed (``subject`` is the field); nothing was changed."""

    _code_name = "INVALID_ARGUMENT"


class FailedPreconditionError(CommerceError):
    """A business rule refused the call; nothing was changed. See the subclasses."""

    _code_name = "FAILED_PRECONDITION"


class OutOfStockError(FailedPreconditionError):
    """Not enough available stock; ``subject`` is the product id."""

    _reason_name = "OUT_OF_STOCK"


class InsufficientPointsError(FailedPreconditionError):
    """The user's point balance is below the amount; ``subject`` is the user id."""

    _reason_name = "INSUFFICIENT_POINTS"


class CouponInvalidError(FailedPreconditionError):
    """The coupon cannot be used (expired, used, minimum not met...); ``subject`` is its id."""

    _reason_name = "COUPON_INVALID"


class LimitReachedError(FailedPreconditionError):
    """A coupon issue limit (total or per user) is exhausted; ``subject`` names the template."""

    _reason_name = "LIMIT_REACHED"


class IllegalTransitionError(FailedPreconditionError):
    """The entity's state does not allow the call; ``subject`` is its id."""

    _reason_name = "ILLEGAL_TRANSITION"


class InactiveError(FailedPreconditionError):
    """The product is inactive or deleted; ``subject`` is the product id."""

    _reason_name = "INACTIVE"


class ConflictError(CommerceError):
    """An idempotency key (request_id) was reused with other arguments."""

    _code_name = "CONFLICT"


class UnavailableError(CommerceError):
    """Transient: storage or network busy or down. Retry the call."""

    _code_name = "UNAVAILABLE"


class InternalError(CommerceError):
    """A bug or a corrupted store."""

    _code_name = "INTERNAL"
