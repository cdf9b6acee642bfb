"""What the CAP conversation needs to understand, as pure functions (no Rasa, no I/O).

- :func:`classify` tells a general question on a scheme ("c'est quoi le CAP+ ?") from an
  eligibility question ("suis-je éligible ?", "l'assureur a refusé, l'État peut couvrir ?");
- :func:`prefill` reads the figures already given in the first message (amounts, refusal,
  country, date) so the form does not ask for them again;
- ``parse_*`` read the answers to the form's questions;
- :func:`build_request` turns the form's slots into a :class:`bot.cap.engine.CapRequest`;
- :func:`limit_slots` takes the figures from the agrément, as they stood on the sale date;
- :func:`ambiguous_amount` tells "600,000" (600 € or 600 000 €?) so the form asks instead of guessing.

Slot values are plain strings: amounts as Decimal strings ("600000"), dates as ISO strings,
countries as ISO 3166 alpha-2 codes. ``NO_BUYER`` marks "no buyer from the store: figures typed".
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from bot.parsing import normalise_country, normalise_scheme, parse_amount, parse_date, read_amount
from bot.text import fold as _fold_text

NO_BUYER = "aucun"
MODES = ("explain", "eligibility")

_ELIGIBILITY = re.compile(
    r"eligib|ai-je droit|ai je droit|avoir droit|puis-je (?:en )?benefici|puis je (?:en )?benefici|"
    r"pouvons-nous|solliciter|suis-je couvert|refus|retir|resili|annul|decline|"
    r"l'etat (?:peut|pourrait)|peut-il couvrir|pourrait couvrir|couvrir (?:la difference|le reste)|"
    r"completer|complement possible|partielle|insuffisant|demande de cap|pour (?:mon|notre) client|"
    r"(?:j'ai|on a) besoin de|accord\w*",
)
_EXPLAIN_ONLY = re.compile(
    r"c'est quoi|qu'est-ce|comment (?:fonctionne|ca marche)|existe (?:encore|toujours)|"
    r"toujours en vigueur|encore valable|jusqu'a quand|combien coute|prix|tarif|quel texte|loi ",
)
_PRICE = re.compile(r"combien (?:ca )?cout|\bprix\b|\btarif|\bcout\b|\bprime\b")
_REFUSED = re.compile(r"\brefus|\bretir|\bresili|\bannul|\bdeclin|\brien\b|\baucun|\bzero\b|\bnon\b|pas couvert|"
                      r"ne (?:me )?couvre (?:pas|plus)")
_SKIP = re.compile(r"\bnon\b|\baucun|\bpas de\b|je ne sais|sais pas|\bpasser\b|\bpeu importe|\bskip\b|"
                   r"aujourd'? ?hui|maintenant|\bnouvelle\b|a venir")
# a sale to come ("le mois prochain", "une nouvelle commande"): the rules of today apply
_FUTURE = re.compile(r"aujourd'? ?hui|\bmaintenant\b|\bprochaine?s?\b|\ba venir\b|\bnouvelles? (?:ventes?|commandes?)\b|"
                     r"\brevendre\b|\bdesormais\b|\bactuellement\b|\bdes demain\b")
# a question on what was stored for a buyer ("on avait eu le CAP en 2020, il couvrait combien ?",
# "je vois une ligne Cap Relais"), not on a sale to come
_RECORD = re.compile(r"\b(?:on|nous|j')\s*(?:avait|avions|avais|a|avons|ai) eu\b|\bon avait\b|\bnous avions\b|"
                     r"\bje vois\b|\bune ligne\b|\bc'etait quoi\b|\bcouvrait\b|\ba couvert\b|\bderriere\b|"
                     r"\bnotre (?:cap|complement)\b|\benregistre")
_HERE = re.compile(r"\bici\b|\ben france\b|\bfrancais|\bmetropole|\bhexagone")
_MONTH_YEAR = re.compile(r"\b(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|"
                         r"decembre)\s+(20\d\d)\b")
_MONEY_MARK = re.compile(r"€|\beuros?\b|\d\s*[kKmM]\b|\bmille\b|\bmillions?\b", re.IGNORECASE)
_MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
           "novembre", "decembre")


def fold(text: Optional[str]) -> str:
    return _fold_text(text, squeeze=True).strip()


_NO_BUYER = re.compile(r"^(?:non|aucun|aucune|personne|rien|passer|pas de client|je ne sais pas|je prefere)\b")


def is_no_buyer(text: Optional[str]) -> bool:
    """The answer "aucun" / "non" / "je préfère donner les chiffres" to "which buyer?"."""
    folded = fold(text)
    return not folded or bool(_NO_BUYER.match(folded))


def scheme_from(text: Optional[str], entity: Optional[str] = None) -> Optional[str]:
    """The scheme named in the entity or the text, as one of ``bot.parsing.SCHEME_NAMES``."""
    return normalise_scheme(entity) or normalise_scheme(text)


def is_price_question(text: Optional[str]) -> bool:
    return bool(_PRICE.search(fold(text)))


def amounts_in(text: Optional[str], entities: Iterable[str] = ()) -> Tuple[Decimal, ...]:
    """Every amount in the message: the ``amount`` entities, or the pieces of the text when they hold
    more (the NLU may miss one of "on veut 400 000, vous couvrez 250 000")."""
    values = [a for a in (parse_amount(str(e)) for e in entities) if a is not None and a > 0]
    pieces = _amount_pieces(text)
    return tuple(values) if len(values) >= len(pieces) else pieces


def _amount_pieces(text: Optional[str]) -> Tuple[Decimal, ...]:
    found = []
    for piece in re.split(r"\bmais\b|\bet\b|,\s|;|\bpour\b|\bsur\b|\bsoit\b", text or ""):
        amount = parse_amount(piece)
        if amount is None or amount <= 0:
            continue
        if 1990 <= amount <= 2100 and not _MONEY_MARK.search(piece):
            continue  # a year ("en 2026"), not an amount
        found.append(amount)
    return tuple(found)


def ambiguous_amount(text: Optional[str]) -> Optional[Tuple[Decimal, ...]]:
    """The readings of an amount written two ways ("600,000": 600 in French, 600 000 in English),
    French first; None when the text is clear (or holds no amount)."""
    reading = read_amount(text)
    if not reading.ambiguous:
        return None
    return (reading.value,) + reading.alternatives


_CAP_WORDS = re.compile(r"\bcap\b|\bcap\+|francexport|\brelais\b|\betat\b|\bpublic|\bcomplement|\bdispositif|"
                        r"\baides?\b|\bbpi|\bgaranties? (?:de l'etat|publique)|\bsoutien\b")


def mentions_cap(text: Optional[str]) -> bool:
    """The message names a scheme or the State's help (else "ask_cap" was a guess of the NLU)."""
    return bool(_CAP_WORDS.search(fold(text)))


