"""Amounts of money in what people type (:func:`parse_amount`).

"45 000 €", "45 000€", "12 300 euros", "80k€", "80 k€", "80K", "1,5 M€", "1.5M", "200 000",
"€ 5000", "12.300,50 €", "deux cent mille euros", "douze mille trois cents", "1,2 million d'euros".
Amounts are read the French way. Separators: spaces (also no-break and thin spaces) group thousands.
When both "." and "," appear, the last one is the decimal mark. A lone "." followed by exactly three
digits groups thousands ("12.300" = 12 300); otherwise "." or "," is the decimal mark ("1,5" = 1.5,
"600,5" = 600.5). A lone "," followed by exactly three digits ("600,000") is the decimal comma in
French (600) but a thousands separator in English (600 000): :func:`read_amount` returns both
readings, French first, and :func:`parse_amount` returns None for such a text, so that the caller
asks ("600 € ou 600 000 € ?") instead of guessing. Several "," groups ("1,234,567") can only be
thousands.
Dates, percentages and durations ("15/03", "90 %", "30 jours", "il y a 2 semaines") are not
amounts. If several amounts appear, the first one marked as money (€, euros, k, M…) wins, then
the first bare number. The sign is ignored (amounts are magnitudes).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from dataclasses import dataclass
from typing import List, Optional, Tuple

from bot.parsing.text import fold

__all__ = ["AmountReading", "parse_amount", "read_amount"]

_SP = r"[ \u00a0\u202f\u2009\u2007]"
# Every repetition is bounded (at most 18 digits before the decimal mark): a run of 100 000 digits costs a
# bounded amount of work per position (linear time) and is no amount at all, never a 100 000-digit Decimal.
_NUM = (r"(?<![\d.,])(?P<num>\d{1,3}(?:" + _SP + r"\d{3}){1,5}(?:[.,]\d{1,2})?"   # 45 000 / 12 300,50
        r"|\d{1,3}(?:\.\d{3}){1,5}(?:,\d{1,2})?"                                      # 12.300,50
        r"|\d{1,3}(?:,\d{3}){1,5}(?:\.\d{1,2})?"                                      # 12,300.50
        r"|\d{1,18}(?:[.,]\d{1,6})?)(?![\d])")                                         # 5000 / 1,5 / 1.5
_MULT = (r"(?P<mult>milliards?|mds?(?![a-z])|millions?|mille|k(?![a-z])|m(?![a-z]))")
_CUR = r"(?:€|euros?\b|eur\b)"
_AMOUNT_RE = re.compile(
    r"(?P<pre>" + _CUR + _SP + r"?)?" + _NUM + r"(?:" + _SP + r"?" + _MULT + r")?"
    r"(?P<post>" + _SP + r"?(?:d')?" + _CUR + r")?",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": 1000, "mille": 1000, "m": 10**6, "million": 10**6, "millions": 10**6,
                "md": 10**9, "mds": 10**9, "milliard": 10**9, "milliards": 10**9}

# things that look like numbers but are not amounts
_NOT_AMOUNT = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[/-]\d{1,2}(?:[/.-]\d{2,4})?\b"),
    re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"),
    re.compile(r"\b\d{1,2}(?:er)?\s+(?:janv\w*|fevr?\w*|mars|avr\w*|mai|juin|juil\w*|aout|sept\w*|oct\w*|nov\w*|dec\w*)"
               r"(?:\s+\d{4})?", re.IGNORECASE),
    # anchored where a number starts: unanchored, "\d+" retried from every digit of a long run (quadratic)
    re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:%|pour\s*cent|pourcents?)", re.IGNORECASE),
    # "30 j" is 30 days, but "2 540,80 j'ai inversé" is an amount followed by "j'ai"
    re.compile(r"\b\d+\s*(?:jours?|j\b(?!')|semaines?|mois|ans?\b|annees?|heures?|h\b(?!')|minutes?|min\b)",
               re.IGNORECASE),
    re.compile(r"\b(?:19|20)\d{2}\b(?!\s*(?:€|eur|k\b))", re.IGNORECASE),  # a bare year
]


def _to_decimal(num: str) -> Tuple[Optional[Decimal], Optional[Decimal]]:
    """(the French reading, the other plausible reading or None)."""
    s = re.sub(_SP, "", num)
    other: Optional[str] = None
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        grp = "," if dec == "." else "."
        s = s.replace(grp, "").replace(dec, ".")
    elif "," in s or "." in s:
        mark = "," if "," in s else "."
        parts = s.split(mark)
        if len(parts) > 2:
            s = "".join(parts)  # thousands grouping ("1,234,567", "1.234.567")
        elif len(parts[1]) == 3 and 1 <= len(parts[0]) <= 3 and mark == ".":
            s = "".join(parts)  # "12.300": thousands, the French way
        elif len(parts[1]) == 3 and 1 <= len(parts[0]) <= 3 and parts[0] != "0":
            other = "".join(parts)  # "600,000": 600 in French, 600 000 in English
            s = s.replace(",", ".")
        else:
            s = s.replace(",", ".")
    try:
        return Decimal(s), (Decimal(other) if other is not None else None)
    except InvalidOperation:
        return None, None


def _normalise(value: Decimal) -> Decimal:
    value = value.quantize(Decimal("0.01")) if value != value.to_integral_value() else value.to_integral_value()
    return value


# --- French number words -------------------------------------------------------------------------
_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
}
_SCALES = {"mille": 1000, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9}
_NUMBER_WORDS = set(_UNITS) | set(_SCALES) | {"cent", "cents", "et"}


def _words_value(words: List[str]) -> Optional[int]:
    total, current, prev = 0, 0, None
    seen = False
    for w in words:
        if w == "et":
            continue
        seen = True
        if w in ("vingt", "vingts") and prev == "quatre":
            current += 80 - 4
        elif w in _UNITS:
            current += _UNITS[w]
        elif w in ("cent", "cents"):
            current = (current or 1) * 100
        elif w in _SCALES:
            scale = _SCALES[w]
            if scale == 1000:
                total += (current or 1) * 1000
            else:
                total = (total + (current or 1)) * scale if total and total < scale else total + (current or 1) * scale
            current = 0
        prev = w
    return total + current if seen else None


_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _word_amounts(folded: str) -> List[Tuple[int, Decimal, bool, bool]]:
    """(position, value, money-marked, strong) for each run of French number words."""
    tokens = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[a-z]+|€", folded.replace("-", " "))]
    runs: List[Tuple[int, Decimal, bool, bool]] = []
    i = 0
    while i < len(tokens):
        if tokens[i][2] in _NUMBER_WORDS and tokens[i][2] != "et":
            j = i
            words = []
            while j < len(tokens) and tokens[j][2] in _NUMBER_WORDS:
                words.append(tokens[j][2])
                j += 1
            while words and words[-1] == "et":
                words.pop()
            value = _words_value(words)
            nxt = tokens[j][2] if j < len(tokens) else ""
            nxt2 = tokens[j + 1][2] if j + 1 < len(tokens) else ""
            money = nxt in ("euro", "euros", "eur", "€") or (nxt == "d" and nxt2 in ("euro", "euros"))
            strong = len(words) >= 2 or any(w in ("cent", "cents", "mille") or w in _SCALES for w in words)
            if value is not None:
                runs.append((tokens[i][0], Decimal(value), money, strong))
            i = j
        else:
            i += 1
    return runs


@dataclass(frozen=True)
class AmountReading:
    """What :func:`read_amount` found: ``value`` (the French reading) and, when the text can be
    read another way ("600,000"), the ``alternatives``."""

    value: Optional[Decimal]
    alternatives: Tuple[Decimal, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


def read_amount(text: Optional[str]) -> AmountReading:
    """The amount of money found in ``text``, read the French way, with the other possible
    readings when the text is ambiguous ("600,000": 600, or 600 000 in English)."""
    if not text or not isinstance(text, str):
        return AmountReading(None)
    folded = fold(text)
    masked = folded
    for pattern in _NOT_AMOUNT:
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    # (rank, position, value, other reading); lower rank wins
    candidates: List[Tuple[int, int, Decimal, Optional[Decimal]]] = []
    for m in _AMOUNT_RE.finditer(masked):
        value, other = _to_decimal(m.group("num"))
        if value is None:
            continue
        mult = (m.group("mult") or "").lower()
        if mult:
            value *= _MULTIPLIERS.get(mult, 1)
            other = other * _MULTIPLIERS.get(mult, 1) if other is not None else None
        money = bool(mult or m.group("pre") or m.group("post"))
        candidates.append((0 if money else 2, m.start(), value, other))
    for pos, value, money, strong in _word_amounts(masked):
        if money:
            candidates.append((1, pos, value, None))
        elif strong:
            candidates.append((3, pos, value, None))
    if not candidates:
        return AmountReading(None)
    candidates.sort(key=lambda c: (c[0], c[1]))
    _, _, value, other = candidates[0]
    return AmountReading(_normalise(value), (_normalise(other),) if other is not None else ())


def parse_amount(text: Optional[str]) -> Optional[Decimal]:
    """An amount of money found in ``text`` as a Decimal (euros or the currency written), or None.

    None also when the amount can be read two ways ("600,000"): use :func:`read_amount` to ask."""
    reading = read_amount(text)
    return None if reading.ambiguous else reading.value
