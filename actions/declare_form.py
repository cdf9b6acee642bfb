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

from actions.common import answer_next, audited_call, identity, parse, say
from actions.declare import _intent, _Named, _reset, _say_all, _terms, _text
from bot import declaration as decide
from bot import dialogue
from bot.declaration import FORM_SLOTS, invoice_number_from
from bot.parsing import read_amount
from bot.store import queries
from bot.store.views import DeclarationResult
from bot.wording import declare as wording
from bot.wording import dialogue as dialogue_wording


def _previous(tracker: Tracker, name: str) -> Any:
    """The value ``name`` had before the latest message of the person."""
    seen_user, set_since = False, False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif event.get("event") == "slot" and event.get("name") == name:
            if seen_user:
                return event.get("value")
            set_since = True
    return None if set_since else tracker.get_slot(name)


def _drop_candidates(tracker: Tracker, names: List[str]) -> Dict[str, Any]:
    """Forget the slot values Rasa proposed for ``names`` from this message (the candidates are the
    slot events at the end of the tracker): they are not validated, the slots keep their value.
    Returns the slots to set back (Rasa's slot mappings already filled them this turn)."""
    restored = {name: _previous(tracker, name) for name in names
                if tracker.get_slot(name) != _previous(tracker, name)}
    for name, value in restored.items():
        tracker.slots[name] = value
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") != "slot":
            break
        count += 1
    tail = tracker.events[len(tracker.events) - count:] if count else []
    kept = [e for e in tail if e.get("name") not in names]
    if len(kept) != len(tail):
        del tracker.events[len(tracker.events) - count:]
        tracker.events.extend(kept)
    return restored


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
            if dialogue.is_cancel(text) or (dialogue.is_goodbye(text) and intent in ("goodbye", "thank")):
                say(dispatcher, wording.cancelled() if dialogue.is_cancel(text) else dialogue_wording.form_goodbye())
                return _reset() + answer_next(tracker)
            if dialogue.asks_if_machine(text) or intent == "bot_challenge":
                say(dispatcher, dialogue_wording.machine())
                return stays
            thanks_or_hello = (intent == "thank" and dialogue.is_thanks(text)) or (
                intent == "greet" and dialogue.is_greeting(text))
            if thanks_or_hello and not any(c.isdigit() for c in text) and len(text.split()) <= 6:
                say(dispatcher, dialogue_wording.form_welcome() if intent == "thank" else dialogue_wording.form_hello())
                return stays
            restored = _drop_candidates(tracker, self._not_answers(tracker))
            events = await super().run(dispatcher, tracker, domain)
            return events + [SlotSet(name, value) for name, value in restored.items()]
        return await super().run(dispatcher, tracker, domain)

    def _not_answers(self, tracker: Tracker) -> List[str]:
        """Slots Rasa filled from an entity of this message that are not an answer to the question
        asked ("le 25 novembre" holds no amount; a buyer named in a side question is no correction)."""
        text, intent, requested = _text(tracker), _intent(tracker), tracker.get_slot("requested_slot")
        names = []
        if requested != "buyer" and not (decide.is_correction(text) and not dialogue.is_question(text)):
            names.append("buyer")
        if decide.amount_answer(text, intent, requested, _previous(tracker, "amount")) is None:
            names.append("amount")
        return names

    # --- extraction: the raw answer to the question asked, and corrections said on the way ---------

    def _answering(self, tracker: Tracker, slot: str) -> bool:
        return decide.answering(tracker.get_slot("requested_slot"), slot, _intent(tracker), _text(tracker))

    async def extract_buyer(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _text(tracker)
        if tracker.get_slot("requested_slot") != "buyer":  # « c'est pas Garage Martin, c'est Martin Logistique »
            named = decide.corrected_buyer(text, tuple(tracker.get_latest_entity_values("buyer")))
            return {"buyer": named} if named and tracker.get_slot("buyer") else {}
        if not self._answering(tracker, "buyer"):
            if await self._known_buyer(dispatcher, tracker, text):
                return {"buyer": text}  # a buyer's name NLU took for something else
            return {}
        entity = next(tracker.get_latest_entity_values("buyer"), None)
        if len(text.split()) <= 4 and not any(c.isdigit() for c in text):
            return {"buyer": text or entity or None}  # the answer is the name: the whole of it
        return {"buyer": entity or text or None}

    async def _known_buyer(self, dispatcher, tracker: Tracker, text: str) -> bool:
        """A short reply, not a question nor a stop, that names one of the policyholder's buyers."""
        who = identity(tracker)
        if who is None or not text or len(text.split()) > 4 or any(c.isdigit() for c in text) \
                or dialogue.is_question(text) or dialogue.is_cancel(text) or _intent(tracker) == "deny":
            return False
        found = await audited_call(CollectingDispatcher(), who, queries.guarantee_on_buyer, text)
        return found is not None and found.outcome == "match"

    async def extract_invoice_number(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if not self._answering(tracker, "invoice_number"):
            return {}
        text = _text(tracker)
        if decide.corrected_buyer(text, tuple(tracker.get_latest_entity_values("buyer"))):
            return {}  # a correction of the buyer, not an invoice number
        if decide.money_in(text) or decide.due_in(text):  # several answers at once: the number among them
            return {"invoice_number": decide.invoice_in(text) or text}
        return {"invoice_number": text or None}

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
            if tracker.get_slot("requested_slot") != "buyer" and decide.corrected_buyer(
                    _text(tracker), tuple(tracker.get_latest_entity_values("buyer"))):
                say(dispatcher, wording.buyer_corrected(found.limit.buyer_name))  # said, so the person sees it
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
        reading = await parse(read_amount, str(value))
        if reading.ambiguous:  # "12,300": 12,30 € or 12 300 €? ask, never guess
            say(dispatcher, wording.amount_ambiguous((reading.value,) + reading.alternatives))
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
