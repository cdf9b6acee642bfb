"""Claim references: ``SIN-YYYY-NNNNNN`` (year of declaration, six-digit number).

:func:`parse_ref` reads what a person typed and says one of three things:

- ``kind == "valid"``: a reference, normalised (``"sin 2021 000123"`` -> ``"SIN-2021-000123"``);
- ``kind == "malformed"``: something that looks like a reference but is not one; ``problem``
  says what is wrong (see :data:`PROBLEMS`), so the wording can answer precisely;
- ``kind == "none"``: no reference in the text.

Only the normalised form (``^SIN-\\d{4}-\\d{6}$``) ever reaches a query, and always as a bound
parameter: nothing else of the text can get near SQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

REF_RE = re.compile(r"^SIN-(\d{4})-(\d{6})$")
EXAMPLE = "SIN-2021-000123"
MAX_INPUT = 500
YEAR_MIN = 1990
YEAR_MAX = 2099

#: problem codes of malformed references -> what is wrong (for logs; the French is in wording)
PROBLEMS = {
    "year_digits": "the year must have 4 digits",
    "year_range": "the year is not plausible",
    "number_digits": "the number after the year must have 6 digits",
    "number_missing": "only a year was given",
    "year_missing": "the year is missing",
    "letter_o": "a letter O stands where a zero is expected",
    "digits_count": "the digits do not split into 4 + 6",
}

# "SIN" as a word (not the start of "sinistre"), then groups of digits separated by spaces,
# dashes, dots, slashes or underscores. A group may contain a letter O typed for a zero.
_PREFIX = re.compile(r"(?<![A-Za-z0-9])S\s?I\s?N(?![A-Za-zÀ-ÿ])", re.IGNORECASE)
_GROUP = re.compile(r"[\s\-_./:#n°]*([0-9Oo]*[0-9][0-9Oo]*|[Oo]{2,}[0-9Oo]*)(?![A-Za-z0-9])")
# a bare "2021-000123" / "2021000123" when it is the whole text (e.g. a button or an entity)
_BARE = re.compile(r"^\s*(\d{4})[\s\-_./]?(\d{6})\s*$")
# the same inside a sentence ("où en est le 2021-000123 ?"): a plausible year, a separator, six digits
_YEAR_NUMBER = re.compile(r"(?<![\w.,/-])((?:19|20)\d{2})[\-_./](\d{6})(?![\w.,/-]|,\d)")
# after a claim word, the number may be short: "dossier 2026-103", "sinistre n° 2026/00103", "ref 2021000123"
_CLAIM_WORDS = r"\bdossiers?|\bsinistres?|\bn°|\bnumero|\bnuméro|\bref(?:erence|érence)?"
_CLAIM_WORD = r"(?:" + _CLAIM_WORDS + r")\s*(?:n°\s*|no\s*|numero\s*|numéro\s*)?"
_INVOICE_BEFORE = re.compile(r"factur|invoice|\bfa\b|\bfac\b", re.IGNORECASE)  # "facture 2026-000103" is no claim
_WORD_YEAR_NUMBER = re.compile(_CLAIM_WORD + r"((?:19|20)\d{2})(?:[\s\-_./]?(\d{6})|[\-_./](\d{1,6}))"
                               r"(?![\d/.,]|\s*(?:€|eur|k\b|euros?))", re.IGNORECASE)


@dataclass(frozen=True)
class RefParse:
    kind: str  # "valid" | "malformed" | "none"
    ref: Optional[str] = None  # normalised reference when valid
    problem: Optional[str] = None  # code of PROBLEMS when malformed
    raw: Optional[str] = None  # the part of the text that looked like a reference

    @property
    def valid(self) -> bool:
        return self.kind == "valid"

    @property
    def malformed(self) -> bool:
        return self.kind == "malformed"


NONE = RefParse("none")


def normalise(year: str, number: str) -> str:
    return f"SIN-{year}-{number}"


def is_normalised(ref: object) -> bool:
    return isinstance(ref, str) and REF_RE.match(ref) is not None


def _groups(text: str, start: int):
    groups = []
    pos = start
    while len(groups) < 4:
        m = _GROUP.match(text, pos)
        if not m:
            break
        groups.append(m.group(1))
        pos = m.end()
    return groups, pos


def _judge(groups, raw: str) -> RefParse:
    if any(c in "Oo" for g in groups for c in g):
        return RefParse("malformed", problem="letter_o", raw=raw)
    first = groups[0]
    if len(groups) == 1:
        if len(first) == 10:
            return _check_year(first[:4], first[4:], raw)
        if 7 <= len(first) <= 9 and first[:2] in ("19", "20"):
            return _check_year(first[:4], first[4:].zfill(6), raw)  # "sin2026103": the zeros left out
        if len(first) == 4 and YEAR_MIN <= int(first) <= YEAR_MAX:
            return RefParse("malformed", problem="number_missing", raw=raw)
        if len(first) == 6:
            return RefParse("malformed", problem="year_missing", raw=raw)
        return RefParse("malformed", problem="digits_count", raw=raw)
    second = groups[1]
    if len(first) == 4 and len(second) == 6:
        return _check_year(first, second, raw)
    if len(first) == 4:
        # "SIN 2021 000 123": the number typed in several groups
        digits = second
        for extra in groups[2:]:
            if len(digits) >= 6:
                break
            digits += extra
        if len(digits) == 6:
            return _check_year(first, digits, raw)
        if len(groups) == 2 and 1 <= len(second) < 6 and YEAR_MIN <= int(first) <= YEAR_MAX:
            # "sin 2021 123": the leading zeros of the number left out
            return _check_year(first, second.zfill(6), raw)
        if not YEAR_MIN <= int(first) <= YEAR_MAX:
            return RefParse("malformed", problem="year_range", raw=raw)
        return RefParse("malformed", problem="number_digits", raw=raw)
    if len(second) == 6 or (len(first) in (2, 3) and len(second) >= 4):
        return RefParse("malformed", problem="year_digits", raw=raw)
    if len(first) == 6 and len(second) == 4:
        return RefParse("malformed", problem="digits_count", raw=raw)
    return RefParse("malformed", problem="digits_count", raw=raw)


def _check_year(year: str, number: str, raw: str) -> RefParse:
    if not YEAR_MIN <= int(year) <= YEAR_MAX:
        return RefParse("malformed", problem="year_range", raw=raw)
    return RefParse("valid", ref=normalise(year, number), raw=raw)


def parse_ref(text: object) -> RefParse:
    """The claim reference in ``text`` (the first one), a malformed one, or none."""
    if not isinstance(text, str) or not text.strip():
        return NONE
    text = text[:MAX_INPUT]
    bare = _BARE.match(text)
    if bare:
        return _check_year(bare.group(1), bare.group(2), text.strip())
    for prefix in _PREFIX.finditer(text):
        groups, end = _groups(text, prefix.end())
        if groups:
            return _judge(groups, text[prefix.start():end].strip())
    for pattern in (_WORD_YEAR_NUMBER, _YEAR_NUMBER):  # no "SIN": a year and a number, as people type them
        for m in pattern.finditer(text):
            if not _INVOICE_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
                number = next(g for g in m.groups()[1:] if g)
                return _check_year(m.group(1), number.zfill(6), m.group().strip())
    return NONE


# "dossier 123", "le sinistre n° 456", "SIN 000123": a claim number typed without its year
_NUMBER_ONLY = re.compile(r"(?:\bsin\s*|" + _CLAIM_WORD + r")(\d{1,6})(?![\d/.,-]|\s*(?:€|eur|k\b|euros?)|\s+\d)",
                          re.IGNORECASE)
# the whole message is the number ("000123", "le 123", "et le 456 ?"): an answer to "which claim?"
_NUMBER_ALONE = re.compile(r"^\s*(?:et\s+)?(?:(?:le|du|au)\s+)?(?:n°\s*)?(\d{3,6})\s*[?!.]?\s*$", re.IGNORECASE)


def number_without_year(text: object) -> Optional[str]:
    """The six-digit claim number of a reference typed without its year ("dossier 123", "le 123",
    "000123" -> "000123"), or None.

    The caller resolves it among the person's own claims (the year is omitted only when that is
    unambiguous: :func:`resolve_number`)."""
    if not isinstance(text, str) or parse_ref(text).valid:
        return None
    alone = _NUMBER_ALONE.match(text[:MAX_INPUT])
    if alone and not (len(alone.group(1)) == 4 and alone.group(1)[:2] in ("19", "20")):  # "le 2021": a year
        return alone.group(1).zfill(6)
    m = _NUMBER_ONLY.search(text[:MAX_INPUT])
    if not m or len(m.group(1)) < 2:
        return None
    return m.group(1).zfill(6)


def resolve_number(number: str, refs) -> Optional[str]:
    """The one reference among ``refs`` whose number is ``number``; None when none or several."""
    found = [r for r in refs if isinstance(r, str) and r.endswith("-" + number)]
    return found[0] if len(set(found)) == 1 else None


def find_refs(text: object) -> list:
    """Every valid reference in ``text``, normalised, in order, without duplicates."""
    if not isinstance(text, str):
        return []
    text = text[:MAX_INPUT * 4]
    found = []
    for prefix in _PREFIX.finditer(text):
        groups, end = _groups(text, prefix.end())
        if groups:
            result = _judge(groups, text[prefix.start():end])
            if result.valid and result.ref not in found:
                found.append(result.ref)
    return found
