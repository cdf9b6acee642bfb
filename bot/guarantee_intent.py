"""Which question an ``ask_guarantee`` message asks, and whether a country is in a contract's zone.

Pure functions, no I/O, no Rasa (used by ``actions/guarantee.py``).

:func:`read` sorts a message into one of:
- ``increase``: a request for a higher (or first) agrément, with a buyer and an amount (``clear``: said as a
  request, « faites une demande », « pouvez-vous remonter… » — a question « on peut demander ? » is confirmed first);
- ``headroom``: what is left under an agrément, or whether a new delivery of ``amount`` stays covered;
- ``deliveries``: whether deliveries are covered after a reduction or a cancellation (``when``: ``before`` the
  change, ``after`` it, or unknown);
- ``reason``: why an agrément was reduced, cancelled, refused or only partly granted;
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
# a request said as one (« faites une demande », « pouvez-vous remonter », « je voudrais 70 000 ») vs a question
# on whether one may ask (« on peut demander plus ? »), which is confirmed before anything is recorded
CLEAR_REQUEST_RE = re.compile(
    r"\b(?:pouvez|pourriez)[- ]vous\b|\bvous (?:pouvez|pourriez)\b|\bfaites\b|\bdemandez\b|\btransmett\w*|"
    r"\b(?:remontez|relevez|augmentez|portez|passez)\b|\bje (?:veux|voudrais|souhaite|souhaiterais|demande)\b|"
    r"\bj'aimerais\b|\bnous (?:voulons|voudrions|souhaitons|sollicitons)\b|\bmerci de\b|\bs'il vous plait\b|\bsvp\b|"
    r"\bstp\b|\balors\s*[.!]*$|\ballez[- ]y\b|\bvas[- ]y\b"
    r"|^(?:oui |ok |bon |alors )*(?:augmenter|remonter|relever|rehausser|porter|passer|demander|demande d'augmentation"
    r"|faire une demande)\b"
)
REASON_RE = re.compile(r"\bpourquoi\b|\bpk\b|\bpq\b|\bpkoi\b|\braison\w*|\bmotif\w*|\bexplication\w*|\bjustifi\w*")
CHANGE_RE = re.compile(r"\bbaiss\w*|\bredui\w*|\breduc\w*|\bdiminu\w*|\bsupprim\w*|\bannul\w*|\bcoup\w*|"
                       r"\bretir\w*|\brefus\w*|\bresili\w*|\bseulement\b|\bque \d|\bpas plus\b|\ba (?:0|zero)\b|\bpa \d")
DELIVERY_RE = re.compile(r"\blivr\w*|\bvend\w*|\bvent\w*|\bcommandes?\b|\bexpedi\w*|\bfactur\w*")
COVERED_RE = re.compile(r"\bcouvert\w*|\bgaranti\w*|\bassure\w*|\bpris en charge\b|\bca change\b|"
                        r"\bchange (?:quoi|quelque chose|qqch)\b")
BEFORE_RE = re.compile(r"\bd'avant\b|\bavant (?:la|le|l'|cette|ce)\b|\bdeja (?:livr|emis|factur|envoy)\w*|"
                       r"\brestent\b|\breste[- ]t[- ]elle\b|\bdeja faites?\b|\banciennes?\b")
AFTER_RE = re.compile(r"\ben ce moment\b|\bmaintenant\b|\bactuellement\b|\bdesormais\b|\bencore\b|\bdepuis\b|"
                      r"\bprochaine?s?\b|\bnouvelles?\b|\ba venir\b|\bcontinuer\b|\bde plus\b|\bsemaine derniere\b|"
                      r"\bmois dernier\b|\bhier\b|\baujourd'hui\b")
HEADROOM_RE = re.compile(r"\bdispo\w*|\bmarge\b|\breste\w*(?: \w+)? combien\b|\bcombien (?:il )?(?:me |nous )?reste\b|"
                         r"\bcombien (?:je|on) peu[tx] (?:encore )?(?:livrer|vendre)\b|\bencore livrer\b|\bdepasse\w*")
IF_DELIVER_RE = re.compile(r"\bsi (?:je|on|nous) (?:leur |lui )?(?:livr|vend|factur|expedi)\w*|"
                           r"\b(?:livr|vend|factur)\w* (?:encore|de plus|en plus)\b|\bde plus\b|\ben plus\b")
# a wish for more cover even without an amount (« on peut demander plus ? », « revoir le refus »)
REVIEW_RE = re.compile(r"\baugment\w*|\brelev(?:er|ez)\b|\brehauss\w*|\bremont\w*|\brevision\b|\brevoir\b|\bredemand\w*|"
                       r"\breexamin\w*|\bnouvel(?:le)? (?:demande|examen)\b|\bdemander (?:plus|\+|davantage|une hausse)|"
                       r"plus de garantie|\bhausses?\b|plus (?:elevee?|haute?)")
ENCOURS_RE = re.compile(r"\bencours\b|en cours garanti|\bexposition\b")
SCOPE_RE = re.compile(r"\bpays\b|etranger|\bexport\w*|territoria\w*|international\w*|hors (?:ue|union|france)")

EU = COUNTRY_GROUPS["EU"]  # the one list of the EU's members (bot/parsing/countries.yml)
# countries under broad sanctions at the time of writing: "hors pays sous sanctions" gives no sure answer for them
SANCTIONS_HINT = frozenset("RU BY IR KP SY".split())


@dataclass(frozen=True)
class Ask:
    kind: str  # increase | headroom | deliveries | reason | buyer | encours | scope | overview
    buyer: Optional[str] = None
    amount: Optional[Decimal] = None
    country: Optional[str] = None  # ISO2
    guess: Optional[str] = None  # a buyer name read from the words when NLU found no buyer entity
    clear: bool = True  # increase: said as a request (False: a question, confirmed first)
    when: Optional[str] = None  # deliveries: "before" | "after" | None (unknown: both are said)

    @property
    def needs_buyer(self) -> bool:
        """The answer is about one buyer: without a name, the buyer being discussed is meant."""
        return self.kind in ("increase", "headroom", "deliveries", "reason", "buyer")


# "garantie sur martin", "limite pour Garage Martin ?": the words after "sur / pour / chez"
_AFTER_PREPOSITION = re.compile(r"\b(?:sur|pour|chez)\s+(?P<name>[^?!.,;:]{2,60})", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:ce|cet|cette|ces|mon|ma|mes|un|une|des|les|tous|toutes|quel|quelle|"
                         r"l ?export|l ?etranger|la france|combien|eux|lui|elle|elles|ils|leur|leurs|nous|vous|moi|"
                         r"celui|celle|ceux|ca|cela|export|etranger|international|"
                         r"le (?:client|dossier|contrat)|la (?:facture|limite|garantie))\b"
                         r"|^(?:le|la|l')\s*$", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:l'|le |la )", re.IGNORECASE)


def buyer_guess(text: Optional[str]) -> Optional[str]:
    """A buyer name after "sur / pour / chez", or None when the words there are not a name."""
    match = _AFTER_PREPOSITION.search(text or "")
    if not match:
        return None
    name = match.group("name").strip()
    if _NOT_A_NAME.match(fold(name)):
        return None
    name = _ARTICLE.sub("", name).strip()  # « sur l'hôtel du port »: the name without its article
    if not re.search(r"[a-zA-Z]{2}", name) or _NOT_A_NAME.match(fold(name)):
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


PAYOUT_RE = re.compile(r"\b(?:pay|paie|rembours|vers|indemnis|touch)\w*\b.{0,15}\bcombien\b"
                       r"|\bcombien\b.{0,30}\b(?:pay|paie|rembours|vers|indemnis|touch)\w*")


def asks_payout(text: Optional[str]) -> bool:
    """« vous me payez combien sur les 36 000 ? »: how much we would pay, not an agrément."""
    return bool(PAYOUT_RE.search(fold(text)))


def is_clear_request(text: Optional[str]) -> bool:
    """« faites une demande pour 140 000 », « pouvez-vous remonter X à 70 000 ? »: a request, not a question
    on whether one may ask (« on peut demander plus ? »)."""
    folded = fold(text)
    if re.search(r"\b(?:on|je|nous) (?:peut|peux|pourrait|pourrais|pourrions)\b|\bpeut[- ](?:on|je)\b|"
                 r"\best[- ]ce (?:qu'on|que je|que nous|possible)\b|\bpossible\b|\bc'est faisable\b", folded) \
            and not re.search(r"\b(?:pouvez|pourriez)[- ]vous\b|\bvous (?:pouvez|pourriez)\b", folded):
        return False
    return bool(CLEAR_REQUEST_RE.search(folded))


def delivery_when(text: Optional[str]) -> Optional[str]:
    """Deliveries asked about: made ``before`` the change (« celles d'avant la coupure »), ``after`` it
    (« ce qu'on livre en ce moment », « la semaine dernière »), or None when the words do not say."""
    folded = fold(text)
    before, after = bool(BEFORE_RE.search(folded)), bool(AFTER_RE.search(folded))
    if before and not after:
        return "before"
    if after and not before:
        return "after"
    return None


def _about_one_buyer(folded: str, amount: Optional[Decimal]) -> Optional[str]:
    """The one-buyer questions: headroom, deliveries after a change, the reason of a decision."""
    if HEADROOM_RE.search(folded) or (amount is not None and IF_DELIVER_RE.search(folded)
                                      and COVERED_RE.search(folded)):
        return "headroom"
    if DELIVERY_RE.search(folded) and COVERED_RE.search(folded):
        return "deliveries"
    if re.search(r"\bca change (?:quoi|quelque chose|qqch)\b|\bchange (?:quoi|quelque chose|qqch)\b", folded) \
            and CHANGE_RE.search(folded):
        return "deliveries"
    if REASON_RE.search(folded) and (CHANGE_RE.search(folded) or not ENCOURS_RE.search(folded)):
        return "reason"
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
    typed = None if folded.startswith("/") else text
    amount = requested_amount(text or "", amounts) if typed else None
    if amount is not None and amount <= 0:
        amount = None
    asked_before = bool(re.search(r"\bdemandee?s\b|\b(?:avais|avait|aviez|avions|ai|a|ont|avez|etait) demande", folded)
                        or re.search(r"demandée?s?\b", text or "", re.IGNORECASE))
    if not REASON_RE.search(folded) and not asked_before and (
            (amount is not None and (INCREASE_RE.search(folded) or re.search(r"\bdemand\w*", folded)))
            or (amount is None and REVIEW_RE.search(folded))):
        if amount is not None or not buyer or re.search(r"\bdemand\w*|\brevoir\b|\breexamin\w*", folded):
            return Ask("increase", buyer=buyer, amount=amount, clear=is_clear_request(text),
                       guess=None if buyer or not typed else buyer_guess(text))
    kind = _about_one_buyer(folded, amount) if typed else None
    if kind:
        return Ask(kind, buyer=buyer, amount=amount if kind in ("headroom", "deliveries") else None, country=country,
                   when=delivery_when(text) if kind == "deliveries" else None,
                   guess=None if buyer else buyer_guess(text))
    if buyer:
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
