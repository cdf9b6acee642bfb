"""Declaring an unpaid invoice (DMS) in the chat: a form, its checks, a summary, then the store."""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import auth_status, identity, say, store_call
from bot.parsing import parse_amount, parse_date
from bot.store import queries
from bot.wording import core
from bot.wording import declare as wording

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


def _today() -> date:
    return date.today()


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text.strip()


def _reset() -> List[Dict]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


def idempotency_key(sender_id: str, buyer: str, invoice: str, amount: str, due: str) -> str:
    """The same person declaring the same invoice twice gets the same key (no double claim)."""
    raw = "\x1f".join([str(sender_id), buyer.strip().lower(), invoice.strip().upper(), str(amount), str(due)])
    return "chat:" + hashlib.sha256(raw.encode()).hexdigest()[:48]


def invoice_number_from(text: str) -> Optional[str]:
    """The first token holding a digit ("FA-2026-0042", "n° 1187"); None when there is none."""
    match = _INVOICE.search(text or "")
    if not match:
        return None
    number = match.group().strip(".-/")
    return number if 1 <= len(number) <= 60 else None


class ActionDeclareStart(Action):
    def name(self) -> Text:
        return "action_declare_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if identity(tracker) is None:
            for reply in wording.visitor():
                say(dispatcher, reply)
            if auth_status(tracker) in {"expired", "invalid"}:
                say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return [SlotSet("declaration_allowed", False)]
        say(dispatcher, wording.start())
        return [SlotSet("declaration_allowed", True), SlotSet("invoice_number", None), SlotSet("due_date", None)]


class _AskSlot(Action):
    slot = ""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.ask(self.slot))
        return []


class ActionAskBuyer(_AskSlot):
    slot = "buyer"


class ActionAskInvoiceNumber(_AskSlot):
    slot = "invoice_number"


class ActionAskAmount(_AskSlot):
    slot = "amount"


class ActionAskDueDate(_AskSlot):
    slot = "due_date"


class ValidateDeclareUnpaidForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_declare_unpaid_form"

    # --- extraction: the raw answer to the question asked, and corrections said on the way ---------

    def _answering(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot and _intent(tracker) not in DIGRESSIONS | {"deny"} \
            and not _CANCEL.match(_text(tracker))

    async def extract_buyer(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self._answering(tracker, "buyer"):
            return {}
        entity = next(tracker.get_latest_entity_values("buyer"), None)
        return {"buyer": entity or _text(tracker) or None}

    async def extract_invoice_number(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self._answering(tracker, "invoice_number"):
            return {}
        return {"invoice_number": _text(tracker) or None}

    async def extract_amount(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _text(tracker)
        if _intent(tracker) in DIGRESSIONS or not text or _CANCEL.match(text):
            return {}
        if tracker.get_slot("requested_slot") == "amount":
            return {"amount": text}
        # "non, c'est 12 300": a correction of an amount already given
        if tracker.get_slot("amount") and _CORRECTION.search(text) and parse_date(text, _today()) is None \
                and parse_amount(text) is not None:
            return {"amount": text}
        return {}

    async def extract_due_date(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _text(tracker)
        if _intent(tracker) in DIGRESSIONS or not text or _CANCEL.match(text):
            return {}
        if tracker.get_slot("requested_slot") != "due_date":
            return {}
        if parse_date(text, _today()) is None and parse_amount(text) is not None and tracker.get_slot("amount") \
                and _CORRECTION.search(text):
            return {}  # an amount correction, handled by extract_amount
        return {"due_date": text}

    # --- validation ------------------------------------------------------------------------------

    async def validate_buyer(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        name = " ".join(str(value or "").split())
        if not 2 <= len(name) <= 120:
            say(dispatcher, wording.problem("bad_buyer"))
            return {"buyer": None}
        who = identity(tracker)
        if who is None:
            return {"buyer": name}
        found = await store_call(dispatcher, queries.guarantee_on_buyer, who.policyholder_id, name)
        if found is None:
            return {"buyer": None}
        if found.outcome == "match":
            return {"buyer": found.limit.buyer_name}
        from bot.store.views import DeclarationResult
        outcome = "buyer_ambiguous" if found.outcome == "ambiguous" else "buyer_unknown"
        for reply in wording.result(DeclarationResult(outcome=outcome, candidates=found.candidates)):
            say(dispatcher, reply)
        return {"buyer": None}

    async def validate_invoice_number(self, value: Any, dispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        number = invoice_number_from(str(value or ""))
        if number is None:
            say(dispatcher, wording.problem("bad_invoice_number"))
        return {"invoice_number": number}

    async def validate_amount(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        amount = parse_amount(str(value or ""))
        if amount is None or amount <= 0:
            say(dispatcher, wording.problem("bad_amount"))
            return {"amount": None}
        who = identity(tracker)
        if who is not None:
            terms = await store_call(dispatcher, queries.contract_terms, who.policyholder_id)
            if terms is not None and amount < terms.minimum_claim_amount:
                for reply in wording.result(_below(terms.minimum_claim_amount)):
                    say(dispatcher, reply)
                return {"amount": None}
        previous = tracker.get_slot("amount")
        if previous and tracker.get_slot("requested_slot") != "amount" and str(previous) != str(amount):
            say(dispatcher, wording.corrected())
        return {"amount": str(amount)}

    async def validate_due_date(self, value: Any, dispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            due = date.fromisoformat(value)
        else:
            due = parse_date(str(value or ""), _today())
        if due is None:
            say(dispatcher, wording.problem("bad_date"))
            return {"due_date": None}
        today = _today()
        if due > today:
            say(dispatcher, wording.not_yet_due(due))
            return {"due_date": None}
        who = identity(tracker)
        if who is not None:
            terms = await store_call(dispatcher, queries.contract_terms, who.policyholder_id)
            if terms is not None:
                deadline = due + timedelta(days=terms.dms_deadline_days)
                say(dispatcher, wording.deadline(deadline, passed=deadline < today))
        return {"due_date": due.isoformat()}


def _below(minimum: Decimal):
    from bot.store.views import DeclarationResult
    return DeclarationResult(outcome="below_minimum", minimum=minimum)


def _pending(tracker: Tracker) -> Optional[Dict[str, Any]]:
    values = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
    if not all(values.values()):
        return None
    amount = parse_amount(str(values["amount"]))
    try:
        due = date.fromisoformat(str(values["due_date"]))
    except ValueError:
        due = None
    if amount is None or due is None:
        return None
    return {"buyer": str(values["buyer"]), "invoice": str(values["invoice_number"]), "amount": amount, "due": due}


class ActionDeclarationSummary(Action):
    def name(self) -> Text:
        return "action_declaration_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if identity(tracker) is None:
            for reply in wording.visitor():
                say(dispatcher, reply)
            return _reset()
        pending = _pending(tracker)
        if pending is None:
            say(dispatcher, wording.nothing_pending())
            return _reset()
        say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
        return []


class ActionCorrectOrCancelDeclaration(Action):
    """'No' to the summary: a correction ("non, c'est 12 300") updates it; a plain no cancels."""

    def name(self) -> Text:
        return "action_correct_or_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        text = _text(tracker)
        pending = _pending(tracker)
        if pending is not None and text and not _CANCEL.match(text):
            due = parse_date(text, _today())
            amount = None if due is not None else parse_amount(text)
            if due is not None and due <= _today():
                pending["due"] = due
            elif amount is not None and amount > 0:
                pending["amount"] = amount
            else:
                pending = None
            if pending is not None:
                say(dispatcher, wording.corrected())
                say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
                return [SlotSet("amount", str(pending["amount"])), SlotSet("due_date", pending["due"].isoformat())]
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionCancelDeclaration(Action):
    def name(self) -> Text:
        return "action_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionSubmitDeclaration(Action):
    def name(self) -> Text:
        return "action_submit_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        who = identity(tracker)
        if who is None:
            say(dispatcher, core.sign_in_needed(auth_status(tracker)))
            return []
        pending = _pending(tracker)
        if pending is None:
            say(dispatcher, wording.nothing_pending())
            return _reset()
        key = idempotency_key(tracker.sender_id, pending["buyer"], pending["invoice"], str(pending["amount"]),
                              pending["due"].isoformat())
        result = await store_call(dispatcher, queries.declare_unpaid, who.policyholder_id, pending["buyer"],
                                  pending["invoice"], pending["amount"], pending["due"], key,
                                  channel=who.channel or "chat", user_id=who.user_id)
        if result is None:  # the store apologised; keep the answers so the person can retry
            return []
        for reply in wording.result(result):
            say(dispatcher, reply)
        return _reset()
