"""Calendar dates in what people type, French first (:func:`parse_date`).

"15/03/2026", "15-03-26", "15/03", "15 mars", "le 3 mars 2026", "1er mars", "2026-03-15",
"hier", "avant-hier", "aujourd'hui", "demain", "il y a 2 semaines", "il y a un mois", "dans 10 jours",
"fin novembre" (the last day), "début novembre", "mi-novembre", "le 30" (this month, or the one before).
**Year rule** when the year is missing: the current year of ``today`` is used, unless that puts the
date more than 183 days after ``today``, in which case the previous year is used. A missing year
is never guessed as next year. Two-digit years are 20xx. Impossible dates ("31/02") give None.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Dict, Optional

from bot.parsing.text import fold

__all__ = ["FUTURE_TOLERANCE_DAYS", "MONTHS", "parse_date"]

MONTHS: Dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBERS_SMALL = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
                  "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
                  "trente": 30, "quelques": None}
FUTURE_TOLERANCE_DAYS = 183

_ISO_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_RE = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/]|[.-]\d)")
_WORDY_RE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + _MONTH_ALT + r")\.?(?:\s+(\d{4}))?\b")
_MONTH_EDGE_RE = re.compile(r"\b(fin|debut|mi)[ -](?:de |d')?(" + _MONTH_ALT + r")\.?(?:\s+(\d{4}))?\b")
_DAY_ONLY_RE = re.compile(r"\b(?:le|au|du)\s+(\d{1,2})(?:er)?\b(?!\s*(?:[/.,-]?\d|%|€|e\b|eur|k\b|jours?|mois|ans?|"
                          r"semaines?|h\b|heures?|ans?|fois|factures?|dossiers?))")
_RELATIVE_RE = re.compile(r"\b(il y a|dans)\s+(\d+|[a-z]+)\s+(jours?|semaines?|mois|ans?|annees?)\b")


def _safe_date(year: int, month: int, day: int) -> Optional[date]:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        result = _safe_date(year, month, d)
        if result:
            return result
    raise ValueError("unreachable")


def _year_for(day: int, month: int, today: date) -> Optional[date]:
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        if month == 2 and day == 29:  # 29/02 without a year: the latest leap year not in the future
            year = today.year - 1
            while _safe_date(year, 2, 29) is None:
                year -= 1
            return date(year, 2, 29)
        return None
    if (candidate - today).days > FUTURE_TOLERANCE_DAYS:
        return _safe_date(today.year - 1, month, day)
    return candidate


def _full_year(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(text: Optional[str], today: Optional[date] = None) -> Optional[date]:
    """A calendar date found in ``text`` (French), relative to ``today``; None when there is none."""
    if not text or not isinstance(text, str):
        return None
    today = today or date.today()
    s = fold(text)

    m = _ISO_RE.search(s)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _NUMERIC_RE.search(s)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), _full_year(m.group(3))
        if not 1 <= month <= 12:
            return None
        return _safe_date(year, month, day) if year else _year_for(day, month, today)
    m = _WORDY_RE.search(s)
    if m:
        day, month, year = int(m.group(1)), MONTHS[m.group(2)], _full_year(m.group(3))
        return _safe_date(year, month, day) if year else _year_for(day, month, today)
    m = _MONTH_EDGE_RE.search(s)
    if m:  # "fin novembre": the last day; "début novembre": the 1st; "mi-novembre": the 15th
        month, year = MONTHS[m.group(2)], _full_year(m.group(3))
        first = _safe_date(year, month, 1) if year else _year_for(1, month, today)
        if first is None:
            return None
        if m.group(1) == "debut":
            return first
        if m.group(1) == "mi":
            return first.replace(day=15)
        return _add_months(first, 1) - timedelta(days=1)
    m = _DAY_ONLY_RE.search(s)
    if m:  # "le 30": that day of this month, or of the month before when it is still to come
        day = int(m.group(1))
        candidate = _safe_date(today.year, today.month, day)
        if candidate is None or candidate > today:
            previous = _add_months(today.replace(day=1), -1)
            candidate = _safe_date(previous.year, previous.month, day)
        return candidate
    if re.search(r"\bavant[ -]hier\b", s):
        return today - timedelta(days=2)
    if re.search(r"\bapres[ -]demain\b", s):
        return today + timedelta(days=2)
    if re.search(r"\bhier\b", s):
        return today - timedelta(days=1)
    if re.search(r"\baujourd'? ?hui\b|\bce jour\b", s):
        return today
    if re.search(r"\bdemain\b", s):
        return today + timedelta(days=1)
    m = _RELATIVE_RE.search(s)
    if m:
        qty_text = m.group(2)
        qty = int(qty_text) if qty_text.isdigit() else _NUMBERS_SMALL.get(qty_text)
        if qty is None:
            return None
        sign = -1 if m.group(1) == "il y a" else 1
        unit = m.group(3)
        if unit.startswith("jour"):
            return today + timedelta(days=sign * qty)
        if unit.startswith("semaine"):
            return today + timedelta(weeks=sign * qty)
        if unit == "mois":
            return _add_months(today, sign * qty)
        return _add_months(today, sign * 12 * qty)
    return None
