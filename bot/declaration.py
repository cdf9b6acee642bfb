"""Declaring an unpaid invoice (DMS): the decisions behind the chat form, without Rasa.

Reading the answers (buyer, invoice number, amount, due date), telling a correction or a
cancellation from an answer, questions on the side, the DMS deadline, the pending declaration
and its idempotency key. ``actions/declare.py`` adapts these to the Rasa form and actions.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Dict, Mapping, Optional, Tuple

from bot.parsing import parse_amount, parse_date
from bot.store.views import DeclarationResult

FORM_SLOTS = ("buyer", "invoice_number", "amount", "due_date")
# intents that are a question on the side, never an answer to the form's question
DIGRESSIONS = {
    "ask_fees", "ask_guarantee", "ask_cap", "ask_advance_indemnification", "ask_claim_process", "ask_claim_status",
    "list_claims", "express_worry", "request_human", "complain", "bot_challenge",
}
_CORRECTION = re.compile(r"\b(non|plut[oô]t|erreur|pardon|correction|en fait|je me suis tromp)", re.IGNORECASE)
_CANCEL = re.compile(r"^\s*(stop|annule[rz]?|laisse[rz]? tomber|abandonne[rz]?)\b", re.IGNORECASE)
_INVOICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.\-]*\d[A-Za-z0-9/_.\-]*")
_MONEY_MARK = re.compile(r"€|\beuros?\b|\d\s*[kK]\b|\bk€", re.IGNORECASE)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _today() -> date:
    return date.today()


def user_text(text: Optional[str]) -> str:
    """What the person typed, stripped; "" for a button payload ("/intent...")."""
    text = text or ""
    return "" if text.startswith("/") else text.strip()


def is_cancel(text: str) -> bool:
    """« stop », « annuler », « laissez tomber », « on verra plus tard »... (see :mod:`bot.dialogue`)."""
    from bot.dialogue import is_cancel as wants_to_stop
    return bool(_CANCEL.match(text)) or wants_to_stop(text)


def _question(text: str) -> bool:
    """A question is never an answer to the form's question."""
    from bot.dialogue import is_question
    return is_question(text)


def _plain_invoice_number(text: str) -> bool:
    """A short reply that reads as an invoice number ("FAC-2026-118", "n° 1187"), not a claim
    reference, an amount or a question: NLU may file it under a side-question intent."""
    from bot.store.refs import parse_ref
    return ("?" not in text and len(text.split()) <= 3 and invoice_number_from(text) is not None
            and parse_ref(text).kind == "none" and "€" not in text and "euro" not in text.lower())


def answering(requested_slot: Optional[str], slot: str, intent: Optional[str], text: str) -> bool:
    """The message answers the question asked for ``slot`` (not a side question, a no or a stop)."""
    if requested_slot != slot or intent == "deny" or is_cancel(text):
        return False
    if intent in DIGRESSIONS or _question(text):
        return slot == "invoice_number" and _plain_invoice_number(text)
    return True


def is_correction(text: str) -> bool:
    """« non, c'est plutôt Martin Logistique », « pardon : 12 300 »: the person corrects an answer."""
    return bool(_CORRECTION.search(text or ""))


def _amount_correction(text: str, current_amount: Any) -> bool:
    """"non, c'est 12 300": a correction of an amount already given (and not a date)."""
    return bool(current_amount and _CORRECTION.search(text) and parse_date(text, _today()) is None
                and parse_amount(text) is not None)


def _plain_amount(text: str) -> bool:
    """A short reply that is an amount ("4 320 e", "1 840 €"): whatever intent NLU gave it."""
    from bot.dialogue import looks_like_phone
    return (len(text.split()) <= 5 and "?" not in text and parse_amount(text) is not None
            and parse_date(text, _today()) is None and not looks_like_phone(text))


def _plain_date(text: str) -> bool:
    """A short reply that is a date ("le 15/10", "payable au 30 novembre"): whatever intent NLU gave it."""
    return len(text.split()) <= 7 and "?" not in text and parse_date(text, _today()) is not None


def amount_answer(text: str, intent: Optional[str], requested_slot: Optional[str], current_amount: Any) -> Optional[str]:
    """The raw text to fill the amount slot with, or None to leave it alone (a phone number is never one)."""
    from bot.dialogue import looks_like_phone
    if looks_like_phone(text):
        return None
    if text and requested_slot == "amount" and not is_cancel(text) and _plain_amount(text):
        return text
    clause = money_in(text) if text and not is_cancel(text) else None
    if clause and (requested_slot == "amount" or (requested_slot == "invoice_number" and invoice_in(text))):
        return clause  # "le montant c'est 18 450 €. au fait ... ?", "facture FA-12 de 250 €, échéance ..."
    if intent in DIGRESSIONS or not text or is_cancel(text) or _question(text):
        return None
    if requested_slot == "amount":
        return text
    if _amount_correction(text, current_amount):
        return text
    return None


