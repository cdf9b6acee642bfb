"""Which claims a message is about: filters read from the words (stage, cause, year, buyer) and
follow-up words that point at the claim or buyer already being discussed.

Pure functions, no I/O, no Rasa (used by ``actions/claims.py`` and ``actions/indemnity.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional, Sequence

from bot.store import names
from bot.text import fold as _fold

STAGE_WORDS = (
    (re.compile(r"\brefus"), "refused"),
    (re.compile(r"\brecouvrement"), "collection"),
    (re.compile(r"\bcarence\b"), "waiting_period"),
    (re.compile(r"a l.?etude|\betud|en cours d'examen|\bexamin"), "under_review"),
    (re.compile(r"\b(?:deja |a ete |ont ete |qui a ete |celui )?(?:paye|payes|indemnise|indemnises|regle|regles)\b"),
     "indemnified"),
    (re.compile(r"\bclos\b|\bclotur|\bferme|\btermine|\bfini"), "closed"),
)
INSOLVENCY = re.compile(r"procedure collective|\bfaillite|\bredressement|\bliquidation|\binsolvab")
YEAR = re.compile(r"(?<![\d/.,-])(20\d{2})(?![\d/.,-])")
# words that point at what was just discussed
POINTS_AT_CLAIM = re.compile(r"\bce dossier|\bce sinistre|\bdessus\b|\bcelui-(?:ci|la)\b|\bce dossier-la\b|\bcelui la\b"
                             r"|\bpour lui\b|\bsur lui\b|\bsur eux\b|\bchez eux\b|\beux\b|\bcelui\b|\bcelle\b"
                             r"|\bleur\b|\bchez lui\b")
OTHER = re.compile(r"\b(?:l'autre|l autre|un autre|les autres)\b(?! (?:jour|fois|semaine|soir|matin))")
MAX_TEXT = 500  # characters of a message searched for a buyer's name


def fold(text: Optional[str]) -> str:
    return _fold(text, squeeze=True)


@dataclass(frozen=True)
class ClaimFilter:
    stages: FrozenSet[str] = frozenset()
    insolvency: bool = False
    year: Optional[int] = None

    @property
    def empty(self) -> bool:
        return not self.stages and not self.insolvency and self.year is None


def read_filter(text: Optional[str]) -> ClaimFilter:
    s = fold(text)
    stages = frozenset(stage for pattern, stage in STAGE_WORDS if pattern.search(s))
    year = YEAR.search(s)
    return ClaimFilter(stages=stages, insolvency=bool(INSOLVENCY.search(s)) and "refus" not in s,
                       year=int(year.group(1)) if year else None)


def apply(items: Iterable, flt: ClaimFilter, buyer: Optional[str] = None) -> List:
    """The claims (ClaimSummary) that pass the filter and, if given, belong to ``buyer`` (exact store name)."""
    out = []
    for item in items:
        if flt.stages and item.stage not in flt.stages:
            continue
        if flt.insolvency and item.cause != "insolvency":
            continue
        if flt.year is not None and not item.ref.startswith(f"SIN-{flt.year}-"):
            continue
        if buyer is not None and item.buyer_name != buyer:
            continue
        out.append(item)
    return out


def for_buyer(items: Iterable, flt: ClaimFilter, buyer: str) -> List:
    """The claims of ``buyer`` that pass the filter; all of that buyer's claims when none passes: words
    read as a filter ("payés", "se termine", "redressement") are often no filter in a question, and a
    buyer who has claims never gets "no claim on this buyer" (each claim's stage is shown anyway)."""
    items = list(items)
    return apply(items, flt, buyer) or apply(items, ClaimFilter(), buyer)


def match_buyer(query: Optional[str], buyer_names: Sequence[str]) -> tuple:
    """("match", [name]) / ("ambiguous", [names]) / ("none", []) among the buyers of the person's claims."""
    if not query or not buyer_names:
        return "none", []
    unique = sorted(set(buyer_names))
    return names.pick(query, unique, lambda n: n)


def buyer_named(text: Optional[str], buyer_names: Sequence[str], queries: Sequence[str] = ()) -> tuple:
    """Which of ``buyer_names`` a message names: ("match"|"ambiguous"|"none", names, the words that named them).

    Tried in order: ``queries`` (the NLU's buyer entity, ...), the words after "sur / pour / chez / de" (one
    word there may name several buyers: "sur martin"; a near miss there is no name: "du mobilier" is not
    Immobilière Faure), then a buyer named anywhere (:func:`buyer_in_words`)."""
    queries = [q for q in queries if isinstance(q, str) and q.strip()]
    for i, candidate in enumerate(queries + words_after_preposition(text)):
        outcome, found = match_buyer(candidate, buyer_names)
        if outcome == "match" or (outcome == "ambiguous" and (i < len(queries) or len(candidate.split()) == 1
                                                              and len(found) > 1)):  # "sur martin": several
            return outcome, list(found), candidate
    named = buyer_in_words(text, buyer_names)
    return ("match", [named], named) if named else ("none", [], None)


def points_at_focus(text: Optional[str]) -> bool:
    return bool(POINTS_AT_CLAIM.search(fold(text)))


def asks_other(text: Optional[str]) -> bool:
    return bool(OTHER.search(fold(text)))


def words_after_preposition(text: Optional[str]) -> List[str]:
    """Candidate buyer names typed after "sur / pour / chez / de" (no NLU entity): tried against the store."""
    out = []
    for m in re.finditer(r"\b(?:sur|pour|chez|de|du|dossiers?|sinistres?)\s+"
                         r"((?:l'|la |le )?[A-Za-zÀ-ÿ][\w'À-ÿ-]*(?:\s+[A-Za-zÀ-ÿ][\w'À-ÿ-]*){0,2})",
                         text or ""):
        words = m.group(1).split()
        while words and words[0].lower() in ("sur", "pour", "chez", "de", "du", "le", "la", "les", "l'"):
            words = words[1:]  # "dossier sur giraud": the name is after the second preposition
        for n in range(len(words), 0, -1):  # "lambert c'etait quoi", "lambert c'etait", "lambert"
            candidate = " ".join(words[:n])
            if len(candidate) >= 3 and candidate not in out:
                out.append(candidate)
    return out


# "10 000", "4000", "18 450 €", "30k": amounts typed without an NLU entity (not a year, a percentage, days or a ref)
_AMOUNT = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d{3,7})(?:[.,](\d{1,2}))?\s*(k\b|k€|€|eur\w*)?"
                     r"(?!\s*(?:%|jours?|j\b|mois|ans?\b)|[\w/-])")


