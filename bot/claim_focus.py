"""Which claim a follow-up is about, and what it asks about it: framework-free, no Rasa, no I/O.

A conversation keeps a focus: the claim and the buyer the latest answers named (slots ``claim_ref``
and ``buyer``) and the claims of the last list shown (the claim buttons of a recent answer). A
message without a reference is resolved against them, in this order:

1. a buyer of the person's claims named in the message (entity, words after « sur / chez », any
   group of one to three words) -> that buyer's claims;
2. words that point into the last list (« le plus récent », « le plus vieux des trois »,
   « celui qui a été payé », « l'autre ») -> the claims of that list;
3. otherwise the claim in focus, or the claims of the buyer in focus;

then the filters read from the words (stage, year, country, insolvency), « l'autre » (not the claim in
focus), « le plus récent / ancien ». :func:`question_kind` tells what is asked about the claim.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable, List, Optional, Sequence, Tuple

from bot import claim_filters
from bot.claim_filters import fold

# « le dernier », never « la semaine dernière »; « le premier », never « la première fois »
NEWEST = re.compile(r"\b(?:plus recente?s?|plus nouveau|plus jeune"
                    r"|(?<!semaine )(?<!annee )(?<!mois )(?<!fois )(?<!jour )derniere?s?"
                    r"(?! (?:fois|semaine|mois|annee|jour|minute|moment)))\b")
OLDEST = re.compile(r"\b(?:plus (?:vieux|vieil|vieille|ancien|ancienne)"
                    r"|(?<!en )premiere?(?! (?:fois|lieu|temps|chose|question|semaine|jour)))\b")
# words that pick inside the list just shown (never a new list)
INTO_LIST = re.compile(r"\bdes (?:deux|trois|quatre|cinq|six|\d)\b|\bparmi\b|\blequel\b|\blaquelle\b"
                       r"|\bcel(?:ui|le) (?:qui|en|refuse|paye|indemnise|clos|ferme|ouvert)\b")
# words that point at the one claim in focus (« ce dossier », « celui-là », « dessus »): filters are not read
PAID_CLAIMS = re.compile(r"\bindemnise|\b(?:cel(?:ui|le)s?|ceux|dossiers?|sinistres?|qui (?:a|ont) ete|lesquels|deja)"
                         r" (?:\w+ )?(?:paye|payes|payee|payees|regle|regles)\b")
CLOSED_CLAIMS = re.compile(r"\bclos\b|\bclotur|\b(?:cel(?:ui|le)s?|ceux|dossiers?|sinistres?|qui (?:est|sont)|lesquels"
                           r"|deja)\s+(?:\w+\s+)?(?:fermes?|terminee?s?|finie?s?)\b")
THIS_CLAIM = re.compile(r"\bce (?:dossier|sinistre)\b|\bdessus\b|\bcel(?:ui|le)[- ](?:ci|la)\b|\bce dossier[- ]la\b")

_WHEN = r"\b(?:quand|quelle date|a quelle date|combien de temps|dans combien|delai)\b"
_FAILS = (r"\b(?:echou\w*|echec|rate|n'aboutit pas|n'aboutissait pas|aboutit pas|marche pas|fonctionne pas"
          r"|ne (?:paie|paye|regle|rembourse) (?:jamais|pas|rien)|(?:paie|paye|paient|payent|regle|reglent)"
          r" (?:jamais|pas|rien)|rien recupere)\b")
KINDS = (
    ("advance", re.compile(r"\ben avance\b|\bavance(?:e|s)?\b.{0,30}\b(?:pai|pay|indemn|vers)|\banticip"
                           r"|\bavant la fin (?:du|de ce|de la|de cette) (?:delai|carence|periode|attente)"
                           r"|\b(?:pai|pay|vers|indemnis)\w* (?:plus tot|avant)\b")),
    ("recovered", re.compile(r"\brecuper\w*|\brecouvr\w* (?:quelque chose|combien|rien)\b"
                             r"|\bd?'?autres? (?:versement|verssement|paiement|virement|reglement)s?\b")),
    ("ending", re.compile(r"\b(?:s'est|c'est|ca s'est|il s'est|ca a) (?:termine|fini|finie|conclu|solde|passe|regle|"
                          r"clos|clotur\w*)\b|\b(?:termine|fini|finie|fini|conclu|clos)\w* comment\b"
                          r"|\bcomment (?:ca|cela|il|le dossier) (?:s'est|a) (?:termine|fini|fini|conclu|passe)"
                          r"|\bissue\b|\bca a donne quoi\b|\bquel (?:a ete le )?resultat\b")),
    ("in_time", re.compile(r"\b(?:dans|ds) les temps\b|\bdans le(?:s)? delais?\b|\bhors delai|\ben retard\b|\btrop tard\b"
                           r"|\ba temps\b|\bdeclare (?:assez )?tot\b")),
)
# « il se termine quand ce délai ? », « la carence finit quand ? »: when the waiting period ends
WAITING_END = re.compile(r"\b(?:termin|fini|finit|fin|acheve|expire)\w*\b.{0,30}\b(?:delai|carence|attente)\b.{0,20}"
                         r"\bquand\b|\b(?:delai|carence)\b.{0,30}\b(?:termin|fini|finit|fin|acheve|expire)\w*\b.{0,20}"
                         r"\b(?:quand|quel jour|quelle date)\b|\bquand\b.{0,30}\bfin (?:du|de la) (?:delai|carence)\b"
                         r"|\b(?:carence|celui en carence)\b.{0,30}\b(?:termin|fini|finit)\w* quand\b"
                         r"|\b(?:termin|fini|finit|acheve|expire)\w* quand\b.{0,20}\b(?:delai|carence)\b")
_PAY = re.compile(r"\b(?:pai|pay|vers|touch|indemni|rembours|recev|recoi|verr)\w*")


def question_kind(text: Optional[str]) -> Optional[str]:
    """What a message asks about one claim: ``if_fails`` (when do you pay if collection fails),
    ``advance`` (paid before the end of the waiting period), ``recovered`` (what was recovered from the
    buyer), ``ending`` (how a claim ended), ``in_time`` (declared in time?), ``payout`` (how much you
    pay / paid), ``amount`` (how much was it), or None (where it stands)."""
    s = fold(text)
    if re.search(_FAILS, s) and re.search(_WHEN, s) or WAITING_END.search(s):
        return "if_fails"
    if re.search(r"\b(?:combien|montant|quelle somme)\b.{0,40}\bdeclar|\bdeclar\w* (?:combien|quel montant)", s):
        return "amount"
    for kind, pattern in KINDS:
        if pattern.search(s):
            return kind
    if re.search(r"\bcombien\b", s) or re.search(r"\bmontant\b", s):
        return "payout" if _PAY.search(s) else "amount"
    return None


def superlative(text: Optional[str]) -> Optional[str]:
    """"newest" (« le plus récent », « le dernier »), "oldest" (« le plus vieux », « le premier ») or None."""
    s = fold(text)
    if OLDEST.search(s):
        return "oldest"
    if NEWEST.search(s):
        return "newest"
    return None


_PLACE = re.compile(r"\b(?:sur|en|au|aux|de|du|pour|d')\s*(?:l'|la |le |les )?([a-z][a-z'-]*(?: [a-z][a-z'-]*){0,2})")


def country_filter(text: Optional[str]) -> Optional[str]:
    """The country a list is filtered on (« ceux sur l'Espagne », « mes dossiers en Italie »), ISO code."""
    from bot.parsing.countries import normalise_country

    for m in _PLACE.finditer(fold(text)):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            code = normalise_country(" ".join(words[:n]))
            if code:
                return code
    return None


# words of a question that never name a buyer (on top of claim_filters.COMMON)
_NOT_NAMES = frozenset("""
ceux celles celui celle lequel laquelle lesquels plus recent recents dernier derniere vieux vieil vieille ancien
ancienne premier premiere deux trois quatre termine terminee fini finie paye payes payee refuse refuses ouvert
ouverts ouverte clos encore tous toutes liste avez ont ils elles mon mes nos vos votre notre autre autres bien
quoi comment svp merci bonjour salut alors donc aussi deja sont etait c'est c'etait combien quand depuis
""".split())


def _word_groups(text: Optional[str]) -> List[str]:
    """Groups of two or three consecutive words (longest first) that neither start nor end with a common word
    (single words go through :func:`claim_filters.buyer_in_words`, stricter)."""
    words = [w.split("'")[-1] for w in re.findall(r"[a-z0-9][a-z0-9'&.-]*", fold(text))]
    common = claim_filters.COMMON | _NOT_NAMES
    out: List[str] = []
    for size in (3, 2):
        for i in range(len(words) - size + 1):
            group = words[i:i + size]
            if group[0] in common or group[-1] in common or len(group[0]) < 3 or len(group[-1]) < 3:
                continue
            candidate = " ".join(group)
            if len(candidate) >= 4 and candidate not in out:
                out.append(candidate)
    return out


def buyer_named(text: Optional[str], buyer_names: Sequence[str], entity: Optional[str] = None) -> Tuple[str, List[str]]:
    """Which buyer of ``buyer_names`` the message names: ("match"|"ambiguous"|"none", names).

    The NLU entity first, then the words after « sur / pour / chez / de », then any group of words
    (« et martin logistique ils ont combien de dossiers »): a longer group that matches wins over a
    single word that several buyers share (« martin »)."""
    names = sorted(set(buyer_names))
    if not names:
        return "none", []
    ambiguous: List[str] = []
    candidates = ([entity] if entity else []) + claim_filters.words_after_preposition(text) + _word_groups(text)
    for i, candidate in enumerate(candidates):
        outcome, found = claim_filters.match_buyer(candidate, names)
        if outcome == "match":
            return outcome, list(found)
        if outcome == "ambiguous" and not ambiguous and ((entity and i == 0) or len(candidate.split()) == 1):
            ambiguous = list(found)
    if ambiguous:
        return "ambiguous", ambiguous
    one = claim_filters.buyer_in_words(text, names)
    return ("match", [one]) if one else ("none", [])


@dataclass(frozen=True)
class Focus:
    """What the conversation is about: the claim and buyer in focus, the claims of the last list shown,
    and which of claim / buyer an answer set last ("claim" | "buyer" | None)."""

    claim_ref: Optional[str] = None
    buyer: Optional[str] = None
    shown: Tuple[str, ...] = ()
    latest: Optional[str] = None


@dataclass(frozen=True)
class Resolution:
    """``claims``: the claims the message is about (one, several or none); ``buyer``: the buyer they were
    chosen by (exact store name) if any; ``ambiguous``: buyer names to choose from; ``scope``: "buyer",
    "list", "focus", "all" or "none" (where the claims were taken from)."""

    claims: Tuple = ()
    buyer: Optional[str] = None
    ambiguous: Tuple[str, ...] = ()
    scope: str = "none"
    filtered: bool = False
    notes: Tuple[str, ...] = field(default=())

    @property
    def one(self):
        return self.claims[0] if len(self.claims) == 1 else None


def read_filter(text: Optional[str]) -> claim_filters.ClaimFilter:
    """The list filter of a message, without the words of a question on how a claim ended
    (« il s'est terminé comment ? » asks about a claim, it does not filter closed ones)."""
    s = KINDS[2][1].sub(" ", fold(text))
    flt = claim_filters.read_filter(s)
    if "closed" in flt.stages and not CLOSED_CLAIMS.search(s):
        flt = replace(flt, stages=flt.stages - {"closed"})
    if "indemnified" in flt.stages and not PAID_CLAIMS.search(s):
        # « on peut être payés en avance ? », « vous me paierez combien ? »: a payment, not a filter
        flt = replace(flt, stages=flt.stages - {"indemnified"})
    return flt


def _pick(items: Sequence, text: str, flt, focus: Optional[Focus] = None, kind: Optional[str] = None, *,
          strict: bool = False) -> List:
    """``items`` narrowed by the filter, the country, « l'autre », « comment s'est-il fini » and a superlative.
    ``strict``: a country that matches nothing gives nothing (a list); else it is ignored (one claim)."""
    chosen = claim_filters.apply(items, flt) if not flt.empty else list(items)
    country = country_filter(text)
    if country:
        kept = [i for i in chosen if (i.buyer_country or "").upper() == country]
        chosen = kept if (kept or strict) else chosen
    if focus is not None and focus.claim_ref and claim_filters.asks_other(text):
        chosen = [i for i in chosen if i.ref != focus.claim_ref] or chosen
    if kind == "ending" and len(chosen) > 1:
        chosen = [i for i in chosen if not i.is_open] or chosen
    sup = superlative(text)
    if sup and chosen:
        ordered = sorted(chosen, key=lambda i: (i.declared_on, i.ref))
        chosen = [ordered[0] if sup == "oldest" else ordered[-1]]
    return chosen


def _buyer_in_focus(focus: Focus, items: Sequence) -> Optional[str]:
    if not focus.buyer:
        return None
    outcome, found = claim_filters.match_buyer(focus.buyer, [i.buyer_name for i in items])
    return found[0] if outcome == "match" else None


def _read(text: Optional[str], items: Sequence, entity: Optional[str]):
    """(items as a list, folded text, filter, buyer outcome, buyer names) of a message."""
    items = list(items)
    outcome, found = buyer_named(text, [i.buyer_name for i in items], entity)
    return items, fold(text), read_filter(text), outcome, found


def resolve_one(text: Optional[str], items: Sequence, focus: Focus, entity: Optional[str] = None) -> Resolution:
    """The claim(s) a question about ONE claim is about (status, amount, payout, ending...)."""
    items, s, flt, outcome, found = _read(text, items, entity)
    kind = question_kind(text)
    if outcome == "ambiguous":
        return Resolution(ambiguous=tuple(found), scope="none")
    if outcome == "match":
        buyer = found[0]
        mine = [i for i in items if i.buyer_name == buyer]
        # words read as a filter ("payés", "se termine") are often no filter in a question: a buyer who has
        # claims never gets "no claim on this buyer" (claim_filters.for_buyer)
        chosen = _pick(mine, s, flt, focus, kind) or _pick(mine, s, claim_filters.ClaimFilter(), focus, kind)
        if len(chosen) > 1 and flt.empty and not superlative(s):
            if focus.claim_ref in {i.ref for i in chosen} and not claim_filters.asks_other(s):
                chosen = [i for i in chosen if i.ref == focus.claim_ref]
            else:
                open_ones = [i for i in chosen if i.is_open]
                chosen = open_ones if len(open_ones) == 1 and kind != "ending" else chosen
        return Resolution(tuple(chosen), buyer, scope="buyer", filtered=not flt.empty)
    by_ref = {i.ref: i for i in items}
    shown = [by_ref[r] for r in focus.shown if r in by_ref]
    this_claim = bool(THIS_CLAIM.search(s))
    if this_claim:
        flt = claim_filters.ClaimFilter()
    into_list = bool(superlative(s) or INTO_LIST.search(s) or not flt.empty or claim_filters.asks_other(s))
    if into_list and shown:
        chosen = _pick(shown, s, flt, focus, kind)
        if chosen:
            return Resolution(tuple(chosen), scope="list", filtered=not flt.empty)
    focus_claim = by_ref.get(focus.claim_ref or "")
    focus_buyer = _buyer_in_focus(focus, items)
    if focus_claim is not None and focus_buyer and focus.latest == "buyer" and focus_claim.buyer_name != focus_buyer:
        focus_claim = None  # the latest answer moved to another buyer
    if focus_claim is not None and not into_list:
        return Resolution((focus_claim,), focus_claim.buyer_name, scope="focus")
    if focus_buyer:
        mine = [i for i in items if i.buyer_name == focus_buyer]
        chosen = _pick(mine, s, flt, focus, kind)
        if len(chosen) > 1 and flt.empty and not superlative(s):
            open_ones = [i for i in chosen if i.is_open]
            chosen = open_ones if len(open_ones) == 1 else chosen
        if chosen:
            return Resolution(tuple(chosen), focus_buyer, scope="focus", filtered=not flt.empty)
    if into_list:
        chosen = _pick(items, s, flt, focus, kind)
        return Resolution(tuple(chosen), scope="all", filtered=not flt.empty)
    return Resolution(scope="none")


def resolve_list(text: Optional[str], items: Sequence, focus: Focus, entity: Optional[str] = None) -> Resolution:
    """The claims a list request is about (« ceux sur Laiterie Girard », « et ceux sur l'Espagne ? »,
    « lesquels sont refusés », « combien de dossiers chez Martin Logistique »): always from all the
    person's claims, narrowed by a buyer (named, or « sur eux » for the buyer in focus) and the filters."""
    items, s, flt, outcome, found = _read(text, items, entity)
    if outcome == "ambiguous":
        return Resolution(ambiguous=tuple(found), scope="none")
    buyer = found[0] if outcome == "match" else None
    if buyer is None and (claim_filters.points_at_focus(s) or re.search(r"\b(?:ils|elles) (?:en )?ont\b", s)):
        buyer = _buyer_in_focus(focus, items)
    country = country_filter(s)
    if buyer is None and flt.empty and not country and not superlative(s):
        return Resolution(scope="none")
    chosen = _pick([i for i in items if buyer is None or i.buyer_name == buyer], s, flt, strict=True)
    notes = ("country:" + country,) if country else ()
    return Resolution(tuple(chosen), buyer, scope="buyer" if buyer else "all", filtered=True, notes=notes)


TOTAL = re.compile(r"\b(?:en tout|au total|total|cumul\w*|en cumule|somme)\b")


def asks_total(text: Optional[str]) -> Optional[str]:
    """"indemnified" (« vous m'avez payé combien en tout ? ») or "recovered" (« récupéré au total »), else None."""
    s = fold(text)
    if not (TOTAL.search(s) and re.search(r"\bcombien\b|\bquel\b|\bmontant\b|\btotal\b", s)):
        return None
    if re.search(r"\brecuper|\brecouvr", s):
        return "recovered"
    if _PAY.search(s):
        return "indemnified"
    return None


def total(items: Iterable, what: str) -> Decimal:
    """Sum of the indemnities paid (``indemnified``) or of the sums recovered (``recovered``)."""
    attr = "amount_indemnified" if what == "indemnified" else "amount_recovered"
    return sum((getattr(i, attr) or Decimal(0) for i in items), Decimal(0))


def shown_refs(events: Sequence[dict], *, within: int = 4) -> Tuple[str, ...]:
    """The claim references of the last list the assistant showed (its claim buttons), looking back at
    most ``within`` user messages; () when none. Tracker events as dicts (Rasa's event format)."""
    import json

    users = 0
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            users += 1
            if users > within:
                break
        elif kind == "bot":
            buttons = ((event.get("data") or {}).get("buttons") or [])
            refs = []
            for b in buttons:
                payload = b.get("payload") or ""
                if payload.startswith("/ask_claim_status{"):
                    try:
                        ref = json.loads(payload[len("/ask_claim_status"):]).get("claim_ref")
                    except ValueError:
                        ref = None
                    if ref and ref not in refs:
                        refs.append(ref)
            if len(refs) >= 2:
                return tuple(refs)
    return ()