def due_date_answer(text: str, intent: Optional[str], requested_slot: Optional[str],
                    current_amount: Any) -> Optional[str]:
    """The raw text to fill the due date slot with, or None (an amount correction is not a date)."""
    if text and requested_slot == "due_date" and not is_cancel(text) and _plain_date(text) \
            and not _CORRECTION.search(text):
        return text
    clause = due_in(text) if text and not is_cancel(text) else None
    if clause and requested_slot in ("invoice_number", "amount", "due_date") and (
            requested_slot == "due_date" or money_in(text) or invoice_in(text)):
        return clause  # several answers at once: "de 250 €, échéance il y a deux semaines"
    if intent in DIGRESSIONS or not text or is_cancel(text) or _question(text):
        return None
    if requested_slot != "due_date":
        return None
    if parse_date(text, _today()) is None and parse_amount(text) is not None and current_amount \
            and _CORRECTION.search(text):
        return None  # an amount correction, handled by the amount
    return text


def buyer_name(value: Any) -> Optional[str]:
    """The buyer's name with spaces normalised, or None when too short or too long."""
    name = " ".join(str(value or "").split())
    return name if 2 <= len(name) <= 120 else None


def invoice_number_from(text: str) -> Optional[str]:
    """The first token holding a digit ("FA-2026-0042", "n° 1187"); None when there is none,
    or when the reply is an amount ("2 400 €" is not invoice number 400)."""
    if re.search(r"\d\s*(€|eur\b|euros?\b|k€)", text or "", re.IGNORECASE):
        return None
    match = _INVOICE.search(text or "")
    if not match:
        return None
    number = match.group().strip(".-/")
    return number if 1 <= len(number) <= 60 else None


def amount_from(value: Any) -> Optional[Decimal]:
    """A positive amount, or None."""
    amount = parse_amount(str(value or ""))
    if amount is None or amount <= 0:
        return None
    return amount


def below(minimum: Decimal) -> DeclarationResult:
    """The store's answer for an amount under the contract's minimum, said before the store is asked."""
    return DeclarationResult(outcome="below_minimum", minimum=minimum)


def amount_was_corrected(previous: Any, requested_slot: Optional[str], amount: Decimal) -> bool:
    """A new amount given while another question was asked: say the summary changed."""
    return bool(previous and requested_slot != "amount" and str(previous) != str(amount))