def asks_about_record(text: Optional[str]) -> bool:
    """A question on the top-up a buyer had (stored CAP records), not on a sale to come."""
    folded = fold(text)
    return bool(_RECORD.search(folded)) and not _FUTURE.search(folded)


def classify(text: Optional[str], entities: Mapping[str, Iterable[str]] = None) -> str:
    """``eligibility`` for a question about one sale or one buyer, else ``explain``."""
    entities = entities or {}
    folded = fold(text)
    if list(entities.get("buyer") or ()) or amounts_in(text, entities.get("amount") or ()):
        return "eligibility"
    if _ELIGIBILITY.search(folded) and not (_EXPLAIN_ONLY.search(folded) and "eligib" not in folded):
        return "eligibility"
    return "explain"


def sale_date(text: Optional[str], today: date) -> Optional[date]:
    """A date given in a follow-up ("et en mars 2021 ?", "pour une vente du 31/03/2021"): a day, or a
    month and year (the 1st); None otherwise (never "today" by default)."""
    if not text:
        return None
    m = _MONTH_YEAR.search(fold(text))
    if m:
        return date(int(m.group(2)), _MONTHS.index(m.group(1)) + 1, 1)
    return parse_date(text, today)


def parse_tx_date(text: Optional[str], today: date) -> Optional[date]:
    """The sale date from an answer: a date, "mars 2021" (the 1st), or "aujourd'hui"/"je ne sais pas"
    (today). None when the answer holds no date."""
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return date.fromisoformat(text.strip())
    found = parse_date(text, today)
    if found is not None:
        return found
    m = _MONTH_YEAR.search(fold(text))
    if m:
        return date(int(m.group(2)), _MONTHS.index(m.group(1)) + 1, 1)
    if _SKIP.search(fold(text)):
        return today
    return None


