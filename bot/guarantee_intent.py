"""Which question an ``ask_guarantee`` message asks, and whether a country is in a contract's zone.

Pure functions, no I/O, no Rasa (used by ``actions/guarantee.py``).

:func:`read` sorts a message into one of:
- ``increase``: a request for a higher (or first) agrément, with a buyer and an amount;
- ``buyer``: the agrément on one buyer;
- ``encours``: the encours garanti overall;
- ``scope``: the territorial scope of the contract (and maybe one country);
- ``overview``: all my agréments.

:func:`country_in_scope` reads the contract's free-text ``territorial_scope`` ("France",
"France et Union européenne", "Monde, hors pays sous sanctions") and says True / False, or None
when the text does not allow a sure answer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional

from bot.parsing import normalise_country, parse_amount
from bot.parsing.countries import COUNTRY_GROUPS
from bot.text import fold as _fold_text

INCREASE_RE = re.compile(
    r"\baugment\w*|\brelev(?:er|ez|e|ons)\b|\brehauss\w*|\bremont\w*|\brevision\b|\bredemand\w*|plus de garantie"
    r"|\bhausses?\b|plus (?:elevee?|haute?)"
    r"|\bporter\b|\b(?:demande[rz]?|veux|voudrais|souhaite|souhaiterais)\b.*\b(?:agrement|limite|garantie)\b"
)
ENCOURS_RE = re.compile(r"\bencours\b|en cours garanti|\bexposition\b")
SCOPE_RE = re.compile(r"\bpays\b|etranger|\bexport\w*|territoria\w*|international\w*|hors (?:ue|union|france)")

EU = COUNTRY_GROUPS["EU"]  # the one list of the EU's members (bot/parsing/countries.yml)
# countries under broad sanctions at the time of writing: "hors pays sous sanctions" gives no sure answer for them
SANCTIONS_HINT = frozenset("RU BY IR KP SY".split())


@dataclass(frozen=True)
class Ask:
    kind: str  # increase | buyer | encours | scope | overview
    buyer: Optional[str] = None
    amount: Optional[Decimal] = None
    country: Optional[str] = None  # ISO2
    guess: Optional[str] = None  # a buyer name read from the words when NLU found no buyer entity


# "garantie sur martin", "limite pour Garage Martin ?": the words after "sur / pour / chez"
_AFTER_PREPOSITION = re.compile(r"\b(?:sur|pour|chez)\s+(?P<name>[^?!.,;:]{2,60})", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:ce|cet|cette|ces|mon|ma|mes|un|une|des|le|la|les|l'|tous|toutes|quel|quelle|"
                         r"l ?export|l ?etranger|la france|combien)\b", re.IGNORECASE)


def buyer_guess(text: Optional[str]) -> Optional[str]:
    """A buyer name after "sur / pour / chez", or None when the words there are not a name."""
    match = _AFTER_PREPOSITION.search(text or "")
    if not match:
        return None
    name = match.group("name").strip()
    if _NOT_A_NAME.match(fold(name)) or not re.search(r"[a-zA-Z]{2}", name):
        return None
    return name


def fold(text: Optional[str]) -> str:
    return _fold_text(text, squeeze=True)


def _first(values: Iterable[object]) -> Optional[str]:
    for value in values:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def requested_amount(text: str, amounts: Iterable[object] = ()) -> Optional[Decimal]:
    """The amount asked for: the last amount entity, else the amount after the last "à" ("de 50 k€ à 120 k€")."""
    found = [parse_amount(a) for a in amounts if isinstance(a, str)]
    found = [a for a in found if a is not None]
    if found:
        return found[-1]
    for segment in reversed(re.split(r"\s(?:a|jusqu'a)\s", fold(text))):
        amount = parse_amount(segment)
        if amount is not None:
            return amount
    return None


def read(text: Optional[str], buyers: Iterable[object] = (), amounts: Iterable[object] = (),
         countries: Iterable[object] = ()) -> Ask:
    """Sort one message (text + entity values) into the question it asks."""
    folded = fold(text)
    buyer = _first(buyers)
    country_text = _first(countries)
    country = normalise_country(country_text) if country_text else None
    if country is None and not folded.startswith("/"):
        country = normalise_country(text or "")
    if buyer:
        amount = requested_amount(text or "", amounts) if INCREASE_RE.search(folded) else None
        if amount is not None and amount > 0:
            return Ask("increase", buyer=buyer, amount=amount)
        return Ask("buyer", buyer=buyer)
    guess = None if folded.startswith("/") else buyer_guess(text)
    if ENCOURS_RE.search(folded):
        return Ask("encours", guess=guess)
    if country or SCOPE_RE.search(folded):
        return Ask("scope", country=country)
    return Ask("overview", guess=guess)


def country_in_scope(scope: Optional[str], code: Optional[str]) -> Optional[bool]:
    """Is the country ``code`` (ISO2) within the territorial ``scope`` text? None when unsure."""
    if not scope or not code:
        return None
    s = fold(scope)
    parts = re.split(r"\b(?:hors|sauf|excepte)\b", s, maxsplit=1)
    head, excluded = parts[0], (parts[1] if len(parts) > 1 else "").strip(" .,;()")
    if excluded:
        if "sanction" in excluded and code in SANCTIONS_HINT:
            return None
        excluded_codes, unsure = _codes(re.sub(r"(?:les )?pays sous sanctions?", "", excluded))
        if code in excluded_codes:
            return False
        if unsure:
            return None
    if re.search(r"\bmonde\b|tous (?:les )?pays|\binternational", head):
        return True
    covered, unsure = _codes(head)
    if code in covered:
        return True
    return None if unsure or not covered else False


def _codes(text: str):
    """(ISO2 codes named in ``text``, whether some part was not understood)."""
    codes, unsure = set(), False
    for piece in re.split(r",|;|/|\+|\bet\b|\bou\b", text):
        piece = piece.strip(" .()-")
        if not piece:
            continue
        if re.search(r"union europeenne|\bue\b|\bu\.e\.?", piece):
            codes |= EU
            continue
        code = normalise_country(piece)
        if code:
            codes.add(code)
        else:
            unsure = True
    return codes, unsure