def due_date_from(value: Any) -> Optional[date]:
    """The due date typed freely or as an ISO day (slot value), or None."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return date.fromisoformat(value)
    return parse_date(str(value or ""), _today())


def dms_deadline(due: date, dms_deadline_days: int, today: date) -> Tuple[date, bool]:
    """The last day to declare (due date + the contract's DMS delay) and whether it has passed."""
    deadline = due + timedelta(days=dms_deadline_days)
    return deadline, deadline < today


def _stored_amount(value: Any) -> Optional[Decimal]:
    """The amount slot as the form stored it ("1980", "2450.80"); read as typed text otherwise
    (a bare "1980" reads as a year to :func:`parse_amount`)."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    return parse_amount(text)


def pending_from(values: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The declaration the four answers make (buyer, invoice, amount, due), or None if incomplete."""
    values = {slot: values.get(slot) for slot in FORM_SLOTS}
    if not all(values.values()):
        return None
    amount = _stored_amount(values["amount"])
    try:
        due = date.fromisoformat(str(values["due_date"]))
    except ValueError:
        due = None
    if amount is None or due is None:
        return None
    return {"buyer": str(values["buyer"]), "invoice": str(values["invoice_number"]), "amount": amount, "due": due}


def corrected(pending: Optional[Dict[str, Any]], text: str) -> Optional[Dict[str, Any]]:
    """'No' to the summary: the declaration with the corrected due date or amount, or None (cancel)."""
    if pending is None or not text or is_cancel(text):
        return None
    due = parse_date(text, _today())
    amount = None if due is not None else parse_amount(text)
    if due is not None and due <= _today():
        pending["due"] = due
    elif amount is not None and amount > 0:
        pending["amount"] = amount
    else:
        return None
    return pending


def idempotency_key(sender_id: str, buyer: str, invoice: str, amount: str, due: str) -> str:
    """The same person declaring the same invoice twice gets the same key (no double claim)."""
    raw = "\x1f".join([str(sender_id), buyer.strip().lower(), invoice.strip().upper(), str(amount), str(due)])
    return "chat:" + hashlib.sha256(raw.encode()).hexdigest()[:48]


# --- what a message asks besides the form's question ---------------------------------------------

_PAYOUT = re.compile(r"\bcombien\b.{0,40}\b(?:rembours\w*|pay\w*|touch\w*|indemnis\w*|vers\w*|recuper\w*)\b|"
                     r"\b(?:rembours\w*|pay\w*|touch\w*|indemnis\w*)\b.{0,30}\bcombien\b")
_COVERAGE = re.compile(r"\b(?:suis|sommes|est|sont|serai|serons|restent?|reste)[- ]?(?:je|on|nous|elles?|ils?|t[- ]elles?)?"
                       r"\s+(?:encore |toujours |bien |quand meme )?(?:couverte?s?|garantie?s?)\b|\bencore couverte?s?\b")
_LATE = re.compile(r"\bdepass\w*|\ben retard\b|\btrop tard\b|\bhors delai\b|\bgrave\b|\bhors des delais\b|"
                   r"\bapres le delai\b")


def _folded(text: Optional[str]) -> str:
    from bot.dialogue import fold
    return fold(text)


def asks_payout(text: Optional[str]) -> bool:
    """« vous me rembourserez combien ? » with an amount: an estimate, not a declaration."""
    return "?" in (text or "") and bool(_PAYOUT.search(_folded(text))) and parse_amount(text) is not None


def asks_coverage(text: Optional[str]) -> bool:
    """« je suis encore couverte ? »: a question on the limit, not a declaration."""
    return _question(text or "") and bool(_COVERAGE.search(_folded(text)))


def asks_about_lateness(text: Optional[str]) -> bool:
    """« ah j'ai dépassé ? c'est grave ? »: a question on a late declaration."""
    return _question(text or "") and bool(_LATE.search(_folded(text)))


def future_due(text: Optional[str], today: Optional[date] = None) -> Optional[date]:
    """The due date still to come in « l'échéance c'est dans 3 semaines, je peux déjà déclarer ? »."""
    today = today or _today()
    folded = _folded(text)
    if not re.search(r"\bech[eé]ance|\bechoit\b|\bpayable\b|\bdue?\b", folded):
        return None
    due = parse_date(text, today)
    return due if due is not None and due > today else None


_NAMED_AFTER = re.compile(r"(?:c'est|c est|plutot|mais|en fait)\s+(?!pas\b)(?:le |la |les |chez )?([^,.;!?]{2,60})$")


def corrected_buyer(text: Optional[str], entities: Tuple[str, ...] = ()) -> Optional[str]:
    """The buyer a correction names (« c'est pas garage martin c'est martin logistique » -> the last
    name, never the one denied); None when the message corrects nothing about the buyer."""
    if not text or not is_correction(text) or _question(text):
        return None
    folded = _folded(text)
    kept = [e for e in entities if e and not re.search(r"\bpas\s+(?:le |la |chez )?" + re.escape(_folded(e)), folded)]
    if kept:
        return kept[-1]
    m = _NAMED_AFTER.search(folded)
    if m and not any(c.isdigit() for c in m.group(1)):
        return m.group(1).strip()
    return None


_LETTERED_NUMBER = re.compile(r"\b[A-Za-z]{1,6}[-/_.]?\d[\w\-/.]*\d\b|\b[A-Za-z]{1,6}[-/_.]\d+\b")


def invoice_in(text: Optional[str]) -> Optional[str]:
    """An invoice number given among other answers (« facture FA-2026-0901 de 250 € »): a token made of
    letters then digits; None otherwise."""
    m = _LETTERED_NUMBER.search(text or "")
    if not m or re.match(r"(?i)sin\b|sin-", m.group()):
        return None
    return m.group().strip(".-/")


def money_in(text: Optional[str]) -> Optional[str]:
    """The part of a message that gives an amount in euros (« de 250 € », « le montant c'est 18 450 euros »),
    in a clause that is not a question; None otherwise (a phone number is never one)."""
    from bot.dialogue import looks_like_phone
    for clause in re.split(r"(?<=[.!?;])\s+|,\s+(?=au fait|et |mais )", text or ""):
        if "?" in clause or looks_like_phone(clause):
            continue
        if _MONEY_MARK.search(clause) or re.search(r"\bmontant\b", clause, re.IGNORECASE):
            if parse_amount(clause) is not None and parse_date(clause, _today()) is None:
                return clause
            masked = re.sub(r"(?i)\b(?:[eé]ch[eé]ance|payable)\b.*$", "", clause)
            if parse_amount(masked) is not None:
                return masked
    return None


def due_in(text: Optional[str]) -> Optional[str]:
    """The part of a message that gives the due date (« échéance il y a deux semaines »); None otherwise."""
    m = re.search(r"(?i)\b(?:[ée]ch[ée]ance|payable|[ée]chue?)\b[^,;?]*", text or "")
    if m and parse_date(m.group(), _today()) is not None:
        return m.group()
    return None


_AFTER_WISH = re.compile(r"^.*\b(?:impayee?s?|facture|declarer|declaration|dms|pour|de|chez|sur|client)\s+"
                         r"([a-z][a-z' .&-]{2,40})$")


def buyer_guess(text: Optional[str]) -> Optional[str]:
    """The words that may name the buyer at the end of a wish to declare (« déclarer impayé martin »),
    to look up in the store (never trusted as is); None when there are none."""
    from bot.dialogue import fold
    folded = fold(text).rstrip(" .!")
    m = _AFTER_WISH.search(folded)
    if not m:
        return None
    guess = m.group(1).strip()
    words = guess.split()
    if not words or len(words) > 3 or words[0] in ("un", "une", "le", "la", "les", "mon", "ma", "mes", "ce", "cette",
                                                    "impaye", "impayee", "impayes", "impayees", "facture", "factures"):
        return None
    return guess