def parse_granted(text: Optional[str]) -> Optional[Tuple[Decimal, bool]]:
    """(granted amount, refused) from the answer to "what did your insurer grant?"; None if unclear."""
    folded = fold(text)
    amount = parse_amount(text)
    if amount is not None and amount > 0:
        return amount, False
    if _REFUSED.search(folded) or amount == 0:
        return Decimal(0), True
    return None


def parse_country(text: Optional[str], entity: Optional[str] = None) -> Optional[str]:
    """ISO code of the buyer's country; "en France" / "ici" -> FR."""
    code = normalise_country(entity) or normalise_country(text)
    if code:
        return code
    return "FR" if _HERE.search(fold(text)) else None


def prefill(text: Optional[str], entities: Mapping[str, Iterable[str]], today: date) -> Dict[str, Any]:
    """Slot values already given in the question itself (never guessed)."""
    out: Dict[str, Any] = {}
    folded = fold(text)
    amounts = amounts_in(text, entities.get("amount") or ())
    refused = bool(re.search(r"\brefus|\bretir|\bresili|\bannul|\bdeclin", folded))
    if refused and len(amounts) == 1:
        out.update(cap_requested=str(amounts[0]), cap_granted="0", cap_refused=True)
    elif len(amounts) >= 2:
        out.update(cap_requested=str(max(amounts)), cap_granted=str(min(amounts)), cap_refused=False)
    elif refused:
        out.update(cap_granted="0", cap_refused=True)
    country = parse_country(text, next(iter(entities.get("country") or ()), None))
    if country:
        out["cap_country"] = country
    tx = parse_date(text, today)
    m = _MONTH_YEAR.search(folded)
    if tx is None and m:
        tx = date(int(m.group(2)), _MONTHS.index(m.group(1)) + 1, 1)
    if tx is None and _FUTURE.search(folded):
        tx = today
    if tx is not None:
        out["cap_transaction_date"] = tx.isoformat()
    return out


def build_request(slots: Mapping[str, Any], today: date):
    """The :class:`CapRequest` of the form's slots, or None when a figure is missing."""
    from bot.cap.engine import CapRequest

    requested = parse_amount(str(slots.get("cap_requested") or ""))
    if requested is None or requested <= 0:
        return None
    refused = bool(slots.get("cap_refused"))
    granted = None if refused else parse_amount(str(slots.get("cap_granted") or ""))
    if not refused and granted is None:
        return None
    tx_text = slots.get("cap_transaction_date")
    tx = date.fromisoformat(tx_text) if tx_text else today
    return CapRequest(requested=requested, granted=granted, refused=refused,
                      buyer_country=slots.get("cap_country") or "FR", transaction_date=tx)


def complete(values: Mapping[str, Any]) -> bool:
    """The question itself gives every figure (requested, granted or refused, country, date): the
    decision can be said at once, without the form."""
    return bool(values.get("cap_requested") and (values.get("cap_granted") or values.get("cap_refused"))
                and values.get("cap_country") and values.get("cap_transaction_date"))


CAP_ACTIONS = ("action_cap_evaluate", "action_cap", "cap_form")


def previous_turn(events: Iterable[Mapping[str, Any]]) -> Tuple[str, ...]:
    """The assistant's actions between the person's previous message and the latest one, in order."""
    names, seen_user = [], False
    for event in reversed(list(events)):
        if event.get("event") == "user":
            if seen_user:
                break
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            names.append(event.get("name"))
        elif seen_user and event.get("event") == "slot" and event.get("name") == "cap_mode" \
                and event.get("value") in ("explain", "eligibility"):
            names.append("action_cap")  # a CAP answer given inside another action (a follow-up)
    return tuple(reversed(names))


