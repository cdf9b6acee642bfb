"""The declaration form (declare_unpaid_form): one question per slot, the raw answer to the
question asked, corrections said on the way, and the checks (buyer known, amount above the
contract's minimum, due date passed, declaration deadline). The rest of the declaration flow
(start, summary, correction or cancel, submit) is in :mod:`actions.declare`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import audited_call, identity, say
from actions.declare import _intent, _Named, _reset, _say_all, _terms, _text
from bot import declaration as decide
from bot import dialogue
from bot.declaration import FORM_SLOTS, invoice_number_from
from bot.store import queries
from bot.store.views import DeclarationResult
from bot.wording import declare as wording
from bot.wording import dialogue as dialogue_wording


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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """Before reading an answer: « laissez tomber » or goodbye leaves the form (with a confirmation);
        "are you a robot?", thanks or hello are answered and the form asks its question again."""
        text, intent = _text(tracker), _intent(tracker)
        if tracker.get_slot("requested_slot") in FORM_SLOTS and text:
            stays = [SlotSet("declaration_allowed", True)]  # a slot event: the form goes on, asks again
            if dialogue.is_cancel(text) or intent == "goodbye" or (intent == "thank" and dialogue.is_goodbye(text)):
                say(dispatcher, wording.cancelled() if dialogue.is_cancel(text) else dialogue_wording.form_goodbye())
                return _reset()
            if dialogue.asks_if_machine(text) or intent == "bot_challenge":
                say(dispatcher, dialogue_wording.machine())
                return stays
            if intent in ("thank", "greet") and not any(c.isdigit() for c in text) and len(text.split()) <= 6:
                say(dispatcher, dialogue_wording.form_welcome() if intent == "thank" else dialogue_wording.form_hello())
                return stays
        return await super().run(dispatcher, tracker, domain)

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
