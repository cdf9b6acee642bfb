"""Company-name matching for buyers: accents, case, punctuation and legal forms ignored, typos and
partial names forgiven, with the rapidfuzz library (docs/store.md, "Buyer names").

``name_key("Bâtiments Lefèvre S.A.S.")`` -> ``"batiments lefevre"``. :func:`rank` scores a query
against candidate names and :func:`pick` decides between one match, several candidates, or none.
Pure functions: the store calls them on the (few) buyers of one policyholder only, so a buyer of
another policyholder is never a candidate.

How a name is scored (0-100, rapidfuzz does the string distances):

- the whole typed name against the whole name (``fuzz.ratio``, also without spaces: "medi supply"),
  when at least :data:`MATCH` (a long word sharing letters with a name, "martinique", is no near miss);
- every typed word against the words of the name, the mean over the typed words: a word typed as it
  is (or in the plural) counts 100, with one typo (words of 5 letters or more; two in a word of 8
  letters or more; ``OSA`` distance, which counts a swap of two letters as one) 90, the start of a
  word ("distrib", "immo") 85, otherwise
  ``fuzz.ratio`` when at least :data:`WORD_FLOOR`. Part of a name (every typed word found, but not
  every word of the name) is worth at most 95, so "martin" is as close to the three "Martin" buyers
  and a full name always wins;
- ordinary words ("merci", "oui", "rien", "bonne soirée", "client", "depuis"...: ordinary_words.txt)
  count only when the name holds them as they are, and a query of ordinary words alone names nobody.

One match needs :data:`MATCH` and a lead of :data:`MARGIN` over the next name; names within the
margin are all offered ("ambiguous"); a best score between :data:`NEAR` and :data:`MATCH` is
offered too ("did you mean"). Nothing is picked silently among close names.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import FrozenSet, Iterable, List, Sequence, Tuple, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

T = TypeVar("T")

LEGAL_FORMS = frozenset("""
sa sas sasu sarl eurl sci snc scs sca scop scp selarl selas selafa earl gie gaec sem spl
societe ste ets etablissements cie compagnie
gmbh ag kg ug ohg spa srl srls sl slu sau bv nv bvba sprl ltd limited llc llp inc corp
plc co pty oy ab as aps sp zoo sro kft
""".split())
STOPWORDS = frozenset("de du des la le les l d et and the of y e und".split())


def _ordinary_words() -> FrozenSet[str]:
    text = (Path(__file__).with_name("ordinary_words.txt")).read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in _fold(line).split())


MATCH = 80.0  # a name at least this close can be the match
MARGIN = 10.0  # ... when it leads the next name by this much; names closer than that are all offered
NEAR = 65.0  # below MATCH but at least this close: offered as "did you mean"
WORD_FLOOR = 85.0  # a typed word below this (fuzz.ratio) with every word of the name counts 0
PART = 0.95  # every typed word found, but not the whole name
TYPO, TWO_TYPOS, START = 90.0, 80.0, 85.0  # word scores: one typo, two typos (8+ letters), start of a word
MAX_CANDIDATES = 5

_PUNCT = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    from bot.text import strip_accents  # the shared accent folding (bot/text.py), NFKD variant

    text = strip_accents(text, compat=True)
    text = text.lower().replace("&", " et ").replace("œ", "oe").replace("æ", "ae")
    return _PUNCT.sub(" ", text.replace(".", "")).strip()


#: words of everyday messages that name no company unless the name holds them (ordinary_words.txt)
ORDINARY = _ordinary_words()


def tokens(name: str) -> List[str]:
    words = _fold(name or "").split()
    kept = [w for w in words if w not in LEGAL_FORMS and w not in STOPWORDS]
    return kept or words


def name_key(name: str) -> str:
    """The normalised form stored in ``buyers.name_key``."""
    return " ".join(tokens(name))[:200]


def _query_words(query: str) -> List[str]:
    """The typed words that may name a company: legal forms, articles and the apostrophe's
    elision ("l'hotel") left out. Ordinary words stay: each name decides whether it holds them."""
    return [w for w in _fold(query or "").split() if w not in LEGAL_FORMS and w not in STOPWORDS]


def _word(typed: str, word: str) -> float:
    """How close one typed word is to one word of a name (0-100)."""
    if typed == word or _singular(typed) == _singular(word):
        return 100.0
    if len(typed) >= 5 and typed[0] in "ld" and typed[1] in "aeiouyh" and _singular(typed[1:]) == _singular(word):
        return 100.0  # "lepicerie", "lhotel": the article's elision typed without its apostrophe
    if typed in ORDINARY or len(typed) < 4:
        return 0.0  # "merci" is not "Mercier", "depuis" not "Dupuis"; three letters are no typo
    if word.startswith(typed):
        return START  # "distrib" -> "distribution", "immo" -> "immobiliere"
    if len(typed) < 5 or len(word) < 5:
        return 0.0  # a short word has no room for a typo: "mort" is not "port"
    allowed = 2 if min(len(typed), len(word)) >= 8 else 1
    typos = OSA.distance(typed, word, score_cutoff=allowed)
    if typos <= allowed:
        return TYPO if typos == 1 else TWO_TYPOS
    return fuzz.ratio(typed, word, score_cutoff=WORD_FLOOR)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _score(typed: Sequence[str], key: str) -> float:
    words = key.split()
    kept = [t for t in typed if t not in ORDINARY or any(_word(t, w) == 100.0 for w in words)]
    if not kept or not words:
        return 0.0
    joined = " ".join(kept)
    whole = max(fuzz.ratio(joined, key, score_cutoff=MATCH),  # below MATCH, only the words tell
                fuzz.ratio(joined.replace(" ", ""), key.replace(" ", ""), score_cutoff=MATCH))
    if whole == 100.0:
        return 100.0
    found = sum(max(_word(t, w) for w in words) for t in kept) / len(kept)
    every_word = len(kept) >= len(words) and all(max(_word(t, w) for t in kept) >= TWO_TYPOS for w in words)
    return max(whole, found if every_word else found * PART)


def score(query: str, name: str) -> float:
    """How close ``query`` is to ``name``, 0.0-1.0 (1.0: the same name once normalised)."""
    return _score(_query_words(query), name_key(name)) / 100.0


def rank(query: str, items: Iterable[T], name_of, key_of=None) -> List[Tuple[float, T]]:
    """Items scored against ``query`` (0.0-1.0), best first. ``key_of(item)`` may give the stored
    :func:`name_key` (saves normalising every name again)."""
    typed = _query_words(query)
    key_of = key_of or (lambda item: name_key(name_of(item)))
    scored = [(_score(typed, key_of(item)) / 100.0, item) for item in items]
    scored.sort(key=lambda pair: (-pair[0], name_of(pair[1])))
    return scored


def pick(query: str, items: Iterable[T], name_of, key_of=None) -> Tuple[str, List[T]]:
    """``("match", [item])``, ``("ambiguous", [items...])`` or ``("none", [])``."""
    ranked = [(s * 100.0, item) for s, item in rank(query or "", items, name_of, key_of) if s * 100.0 >= NEAR]
    if not ranked:
        return "none", []
    best = ranked[0][0]
    close = [item for s, item in ranked if s > best - MARGIN or s == best]
    if best == 100.0 and len(ranked) > 1 and ranked[1][0] < 100.0:
        return "match", close[:1]  # the name as it is: "garage martin", not "martin"
    if best >= MATCH and len(close) == 1:
        return "match", close
    return "ambiguous", close[:MAX_CANDIDATES]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def compact_id(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", _fold(text or "").upper())
