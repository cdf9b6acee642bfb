"""Hand the conversation to a person.

- Only on a clear wish (a button, or a sentence asking for a person): otherwise the person is asked
  first; "am I talking to a machine?" gets an honest answer, never a ticket.
- During business hours: a handoff ticket (who, why, summary, transcript, claims discussed) is
  stored and the person is told a claims agent takes over. The assistant does not go silent:
  until an agent takes the conversation (the desk pauses it then, see :mod:`bot.handoff.desk`),
  ``action_handoff_waiting`` acknowledges every message and answers what it can.
- Outside business hours: ``callback_form`` (:mod:`actions.callback`) asks a French phone number
  and a slot among the next opening slots, then stores the callback request.

Business rules (hours, holidays, phone numbers, summary) live in :mod:`bot.handoff`.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import QUESTION_ANSWERS, identity, off_loop, on_the_phone, say
from bot import dialogue, ratelimit
from bot.handoff import tickets
from bot.handoff.hours import Calendar, load_calendar
from bot.handoff.summary import build_summary, infer_reason, transcript
from bot.settings import get_settings
from bot.wording import dialogue as dialogue_wording
from bot.wording import handoff as wording

logger = logging.getLogger(__name__)

FORM = "callback_form"
SLOT_CHOICES = 4
# intents that are not an answer to the form's question
DIGRESSIONS = {
    "ask_fees", "ask_guarantee", "ask_cap", "ask_advance_indemnification", "ask_claim_process", "ask_claim_status",
    "list_claims", "declare_unpaid", "express_worry", "request_human", "complain", "bot_challenge", "deny",
    "greet", "goodbye", "thank",
}


def now() -> datetime:
    """The clock (patched by tests)."""
    return datetime.now(timezone.utc)


def calendar() -> Calendar:
    return load_calendar()


async def in_store(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(session, *args)`` in a unit of work, in a worker thread. Raises on failure."""
    from bot.store.db import get_engine, session_scope

    def work():
        with session_scope(get_engine(get_settings().database.url)) as session:
            return func(session, *args, **kwargs)

    return await off_loop(work)


def _intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text.strip()


def _active_loop(tracker: Tracker) -> Optional[str]:
    return (tracker.active_loop or {}).get("name")


def request_origin(tracker: Tracker) -> str:
    """Where the request comes from, as the channel wrote it in the message metadata (a keyed hash of the
    client address or of the messaging account; clients cannot set metadata), else the conversation."""
    origin = (tracker.latest_message.get("metadata") or {}).get("origin")
    return origin if isinstance(origin, str) and 0 < len(origin) <= 64 else f"conv:{tracker.sender_id}"


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        if _active_loop(tracker) == FORM:  # asked again while we take the callback details
            say(dispatcher, wording.callback_in_progress())
            return []
        raw = tracker.latest_message.get("text") or ""
        if tracker.get_slot("handoff_outcome") == "ticket":  # already waiting for a person
            say(dispatcher, dialogue_wording.machine() if dialogue.asks_if_machine(raw)
                else dialogue_wording.waiting_already())
            return []
        if dialogue.asks_if_machine(raw):  # an honest answer, not a ticket
            say(dispatcher, dialogue_wording.machine())
            return [SlotSet("handoff_outcome", "offered")]
        if dialogue.is_question(raw) and re.search(r"\bhoraires?\b|\bheures? d'ouverture\b|\ba quelle heure\b|"
                                                   r"\bouverts?\b|\bjoignables?\b", dialogue.fold(raw)):
            from actions.help import ActionOpeningHours  # the hours asked, no hand-over offered
            return await ActionOpeningHours().run(dispatcher, tracker, domain)
        if not dialogue.is_button(raw) and not dialogue.wants_a_person(raw):  # inferred: ask first
            say(dispatcher, dialogue_wording.person_offer())
            return [SlotSet("handoff_outcome", "offered")]
        who = identity(tracker)
        events = list(tracker.events)
        reason = infer_reason(events)
        cal, current = calendar(), now()
        if not cal.is_open(current):
            for reply in wording.closed(cal.next_opening(current)):
                say(dispatcher, reply)
            return [SlotSet("handoff_reason", reason), SlotSet("callback_phone", None),
                    SlotSet("callback_slot", None), SlotSet("handoff_outcome", "callback")]
        origin = request_origin(tracker)
        if who is None:  # a visitor: a confirmed wish, and a few requests per address (issue #17, finding 8)
            # a live phone call is its own proof (the caller is on the line; the desk's queue takes the call)
            if tracker.get_slot("handoff_outcome") != "offered" and not on_the_phone(tracker):
                say(dispatcher, dialogue_wording.person_confirm_visitor())
                return [SlotSet("handoff_outcome", "offered")]
            if not await ratelimit.get_limiter().acheck(("handoff_anonymous", origin)):
                logger.info("visitor hand-over requests over the limit for origin %s", origin)
                say(dispatcher, dialogue_wording.visitor_requests_limited())
                return [SlotSet("handoff_reason", reason), SlotSet("handoff_outcome", "failed")]
        summary = {**build_summary(events, reason=reason), "origin": origin}
        try:
            ticket = await in_store(tickets.create_ticket, who.policyholder_id if who else None, tracker.sender_id,
                                    reason, summary, transcript(events), now=current)
        except Exception:
            logger.exception("handoff ticket for %s failed", tracker.sender_id)
            say(dispatcher, wording.handoff_failed())
            return [SlotSet("handoff_reason", reason), SlotSet("handoff_outcome", "failed")]
        for reply in wording.ticket_created(ticket.reference, ticket.claim_refs, who is not None):
            say(dispatcher, reply)
        return [SlotSet("handoff_reason", reason), SlotSet("handoff_outcome", "ticket")]


