"""One validator for the Decimal fields of the request dataclasses.

:func:`to_decimal` turns what a caller gives (Decimal, int, float, numeric string) into a finite,
non-negative :class:`~decimal.Decimal`, or raises ``ValueError``. Used by
:class:`bot.cap.request.CapRequest` (messages :data:`NUMBER`) and
:class:`bot.indemnity.IndemnityInputs` (messages :data:`AMOUNT`, ``""`` read as missing); each
keeps the error messages it always had.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

__all__ = ["AMOUNT", "NUMBER", "Messages", "jsonable", "to_decimal"]


@dataclass(frozen=True)
class Messages:
    """Error messages (``str.format`` with ``name`` and ``value``) for each way a value is refused."""

    boolean: str
    invalid: str
    not_finite: str
    negative: str


NUMBER = Messages(
    boolean="{name} must be a number",
    invalid="{name} must be a number (got {value!r})",
    not_finite="{name} must be a finite number",
    negative="{name} must not be negative (got {value})",
)
AMOUNT = Messages(
    boolean="{name} must be an amount",
    invalid="{name} must be an amount (got {value!r})",
    not_finite="{name} must be a positive amount (got {value!r})",
    negative="{name} must be a positive amount (got {value!r})",
)


def to_decimal(value: Any, name: str, *, required: bool = False, blank_is_none: bool = False,
               messages: Messages = NUMBER) -> Optional[Decimal]:
    """``value`` as a finite Decimal >= 0; ``None`` when missing (``ValueError`` if ``required``).

    Missing means ``None``, and also ``""`` with ``blank_is_none``. Booleans are refused (``True``
    is not 1 euro). A Decimal is kept as given, anything else goes through ``Decimal(str(value))``.
    """
    if value is None or (blank_is_none and value == ""):
        if required:
            raise ValueError(f"{name} is required")
        return None
    if isinstance(value, bool):
        raise ValueError(messages.boolean.format(name=name, value=value))
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(messages.invalid.format(name=name, value=value)) from None
    if not dec.is_finite():
        raise ValueError(messages.not_finite.format(name=name, value=value))
    if dec < 0:
        raise ValueError(messages.negative.format(name=name, value=value))
    return dec


def jsonable(value: Any) -> Any:
    """The results' ``as_dict`` values as JSON types: whole Decimals as int, others as float, dates ISO, keys str."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value
