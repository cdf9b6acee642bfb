"""Company-name matching for buyers: accents, case, punctuation and legal forms ignored.

``name_key("Bâtiments Lefèvre S.A.S.")`` -> ``"batiments lefevre"``. :func:`rank` scores a query
against candidate names and :func:`pick` decides between one match, several candidates, or none.
Pure functions: the store calls them on the (few) buyers of one policyholder only.

TODO(dependency): the issue asks for a kept fuzzy-matching library (rapidfuzz); it is not in the
environment (requirements are not changed here), so the scoring stays on difflib until it is added.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import FrozenSet, Iterable, List, Sequence, Tuple, TypeVar

T = TypeVar("T")

LEGAL_FORMS = frozenset("""
sa sas sasu sarl eurl sci snc scs sca scop scp selarl selas selafa earl gie gaec sem spl
societe ste ets etablissements cie compagnie
gmbh ag kg ug ohg spa srl srls sl slu sau bv nv bvba sprl ltd limited llc llp inc corp
plc co pty oy ab as aps sp zoo sro kft
""".split())
STOPWORDS = frozenset("de du des la le les l d et and the of y e und".split())

MATCH = 0.82  # a candidate at least this close is a match
NEAR = 0.62  # below MATCH but at least this close: offered as "did you mean"
CLEAR_LEAD = 0.08  # a single best match must lead the next one by this much
MAX_CANDIDATES = 5

_PUNCT = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    from bot.text import strip_accents  # the shared accent folding (bot/text.py), NFKD variant

    text = strip_accents(text, compat=True)
    text = text.lower().replace("&", " et ").replace("œ", "oe").replace("æ", "ae")
    return _PUNCT.sub(" ", text.replace(".", "")).strip()


def tokens(name: str) -> List[str]:
    words = _fold(name or "").split()
    kept = [w for w in words if w not in LEGAL_FORMS and w not in STOPWORDS]
    return kept or words


def name_key(name: str) -> str:
    """The normalised form stored in ``buyers.name_key``."""
    return " ".join(tokens(name))[:200]


TOKEN_FLOOR = 0.75  # a typed word counts only when it is close to a word of the name
PREFILTER = 0.45  # bigram overlap below which two strings are not worth a SequenceMatcher


@lru_cache(maxsize=65536)
def _bigrams(text: str) -> FrozenSet[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _dice(a: str, b: str) -> float:
    """Bigram overlap (Dice coefficient): a cheap filter before the costlier ratio."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _token_similarity(q: str, n: str) -> float:
    if q == n:
        return 1.0
    if len(q) >= 3 and n.startswith(q):
        return 0.9  # the start of the word ("lab" -> "laboratoires")
    if len(q) < 4 or len(n) < 4:
        return 0.0  # short words must match exactly
    shortest, longest = sorted((len(q), len(n)))
    if 2 * shortest / (shortest + longest) < TOKEN_FLOOR or _dice(q, n) < PREFILTER:
        return 0.0
    ratio = SequenceMatcher(None, q, n, autojunk=False).ratio()
    return ratio if ratio >= TOKEN_FLOOR else 0.0


def _token_score(query: Sequence[str], name: Sequence[str]) -> float:
    """Mean, over the typed words, of the best similarity with a word of the name."""
    if not query or not name:
        return 0.0
    total = 0.0
    for q in query:
        best = 0.0
        for n in name:
            best = max(best, _token_similarity(q, n))
            if best == 1.0:
                break
        total += best
    return total / len(query)


def _score(q_tokens: Sequence[str], q_key: str, n_key: str) -> float:
    if not q_key:
        return 0.0
    if q_key == n_key or q_key.replace(" ", "") == n_key.replace(" ", ""):
        return 1.0
    n_tokens = n_key.split()
    words = _token_score(q_tokens, n_tokens) * 0.97  # every typed word found, but not the same name
    if words >= 0.97 * 0.999:
        return words
    if words >= MATCH or _dice(q_key, n_key) < PREFILTER:
        return words
    return max(words, SequenceMatcher(None, q_key, n_key, autojunk=False).ratio())


def score(query: str, name: str) -> float:
    q_tokens = tokens(query)
    return _score(q_tokens, " ".join(q_tokens), name_key(name))


def rank(query: str, items: Iterable[T], name_of, key_of=None) -> List[Tuple[float, T]]:
    """Items scored against ``query``, best first. ``key_of(item)`` may give the stored
    :func:`name_key` (saves normalising every name again)."""
    q_tokens = tokens(query)
    q_key = " ".join(q_tokens)
    key_of = key_of or (lambda item: name_key(name_of(item)))
    scored = [(_score(q_tokens, q_key, key_of(item)), item) for item in items]
    scored.sort(key=lambda pair: (-pair[0], name_of(pair[1])))
    return scored


def pick(query: str, items: Iterable[T], name_of, key_of=None) -> Tuple[str, List[T]]:
    """``("match", [item])``, ``("ambiguous", [items...])`` or ``("none", [])``."""
    if not tokens(query or ""):
        return "none", []
    ranked = rank(query, items, name_of, key_of)
    if not ranked:
        return "none", []
    strong = [(s, item) for s, item in ranked if s >= MATCH]
    if len(strong) == 1:
        return "match", [strong[0][1]]
    if strong:
        if strong[0][0] == 1.0 and strong[1][0] < 1.0:
            return "match", [strong[0][1]]
        if strong[0][0] - strong[1][0] >= CLEAR_LEAD and strong[0][0] >= 0.95:
            return "match", [strong[0][1]]
        return "ambiguous", [item for _, item in strong[:MAX_CANDIDATES]]
    near = [item for s, item in ranked if s >= NEAR]
    if near:
        return "ambiguous", near[:MAX_CANDIDATES]
    return "none", []


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def compact_id(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", _fold(text or "").upper())
