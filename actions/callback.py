"""Outside business hours: ``callback_form`` asks a French phone number and a slot among the next
opening slots, then ``action_callback_submit`` stores the callback request and says when someone
will call. The handoff itself (ticket, pause) is :mod:`actions.handoff`, whose clock and
calendar this module uses (``base.now()``, patched by tests).
"""
from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import handoff as base
from actions.common import answer_next, identity, say
from actions.handoff import DIGRESSIONS, SLOT_CHOICES, _intent, _text
from bot import dialogue
from bot.handoff import tickets
from bot.handoff.hours import Calendar
from bot.handoff.summary import claim_refs
from bot.store.queries import handoff as handoff_queries
from bot.wording import dialogue as dialogue_wording
from bot.wording import handoff as wording

logger = logging.getLogger(__name__)
_INDEX = re.compile(r"^\s*(?:n°\s*)?([1-9])\s*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# « le premier créneau », « le 2e », « le dernier »: a place in the list offered
_ORDINALS = {"premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2,
             "2eme": 2, "troisieme": 3, "3e": 3, "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4}


def _ordinal(value: str, count: int) -> Optional[int]:
    from bot.dialogue import fold
    words = re.findall(r"[a-z0-9]+", fold(value))
    if len(words) > 6:
        return None
    if "dernier" in words or "derniere" in words:
        return count or None
    return next((_ORDINALS[w] for w in words if w in _ORDINALS and _ORDINALS[w] <= count), None)


def offered_slots(current: Optional[datetime] = None) -> List[datetime]:
    return base.calendar().callback_slots(current or base.now(), SLOT_CHOICES)


def parse_slot(value: Any, current: datetime, cal: Calendar) -> Optional[datetime]:
    """The slot the person chose: a button's ISO value, a number in the list, or a button title."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    chosen: Optional[datetime] = None
    if _ISO.match(value):
        try:
            chosen = cal.local(datetime.fromisoformat(value))
        except ValueError:
            return None
    else:
        slots = cal.callback_slots(current, SLOT_CHOICES)
        index = _INDEX.match(value)
        place = _ordinal(value, len(slots))
        if index and int(index.group(1)) <= len(slots):
            chosen = slots[int(index.group(1)) - 1]
        elif place:
            chosen = slots[place - 1]
        else:
            chosen = next((s for s in slots if wording.slot_title(s).lower() == value.lower()), None)
    if chosen is None or not cal.is_valid_slot(chosen, current):
        return None
    return chosen


class ActionAskCallbackPhone(Action):
    def name(self) -> Text:
        return "action_ask_callback_phone"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.ask_phone())
        return []


class ActionAskCallbackSlot(Action):
    def name(self) -> Text:
        return "action_ask_callback_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.ask_slot(offered_slots()))
        return []


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        """« laissez tomber » or goodbye stops the callback form (with a confirmation); "are you a
        robot?" and thanks are answered, then the form asks its question again."""
        text, intent = _text(tracker), _intent(tracker)
        if tracker.get_slot("requested_slot") in ("callback_phone", "callback_slot") and text \
                and not dialogue.looks_like_phone(text):
            if dialogue.is_cancel(text) or (dialogue.is_goodbye(text) and intent in ("goodbye", "thank")):
                say(dispatcher, dialogue_wording.callback_stopped())
                return _reset() + answer_next(tracker)
            if dialogue.asks_if_machine(text) or intent == "bot_challenge":
                say(dispatcher, dialogue_wording.machine())
                return [SlotSet("handoff_outcome", "callback")]  # a slot event: the form asks again
            thanks_or_hello = (intent == "thank" and dialogue.is_thanks(text)) or (
                intent == "greet" and dialogue.is_greeting(text))
            if thanks_or_hello and len(text.split()) <= 6:
                say(dispatcher, dialogue_wording.form_welcome() if intent == "thank" else dialogue_wording.form_hello())
                return [SlotSet("handoff_outcome", "callback")]
        return await super().run(dispatcher, tracker, domain)

    def _answering(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot and _intent(tracker) not in DIGRESSIONS

    async def extract_callback_phone(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _text(tracker)
        if tracker.get_slot("requested_slot") == "callback_phone" and dialogue.looks_like_phone(text):
            return {"callback_phone": dialogue.phone_in(text)}  # a phone number, whatever the intent
        if not self._answering(tracker, "callback_phone") or not text or dialogue.is_question(text):
            return {}
        return {"callback_phone": text}

    async def extract_callback_slot(self, dispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "callback_slot":
            return {}
        entity = next(tracker.get_latest_entity_values("callback_slot"), None)
        if entity:
            return {"callback_slot": entity}
        text = _text(tracker)
        if text and parse_slot(text, base.now(), base.calendar()) is not None:
            return {"callback_slot": text}  # « le premier créneau »: a choice, whatever intent the NLU read in it
        if _intent(tracker) in DIGRESSIONS or not text:
            return {}
        return {"callback_slot": text}

    def validate_callback_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # emptied by action_handoff as the form starts: nothing was answered yet
            return {"callback_phone": None}
        number = tickets.normalise_phone(value)
        if number is None:
            say(dispatcher, wording.phone_invalid(tickets.phone_problem(value)))
        return {"callback_phone": number}

    def validate_callback_slot(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> Dict[Text, Any]:
        if value is None:  # emptied as the form starts, not an answer
            return {"callback_slot": None}
        chosen = parse_slot(value, base.now(), base.calendar())
        if chosen is None:
            say(dispatcher, wording.slot_invalid())
            return {"callback_slot": None}
        return {"callback_slot": chosen.isoformat()}


def _reset() -> List[Dict]:
    return [SlotSet("callback_phone", None), SlotSet("callback_slot", None), SlotSet("requested_slot", None)]


class ActionCallbackSubmit(Action):
    def name(self) -> Text:
        return "action_callback_submit"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        cal = base.calendar()
        phone = tickets.normalise_phone(tracker.get_slot("callback_phone"))
        slot = parse_slot(tracker.get_slot("callback_slot"), base.now(), cal)
        if phone is None or slot is None:  # the form was stopped, or (never) junk: store nothing
            if not dialogue.is_cancel(_text(tracker)) and not dialogue.is_goodbye(_text(tracker)):
                say(dispatcher, wording.handoff_failed())
            return _reset()
        who = identity(tracker)
        pid = who.policyholder_id if who else None
        reason = tracker.get_slot("handoff_reason") or "request"
        refs_seen = claim_refs(list(tracker.events))

        def work(session):
            request = tickets.create_callback(session, pid, tracker.sender_id, phone, slot, reason=reason)
            return request, handoff_queries.own_claim_refs(session, pid, refs_seen)

        try:
            request, refs = await base.in_store(work)
        except Exception:
            logger.exception("callback request for %s failed", tracker.sender_id)
            say(dispatcher, wording.handoff_failed())
            return _reset()
        for reply in wording.callback_done(cal.local(request.slot_start), tickets.display_phone(request.phone), refs):
            say(dispatcher, reply)
        return _reset()


class ActionCallbackCancel(Action):
    def name(self) -> Text:
        return "action_callback_cancel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        say(dispatcher, wording.callback_cancelled())
        return _reset()