# While a ticket waits for an agent: what the assistant runs for each intent (action or response).
WAITING_ANSWERS = {
    **QUESTION_ANSWERS,
    "express_worry": "action_express_worry", "complain": "action_log_complaint",
    "greet": "utter_greet", "thank": "utter_you_are_welcome", "goodbye": "utter_goodbye",
    "bot_challenge": "utter_iamabot", "out_of_scope": "utter_out_of_scope",
    "show_detail": "action_show_detail",
}
# events an answer may not bring while waiting (no form starts, the conversation is not paused)
_WAITING_DROPPED = {"active_loop", "followup", "pause", "form"}


@lru_cache(maxsize=1)
def _action_classes() -> Dict[str, type]:
    """Every action class of this package by its name, found once (the modules load as the server loads them)."""
    import importlib
    import pkgutil

    import actions
    for info in pkgutil.iter_modules(actions.__path__):
        importlib.import_module(f"actions.{info.name}")
    found: Dict[str, type] = {}
    stack = list(Action.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        try:
            found.setdefault(cls().name(), cls)
        except Exception:  # noqa: BLE001 - abstract helpers
            continue
    return found


def _action_named(name: str) -> Optional[Action]:
    """A new instance of the action server's action called ``name``."""
    cls = _action_classes().get(name)
    return cls() if cls is not None else None


class ActionHandoffWaiting(Action):
    """A ticket waits for an agent: every message is acknowledged (it reaches the agent through
    the conversation), and what the assistant can answer is answered meanwhile."""

    def name(self) -> Text:
        return "action_handoff_waiting"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = _intent(tracker)
        raw = tracker.latest_message.get("text") or ""
        if dialogue.asks_if_machine(raw):
            say(dispatcher, dialogue_wording.machine())
            say(dispatcher, dialogue_wording.waiting_ack())
            return []
        if intent == "request_human":
            say(dispatcher, dialogue_wording.waiting_already())
            return []
        say(dispatcher, dialogue_wording.waiting_ack())
        if intent == "declare_unpaid":
            say(dispatcher, dialogue_wording.waiting_declare())
            return []
        answer = WAITING_ANSWERS.get(intent or "")
        if answer is None:
            return []
        if answer.startswith("utter_"):
            dispatcher.utter_message(response=answer)
            return []
        action = _action_named(answer)
        if action is None:
            return []
        try:
            events = await action.run(dispatcher, tracker, domain)
        except Exception:
            logger.exception("answer %s while waiting for a person failed", answer)
            return []
        return [e for e in events or [] if e.get("event") not in _WAITING_DROPPED
                and not (e.get("event") == "slot" and e.get("name") in ("cap_mode", "handoff_outcome"))]
