"""Shared by the demo and bulk seeds: reserved ids, amounts, SIREN keys, quarters."""
from __future__ import annotations

from datetime import date, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import List, Tuple


DEMO_IDS = (1, 2, 3, 4)
RESERVED_IDS = 100
CENT = Decimal("0.01")
UTC = timezone.utc


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def siren_from(seed8: str) -> str:
    """A 9-digit SIREN with a valid Luhn key (fictitious companies)."""
    digits = [int(c) for c in seed8]
    for check in range(10):
        total = 0
        for i, digit in enumerate(digits + [check]):
            if i % 2 == 1:
                digit *= 2
                if digit > 9:
                    digit -= 9
            total += digit
        if total % 10 == 0:
            return seed8 + str(check)
    raise AssertionError("unreachable")


def quarter_bounds(day: date) -> Tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + (first_month + 3 > 12), (first_month + 3 - 1) % 12 + 1, 1) - timedelta(days=1))
    return start, end


def last_quarters(as_of: date, count: int) -> List[Tuple[date, date]]:
    """The ``count`` last quarters fully ended before ``as_of``, oldest first."""
    quarters = []
    start, _ = quarter_bounds(as_of)
    for _ in range(count):
        end = start - timedelta(days=1)
        start, _ = quarter_bounds(end)
        quarters.append((start, end))
    return list(reversed(quarters))