def last_answer(events: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The assistant's last action before the latest message of the person (None at the start); a CAP
    action of that turn wins (an action may hand over to another: "action_declare_start" -> "action_cap")."""
    actions = previous_turn(events)
    cap = [name for name in actions if name in CAP_ACTIONS]
    return cap[-1] if cap else (actions[-1] if actions else None)


def after_decision(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when the assistant's last answer (before the latest message) was a CAP decision:
    a date given now means "and for a sale on that date?"."""
    return any(name in ("action_cap_evaluate", "action_cap") for name in previous_turn(events))


_STOP = re.compile(
    r"^(?:(?:non|bon|ok|bref|en fait|finalement|alors)[ ,]+)?"
    r"(?:stop|stoppe[rz]?|arrete[rz]?|arretons|on arrete|j'arrete|annuler|annulez|annule tout|on annule|j'annule|"
    r"laisse[rz]? tomber|laissons tomber|abandonne[rz]?|j'abandonne|on abandonne|oublie[rz]?|oublions|"
    r"tant pis|pas maintenant|plus tard|quitter|sortir|je ne veux plus|je veux plus|ca ne m'interesse plus|"
    r"c'est bon|ca ira)"
    r"(?:[ ,]+(?:la|le|cette|ce|les|ca|tout|merci|svp|stp|s'il vous plait|pour l'instant|pour le moment|"
    r"question|demande|formulaire|cap|simulation|on verra))*[ .!]*$"
)


def wants_to_stop(text: Optional[str]) -> bool:
    """The person wants to leave the eligibility form ("stop", "laissez tomber", "annuler")."""
    folded = fold(text)
    return bool(folded) and len(folded) <= 80 and bool(_STOP.match(folded))


def answers(slot: str, text: Optional[str], today: date) -> bool:
    """True when ``text`` reads as an answer to the form's question for ``slot``."""
    if slot == "cap_buyer":
        return "?" not in (text or "") and not scheme_from(text)
    if slot == "cap_requested":
        return bool(amounts_in(text)) or ambiguous_amount(text) is not None
    if slot == "cap_granted":
        return parse_granted(text) is not None or ambiguous_amount(text) is not None
    if slot == "cap_country":
        return parse_country(text) is not None
    if slot == "cap_transaction_date":
        return parse_tx_date(text, today) is not None
    return False


def limit_slots(limit, on: Optional[date] = None) -> Optional[Dict[str, Any]]:
    """Slot values from a :class:`bot.store.views.LimitView` (the agrément on the buyer): today's,
    or, with ``on`` (the sale date), the decision in force that day. None when no decision was in
    force on ``on``: the limit then is unknown and must be asked, never taken from a later decision."""
    if on is None:
        refused = limit.status in ("refused", "cancelled") or limit.amount == 0
        requested, granted = limit.requested_amount, limit.amount
    else:
        decided = [d for d in limit.history if d.decision_date <= on]
        if not decided:
            return None
        last = decided[-1]
        refused = last.decision in ("refused", "cancelled") or last.granted_amount == 0
        requested, granted = last.requested_amount, last.granted_amount
    return {"cap_buyer": limit.buyer_name, "cap_requested": str(requested),
            "cap_granted": "0" if refused else str(granted), "cap_refused": refused,
            "cap_country": limit.buyer_country or "FR"}


def from_store(buyer: Optional[str]) -> bool:
    """The form's figures were taken from the agrément on ``buyer`` (not typed by the person)."""
    return bool(buyer) and buyer != NO_BUYER


_OTHER_TOPIC = re.compile(r"\bagrements?\b|\bdossiers?\b|\blimites?\b|\bsinistres?\b|\bindemni\w*|\brembours\w*|"
                          r"\bfactures?\b|\bsin[- ]?\d|\bdeclar\w*|\bimpaye\w*|\bconseiller\b|\brappel\w*|"
                          r"\bfrais\b|\bprimes?\b|\bcotisation|\breleve\b|\bquotite\b|\bfranchise\b|\bhoraires?\b")
_SAME_SALE = re.compile(r"\bet si\b|\bet en\b|\bet pour\b|\bmeme vente\b|\bvente (?:du|de|en)\b|\bexemple\b|"
                        r"\bdemande\w*\b.{0,40}\baccord\w*|\baccord\w*\b.{0,40}\bdemande\w*")


def is_followup(text: Optional[str], last_action: Optional[str], today: date) -> bool:
    """A message that goes on with the CAP talk just had ("et si l'assureur avait tout refusé ?",
    "faut faire une demande pour en profiter ?", "nos ventes sont en dollars, un souci ?"), whatever
    intent the NLU gave it. Only right after a CAP answer; another topic named ends the CAP talk."""
    from bot.cap.questions import is_hypothetical_refusal, kind

    if last_action not in CAP_ACTIONS or not text or text.startswith("/"):
        return False
    folded = fold(text)
    if _OTHER_TOPIC.search(folded) and not mentions_cap(text):
        return False
    if mentions_cap(text) or kind(text) is not None or is_hypothetical_refusal(text):
        return True
    return bool(_SAME_SALE.search(folded)) and (sale_date(text, today) is not None or len(amounts_in(text)) >= 2)
