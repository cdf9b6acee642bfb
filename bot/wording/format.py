"""French formatting of amounts, dates and punctuation (Babel, fr_FR).

- ``money(12500)`` -> ``"12 500 €"`` (narrow no-break space between thousands,
  no-break space before the euro sign, cents only when there are some).
- ``money_words(1_500_000_000)`` -> ``"1,5 milliard d’euros"`` (round millions and billions in words,
  easier to read and to say than ``"1 500 000 000 €"``); other amounts as :func:`money`.
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


def money_words(amount: Number) -> str:
    """Millions and billions in words ("1,5 milliard d’euros", "2 millions d’euros") when that is
    exact to one decimal; any other amount as :func:`money`."""
    value = Decimal(str(amount))
    for size, one, many in ((Decimal(10) ** 9, "milliard", "milliards"), (Decimal(10) ** 6, "million", "millions")):
        if value >= size and (value / size * 10) == (value / size * 10).to_integral_value():
            count = value / size
            text = format_decimal(count, format="#,##0.#", locale=LOCALE).replace(NBSP, NNBSP)
            return f"{text}{NBSP}{one if count < 2 else many} d’euros"
    return money(value)


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


def choices_fr(names) -> str:
    """" : A, B ou C" to list the names a question offers (empty when there is none)."""
    names = [str(n) for n in names]
    if not names:
        return ""
    return " : " + (", ".join(names[:-1]) + " ou " + names[-1] if len(names) > 1 else names[0])