def amounts_in_text(text: Optional[str]) -> List:
    """Amounts written in the text, in order (Decimal)."""
    from decimal import Decimal

    out = []
    for m in _AMOUNT.finditer(text or ""):
        digits = re.sub(r"\D", "", m.group(1))
        unit = (m.group(3) or "").lower()
        if not unit and len(digits) == 4 and digits.startswith(("19", "20")):
            continue  # a year
        value = Decimal(digits + ("." + m.group(2) if m.group(2) else ""))
        if unit.startswith("k"):
            value *= 1000
        if value >= 100:
            out.append(value)
    return out


# words that name no buyer on their own, on top of the matcher's everyday words (bot/store/ordinary_words.txt)
_COMMON = names.ORDINARY | frozenset("espagne france allemagne italie belgique suisse est-ce couverts".split())
IN_WORDS = 0.9  # a run of words names a buyer when at least this close (a word of the name typed as it is)


COMMON = _COMMON


def buyer_in_words(text: Optional[str], buyer_names: Sequence[str]) -> Optional[str]:
    """The one buyer of ``buyer_names`` that words of the text name ("le dossier medisupply", "martin
    distribution est en redressement"), if exactly one: runs of one to three words are tried, and the
    closest buyer must be closer than every other ("martin" alone names three buyers: none)."""
    keys = {name: names.name_key(name) for name in set(buyer_names)}
    words = [w.split("'")[-1] for w in re.findall(r"[a-z0-9][a-z0-9'-]*", fold(text)[:MAX_TEXT])]
    best: dict = {}
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if run[0] in _COMMON or run[-1] in _COMMON or len(run[0]) < 4 and size == 1:
                continue
            for score, name in names.rank(" ".join(run), keys, str, keys.get):
                if score < IN_WORDS:
                    break
                best[name] = max(score, best.get(name, 0.0))
    if not best:
        return None
    top = max(best.values())
    leaders = [name for name, score in best.items() if score == top]
    return leaders[0] if len(leaders) == 1 else None
