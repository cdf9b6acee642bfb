"""French formatting of amounts, dates and punctuation (Babel, fr_FR).

- ``money(12500)`` -> ``"12 500 €"`` (narrow no-break space between thousands,
  no-break space before the euro sign, cents only when there are some).
- ``day(date(2021, 3, 31))`` -> ``"31 mars 2021"``; the first of the month is "1er".
- ``typo(text)`` puts a narrow no-break space before ``? ! ; :`` and inside « »,
  and a no-break space before ``%`` and ``€``, as French typography wants.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Union

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"  # no-break space

Number = Union[int, float, Decimal]


def money(amount: Number) -> str:
    value = Decimal(str(amount))
    if value == value.to_integral_value():
        text = format_decimal(value, format="#,##0", locale=LOCALE)
    else:
        text = format_decimal(value, format="#,##0.00", locale=LOCALE)
    return text.replace(NBSP, NNBSP) + NBSP + "€"


def number(value: Number) -> str:
    return format_decimal(value, locale=LOCALE).replace(NBSP, NNBSP)


def percent(ratio: Number) -> str:
    """``percent(0.9)`` -> ``"90 %"`` (no-break space before the sign)."""
    value = Decimal(str(ratio)) * 100
    return format_decimal(value, format="#,##0.##", locale=LOCALE).replace(NBSP, NNBSP) + NBSP + "%"


def day(value: Union[date, datetime]) -> str:
    if isinstance(value, datetime):
        value = value.date()
    text = format_date(value, format="d MMMM y", locale=LOCALE)
    if value.day == 1:
        text = "1er" + text[1:]
    return text


_BEFORE_HIGH = re.compile(r"\s*([?!;:])(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«\s*")
_CLOSE_QUOTE = re.compile(r"\s*»")
_BEFORE_UNIT = re.compile(r"(\d)\s*(%|€)")


def typo(text: str) -> str:
    """Apply French typography to a finished sentence (idempotent)."""
    # keep URLs and times like 14:30 intact: the pattern only matches punctuation
    # followed by a space or the end of the text.
    text = _BEFORE_HIGH.sub(lambda m: NNBSP + m.group(1), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    text = _CLOSE_QUOTE.sub(NNBSP + "»", text)
    text = _BEFORE_UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)
    return text
