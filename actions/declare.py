"""Declaring an unpaid invoice (DMS) in the chat: a form, its checks, a summary, then the store.

Rasa adapters only: the decisions (answers, corrections, deadline, idempotency key) are in bot.declaration."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import audited_call, auth_status, identity, say, store_call
from bot import declaration as decide
from bot.declaration import DIGRESSIONS, FORM_SLOTS, idempotency_key, invoice_number_from  # noqa: F401 (re-exported)
from bot.store import queries
from bot.store.views import DeclarationResult
from bot.wording import core
from bot.wording import declare as wording


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    return decide.user_text(tracker.latest_message.get("text"))


def _reset() -> List[Dict]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


def _pending(tracker: Tracker) -> Optional[Dict[str, Any]]:
    return decide.pending_from({slot: tracker.get_slot(slot) for slot in FORM_SLOTS})


async def _terms(dispatcher: CollectingDispatcher, tracker: Tracker):
    """The contract terms of the signed-in person (None for a visitor, or when the store apologised)."""
    who = identity(tracker)
    return None if who is None else await audited_call(dispatcher, who, queries.contract_terms)


def _say_all(dispatcher: CollectingDispatcher, replies) -> None:
    for reply in replies:
        say(dispatcher, reply)


class _Named:
    action = ""  # the Rasa action name

    def name(self) -> Text:
        return self.action


class ActionDeclareStart(_Named, Action):
    action = "action_declare_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if identity(tracker) is None:
            _say_all(dispatcher, wording.visitor())
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


class ValidateDeclareUnpaidForm(_Named, FormValidationAction):
    action = "validate_declare_unpaid_form"

    # --- extraction: the raw answer to the question asked, and corrections said on the way ---------

    def _answering(self, tracker: Tracker, slot: str) -> bool:
        return decide.answering(tracker.get_slot("requested_slot"), slot, _intent(tracker), _text(tracker))

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
        text = decide.amount_answer(_text(tracker), _intent(tracker), tracker.get_slot("requested_slot"),
                                    tracker.get_slot("amount"))
        return {} if text is None else {"amount": text}

    async def extract_due_date(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = decide.due_date_answer(_text(tracker), _intent(tracker), tracker.get_slot("requested_slot"),
                                      tracker.get_slot("amount"))
        return {} if text is None else {"due_date": text}

    # --- validation ------------------------------------------------------------------------------

    async def validate_buyer(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value in (None, ""):  # a reset (form start, correction), not an answer: nothing to say
            return {"buyer": None}
        name = decide.buyer_name(value)
        if name is None:
            say(dispatcher, wording.problem("bad_buyer"))
            return {"buyer": None}
        who = identity(tracker)
        if who is None:
            return {"buyer": name}
        found = await audited_call(dispatcher, who, queries.guarantee_on_buyer, name)
        if found is None:
            return {"buyer": None}
        if found.outcome == "match":
            return {"buyer": found.limit.buyer_name}
        outcome = "buyer_ambiguous" if found.outcome == "ambiguous" else "buyer_unknown"
        _say_all(dispatcher, wording.result(DeclarationResult(outcome=outcome, candidates=found.candidates)))
        return {"buyer": None}

    async def validate_invoice_number(self, value: Any, dispatcher, tracker: Tracker,
                                      domain: DomainDict) -> Dict[Text, Any]:
        if value in (None, ""):  # a reset (form start, correction), not an answer: nothing to say
            return {"invoice_number": None}
        number = invoice_number_from(str(value or ""))
        if number is None:
            say(dispatcher, wording.problem("bad_invoice_number"))
        return {"invoice_number": number}

    async def validate_amount(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value in (None, ""):  # a reset (form start, correction), not an answer: nothing to say
            return {"amount": None}
        amount = decide.amount_from(value)
        if amount is None:
            say(dispatcher, wording.problem("bad_amount"))
            return {"amount": None}
        terms = await _terms(dispatcher, tracker)
        if terms is not None and amount < terms.minimum_claim_amount:
            _say_all(dispatcher, wording.result(decide.below(terms.minimum_claim_amount)))
            return {"amount": None}
        if decide.amount_was_corrected(tracker.get_slot("amount"), tracker.get_slot("requested_slot"), amount):
            say(dispatcher, wording.corrected())
        return {"amount": str(amount)}

    async def validate_due_date(self, value: Any, dispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if value in (None, ""):  # a reset (form start, correction), not an answer: nothing to say
            return {"due_date": None}
        due = decide.due_date_from(value)
        if due is None:
            say(dispatcher, wording.problem("bad_date"))
            return {"due_date": None}
        today = decide._today()
        if due > today:
            say(dispatcher, wording.not_yet_due(due))
            return {"due_date": None}
        terms = await _terms(dispatcher, tracker)
        if terms is not None:
            deadline, passed = decide.dms_deadline(due, terms.dms_deadline_days, today)
            say(dispatcher, wording.deadline(deadline, passed=passed))
        return {"due_date": due.isoformat()}


class ActionDeclarationSummary(_Named, Action):
    action = "action_declaration_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if identity(tracker) is None:
            _say_all(dispatcher, wording.visitor())
            return _reset()
        pending = _pending(tracker)
        if pending is None:
            say(dispatcher, wording.nothing_pending())
            return _reset()
        say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
        return []


class ActionCorrectOrCancelDeclaration(_Named, Action):
    """'No' to the summary: a correction ("non, c'est 12 300") updates it; a plain no cancels."""

    action = "action_correct_or_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        pending = decide.corrected(_pending(tracker), _text(tracker))
        if pending is not None:
            say(dispatcher, wording.corrected())
            say(dispatcher, wording.summary(pending["buyer"], pending["invoice"], pending["amount"], pending["due"]))
            return [SlotSet("amount", str(pending["amount"])), SlotSet("due_date", pending["due"].isoformat())]
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionCancelDeclaration(_Named, Action):
    action = "action_cancel_declaration"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.cancelled())
        return _reset()


class ActionSubmitDeclaration(_Named, Action):
    action = "action_submit_declaration"

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
        _say_all(dispatcher, wording.result(result))
        return _reset()
